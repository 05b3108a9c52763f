"""The workspace in headless Chromium (Debian's, by its path): log in with the URL serve
printed, open an account, change a stance in the panel, see the piece redrawn in the new
colour, reload and find it kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from graph.model import Stance
from visual.board import STANCE_COLOURS

from ..api.test_serve import start_serve
from ..visual.conftest import CHROMIUM

# The colour inside a piece's disc, left of its glyph, as the canvas shows it.
PIXEL = """(id) => {
  var w = window.kamgraphWorkspace, network = w.network;
  var at = network.canvasToDOM(network.getPositions([id])[id]);
  var canvas = document.querySelector("#network canvas"), ratio = window.devicePixelRatio;
  var d = canvas.getContext("2d").getImageData(
    Math.round((at.x - 18 * network.getScale()) * ratio), Math.round(at.y * ratio), 1, 1).data;
  var hex = function (v) { return v.toString(16).padStart(2, "0"); };
  return "#" + hex(d[0]) + hex(d[1]) + hex(d[2]);
}"""
WHERE = """(id) => {
  var network = window.kamgraphWorkspace.network;
  var at = network.canvasToDOM(network.getPositions([id])[id]);
  var box = document.getElementById("network").getBoundingClientRect();
  return {x: box.left + at.x, y: box.top + at.y};
}"""
WHO = "orb-cfo"  # Laura Bianchi, neutral in the sample


def drawn(page: Page, times: int) -> None:
    page.wait_for_selector(f'#board[data-board-ready="{times}"]')
    page.wait_for_timeout(200)  # the canvas paints on the next animation frame


def test_a_stance_changed_in_the_panel_redraws_the_board_and_is_kept(data_dir: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium): browser test skipped")
    served = start_serve(data_dir)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox"]
            )
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            problems: list[str] = []
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on(
                "console",
                lambda m: problems.append(m.text) if m.type in ("error", "warning") else None,
            )
            page.goto(served.login_url)
            page.click("text=Orbital Energy")
            drawn(page, 1)
            assert page.evaluate(PIXEL, WHO) == STANCE_COLOURS[Stance.neutral]

            spot = page.evaluate(WHERE, WHO)
            page.mouse.click(spot["x"], spot["y"])
            page.wait_for_selector(f'#panel [data-stakeholder="{WHO}"]')
            page.select_option("#stance", "opponent")
            page.click('#panel form[aria-label="The stakeholder"] button[type=submit]')
            page.wait_for_selector("#panel .saved")
            drawn(page, 2)
            assert page.evaluate(PIXEL, WHO) == STANCE_COLOURS[Stance.opponent]

            page.reload()
            drawn(page, 1)
            assert page.evaluate(PIXEL, WHO) == STANCE_COLOURS[Stance.opponent]
            assert problems == []
            browser.close()
    finally:
        served.stop()
