"""`kamgraph map` and `kamgraph review`: files by extension, whole or not at all, clear errors."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.settings import Settings
from graph.store import open_store

from ..conftest import write_recorded
from .conftest import XSS_IMG, acme_graph

runner = CliRunner()


@pytest.fixture
def store_arg(data_dir: Path) -> list[str]:
    """A store holding the hand-built Acme account."""
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        write_recorded(store, acme_graph())
    return ["--store", f"embedded:{data_dir}"]


def test_map_writes_html_or_svg_by_extension(store_arg: list[str], tmp_path: Path) -> None:
    page, svg = tmp_path / "board.html", tmp_path / "board.svg"
    html = runner.invoke(app, [*store_arg, "map", "acme", "-o", str(page), "--layout", "org"])
    assert html.exit_code == 0, html.output
    assert html.output == f"wrote {page}\n"
    text = page.read_text()
    assert '"layout":"org"' in text and XSS_IMG not in text
    drawn = runner.invoke(app, [*store_arg, "map", "acme", "-o", str(svg), "--as-of", "2025-06-30"])
    assert drawn.exit_code == 0, drawn.output
    root = ET.fromstring(svg.read_text())
    assert len(root.findall(".//{http://www.w3.org/2000/svg}g[@class='piece']")) == 12
    assert "as of 2025-06-30" in svg.read_text()


def test_review_writes_the_page(store_arg: list[str], tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    result = runner.invoke(
        app, [*store_arg, "review", "acme", "-o", str(out), "--as-of", "2025-06-30"]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text()
    assert "<h2>Next moves</h2>" in page and "as of 2025-06-30" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "board.png"], "name an .html or .svg file"),
        (["-o", "board.svg", "--layout", "network"], "the SVG draws the board layout"),
        (["-o", "board.html", "--layout", "chess"], "'chess' is not one of"),
        (["-o", "board.html", "--as-of", "30/06/2025"], "--as-of"),
    ],
)
def test_bad_options_are_usage_errors(
    store_arg: list[str], tmp_path: Path, args: list[str], message: str
) -> None:
    args = [a if not a.startswith("board.") else str(tmp_path / a) for a in args]
    result = runner.invoke(app, [*store_arg, "map", "acme", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not list(tmp_path.glob("board.*"))


@pytest.mark.parametrize("name", ["r.pdf", "r.png", "review"])
def test_review_refuses_a_suffix_it_does_not_write(
    store_arg: list[str], tmp_path: Path, name: str
) -> None:
    result = runner.invoke(app, [*store_arg, "review", "acme", "-o", str(tmp_path / name)])
    assert result.exit_code == 2
    assert f"'{name}': the review is an HTML page" in result.output
    assert not list(tmp_path.glob("r*"))


def test_unknown_account_writes_nothing(store_arg: list[str], tmp_path: Path) -> None:
    out = tmp_path / "review.html"
    result = runner.invoke(app, [*store_arg, "review", "nope", "-o", str(out)])
    assert result.exit_code == 3
    assert "error: no account with id 'nope'" in result.output
    assert not out.exists()


@pytest.mark.parametrize("name", ["missing/board.html", "folder.html"])
def test_unwritable_output_is_a_message(store_arg: list[str], tmp_path: Path, name: str) -> None:
    (tmp_path / "folder.html").mkdir()
    out = tmp_path / name
    result = runner.invoke(app, [*store_arg, "map", "acme", "-o", str(out)])
    assert result.exit_code == 1
    assert f"error: cannot write {out}" in result.output
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_output_gets_the_usual_file_mode(store_arg: list[str], tmp_path: Path) -> None:
    out = tmp_path / "board.svg"
    assert runner.invoke(app, [*store_arg, "map", "acme", "-o", str(out)]).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask
