"""The CLI: every command has help and is in the README; the core commands work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from api.cli import app
from graph.engine_embedded import EmbeddedEngine
from graph.model import Account, Portfolio, ReportsTo, Stakeholder
from graph.store import GraphStore
from importers import json_document

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()
runner = CliRunner()


def command_paths(group: Any, prefix: str = "") -> list[str]:
    """Every runnable command as 'sub sub', walking sub-apps.

    Typer 0.2x builds its groups on its own vendored click, so a group is recognised by
    having sub-commands, not by ``isinstance(..., click.Group)``.
    """
    paths = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix}{name}"
        if hasattr(command, "commands"):
            paths += command_paths(command, path + " ")
        else:
            paths.append(path)
    return paths


COMMANDS = command_paths(typer.main.get_command(app))


def test_the_walk_reaches_sub_commands() -> None:
    assert {"import json", "export json", "import salesforce"} <= set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(path: str) -> None:
    result = runner.invoke(app, [*path.split(), "--help"])
    assert result.exit_code == 0, result.output
    command = typer.main.get_command(app)
    for part in path.split():
        command = command.commands[part]  # type: ignore[attr-defined]
    assert command.help, f"kamgraph {path} has no help text"
    assert f"kamgraph {path}" in README, f"README does not show `kamgraph {path}`"


def test_demo_loads_the_sample_and_lists_it(data_dir: Path) -> None:
    store = ["--store", f"embedded:{data_dir}"]
    first = runner.invoke(app, [*store, "demo"])
    assert first.exit_code == 0, first.output
    assert "helix" in first.output and "Orbital Energy" in first.output
    again = runner.invoke(app, [*store, "demo"])
    assert again.exit_code == 0
    listed = runner.invoke(app, [*store, "accounts", "orb"])
    assert [line.split()[0] for line in listed.output.splitlines()] == ["orbital"]
    shown = runner.invoke(app, [*store, "show", "orbital"])
    assert '"orb-coo"' in shown.output
    info = runner.invoke(app, [*store, "info"])
    assert f"store: embedded:{data_dir.resolve()}" in info.output


def test_an_unknown_account_is_a_message_and_exit_code_not_a_traceback(data_dir: Path) -> None:
    result = runner.invoke(app, ["--store", f"embedded:{data_dir}", "show", "nope"])
    assert result.exit_code == 3
    assert "error: no account with id 'nope'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_bad_store_spec_is_a_config_error(data_dir: Path) -> None:
    result = runner.invoke(app, ["--store", "ftp://x", "accounts"])
    assert result.exit_code == 4
    assert "unknown store 'ftp://x'" in result.output


def test_erase_removes_a_stakeholder_and_their_interactions(data_dir: Path) -> None:
    store = ["--store", f"embedded:{data_dir}"]
    runner.invoke(app, [*store, "demo"])
    asked = runner.invoke(app, [*store, "erase", "orb-dir-ops"], input="n\n")
    assert asked.exit_code == 1  # nothing erased: the mentions shown first, then the question
    assert "  interaction ix-orb-2026-08 summary: --scrub redacts it\n" in asked.output
    result = runner.invoke(app, [*store, "erase", "orb-dir-ops", "--yes", "--scrub"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "erased orb-dir-ops: deleted 0 interaction(s) only they attended, "
        "removed them from 1 shared one(s)",
        "1 field(s) of other records mention them:",
        "  interaction ix-orb-2026-08 summary: scrubbed",
        "rewrote the engine's files: none holds deleted records",
    ]
    shown = runner.invoke(app, [*store, "show", "orbital"]).output
    assert '"orb-dir-ops"' not in shown and "Rajesh Iyer" not in shown
    runner.invoke(app, [*store, "demo"])  # the sample does not bring them back
    assert '"orb-dir-ops"' not in runner.invoke(app, [*store, "show", "orbital"]).output
    again = runner.invoke(app, [*store, "erase", "orb-dir-ops", "--yes"])
    assert again.exit_code == 0, again.output
    assert again.output.startswith("orb-dir-ops was erased before\nrewrote ")
    missing = runner.invoke(app, [*store, "erase", "nope", "--yes"])
    assert missing.exit_code == 3


def test_an_erased_person_is_in_no_file_and_not_back_after_a_reimport(
    data_dir: Path, tmp_path: Path
) -> None:
    person = ("ann-1", "Ann Lee", "ann.lee@acme.example")
    document = tmp_path / "crm.json"
    document.write_text(
        json_document.dumps(
            Portfolio(
                accounts=[Account(id="acme", name="Acme")],
                stakeholders=[
                    Stakeholder(id="ann-1", account_id="acme", name="Ann Lee", email=person[2]),
                    Stakeholder(id="bob", account_id="acme", name="Bob", notes="Ann Lee's deputy"),
                ],
                reports_to=[ReportsTo(stakeholder_id="bob", manager_id="ann-1")],
            )
        )
    )
    # This process keeps the engine up, so the commands below attach to it; its RDB
    # compression off lets the search see every string (see test_engine_embedded).
    keeper = EmbeddedEngine(data_dir)
    keeper.execute_command("CONFIG", "SET", "rdbcompression", "no")
    try:
        store = ["--store", f"embedded:{data_dir}"]
        assert runner.invoke(app, [*store, "import", "json", str(document)]).exit_code == 0
        erased = runner.invoke(app, [*store, "erase", "ann-1", "--yes", "--scrub"])
        assert erased.exit_code == 0, erased.output
        assert "  stakeholder bob notes: scrubbed" in erased.output
        again = runner.invoke(app, [*store, "import", "json", str(document)])
        assert again.exit_code == 0, again.output
        assert "  skipped 1 erased person" in again.output  # and her name in Bob's notes:
        assert "warning: redacted the name or e-mail of an erased person in 1 text" in again.output
        GraphStore(keeper).purge_deleted()  # so that the search below reads a base file too
        for path in data_dir.rglob("*"):
            if path.is_file():
                assert not any(t.encode() in path.read_bytes() for t in person), path
        assert b"Bob" in (data_dir / "aof").joinpath(*_base(data_dir)).read_bytes()
    finally:
        keeper.close()


def _base(data_dir: Path) -> list[str]:
    """The AOF base file's name, from the manifest."""
    manifest = (data_dir / "aof" / "appendonly.aof.manifest").read_text().split()
    return [manifest[manifest.index("type") - 3]]


@pytest.mark.parametrize(
    "command",
    [
        ["export", "json", "-o"],
        ["export", "cypher", "-o"],
        ["export", "csv", "-o"],
        ["template"],
        ["template", "--csv"],
    ],
)
def test_an_output_in_a_missing_folder_is_a_message_not_a_traceback(
    data_dir: Path, tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "missing-folder" / "out.xlsx"
    result = runner.invoke(app, ["--store", f"embedded:{data_dir}", *command, str(out)])
    assert result.exit_code == 1, result.output
    assert f"error: cannot write {out}" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "missing-folder").exists()  # nothing half-made either
