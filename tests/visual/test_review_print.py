"""The review as it prints: every sample account on at most 3 A4 landscape pages, none of
them mostly blank, and a health score never wrapped away from its bar — measured in
headless Chromium's own PDF (read back with poppler's pdfinfo and pdftotext)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest

from api import service
from graph.access import LOCAL
from graph.store import GraphStore

from ..browser_support import browser_session
from .conftest import CHROMIUM

SAMPLES = ("northwind", "helix", "orbital", "baltic")
AS_OF = dt.date(2026, 11, 25)
POPPLER = Path("/usr/bin/pdftotext"), Path("/usr/bin/pdfinfo")
#: A page is mostly blank when its text stops above this fraction of its height, or when
#: it holds less than this fraction of the words of the fullest page.
FILLED_HEIGHT, FILLED_WORDS = 1 / 3, 0.2


def _run(*args: str | Path) -> str:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=120, check=True
    ).stdout


def _print(page: str, tmp_path: Path) -> Path:
    html, pdf = tmp_path / "review.html", tmp_path / "review.pdf"
    html.write_text(page, encoding="utf-8")
    _run(
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}", html.as_uri(),
    )  # fmt: skip
    return pdf


def _pages(pdf: Path) -> list[tuple[float, int]]:
    """Per page: how far down its text reaches (0–1 of the height), and its word count."""
    layout = _run(POPPLER[0], "-bbox", pdf, "-")
    pages = []
    for height, body in re.findall(
        r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', layout, re.S
    ):
        bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', body)]
        pages.append((max(bottoms, default=0) / float(height), len(bottoms)))
    return pages


@pytest.mark.parametrize("account", SAMPLES)
def test_each_sample_review_prints_on_three_full_pages_at_most(
    sample_store: GraphStore, tmp_path: Path, account: str
) -> None:
    if not (CHROMIUM.exists() and all(p.exists() for p in POPPLER)):
        pytest.skip("printing needs chromium and poppler-utils (`make browser`)")
    pdf = _print(service.account_review(sample_store, LOCAL, account, as_of=AS_OF), tmp_path)
    info = _run(POPPLER[1], pdf)
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts \(A4\)", info)
    assert size and float(size.group(1)) > float(size.group(2)), info  # A4, landscape
    pages = _pages(pdf)
    assert re.search(r"Pages:\s+(\d+)", info).group(1) == str(len(pages))  # type: ignore[union-attr]
    assert len(pages) <= 3, pages
    fullest = max(words for _, words in pages)
    for number, (reach, words) in enumerate(pages, start=1):
        assert reach >= FILLED_HEIGHT and words >= FILLED_WORDS * fullest, (number, pages)
    first = " ".join(_run(POPPLER[0], "-f", "1", "-l", "1", pdf, "-").split()).casefold()
    assert "hanging pieces" in first and "their pieces (power)" in first  # summary, board


METERS = """
return Array.from(document.querySelectorAll(".meter")).map(function (m) {
  var bar = m.querySelector(".bar").getBoundingClientRect();
  var cell = m.closest("td").getBoundingClientRect();
  var box = m.getBoundingClientRect();
  return {lines: m.getClientRects().length, text: m.textContent.trim(),
          level: Math.abs(bar.top + bar.height / 2 - (box.top + box.height / 2)) < 4,
          inside: box.right <= cell.right + 0.5};
});
"""


@pytest.mark.parametrize("account", SAMPLES)
def test_a_score_stays_beside_its_bar_on_screen_and_in_print(
    sample_store: GraphStore, tmp_path: Path, account: str
) -> None:
    """Orbital and Northwind score 100 on a component: the three digits that wrapped."""
    page = tmp_path / "review.html"
    page.write_text(service.account_review(sample_store, LOCAL, account, as_of=AS_OF), "utf-8")
    with browser_session() as browser:
        # 1366 and 1920 wide screens, and the printed page's width (277 mm at 96 dpi)
        for width, media in ((1366, "screen"), (1920, "screen"), (1047, "print")):
            tab = browser.new_page(viewport={"width": width, "height": 768})
            tab.emulate_media(media=media)  # type: ignore[arg-type]
            tab.goto(page.as_uri())
            meters = tab.evaluate(f"() => {{ {METERS} }}")
            assert meters, (width, media)
            for m in meters:
                assert m["lines"] == 1 and m["level"] and m["inside"], (width, media, m)
            tab.close()
