"""The workspace in headless Chromium (Debian's, by its path): log in with the URL serve
printed, open an account, change a stance in the panel, see the piece redrawn in the new
colour, reload and find it kept."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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


@contextmanager
def orbital_workspace(data_dir: Path) -> Iterator[Page]:
    """Orbital's workspace at 1366×768 in Chromium, logged in through serve's login URL,
    drawn once; no page or console error may have happened by the end."""
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
            # Console errors only: the tests' own pixel reads make Chrome warn.
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.goto(served.login_url)
            page.click("text=Orbital Energy")
            drawn(page, 1)
            yield page
            assert problems == []
            browser.close()
    finally:
        served.stop()


def save_stance(page: Page, stance: str) -> None:
    """Open Laura's panel from her piece, save ``stance`` and wait for the save."""
    spot = page.evaluate(WHERE, WHO)
    page.mouse.click(spot["x"], spot["y"])
    page.wait_for_selector(f'#panel [data-stakeholder="{WHO}"]')
    page.select_option("#stance", stance)
    page.click('#panel form[aria-label="The stakeholder"] button[type=submit]')
    page.wait_for_selector("#panel .saved")


def test_a_stance_changed_in_the_panel_redraws_the_board_and_is_kept(data_dir: Path) -> None:
    with orbital_workspace(data_dir) as page:
        assert page.evaluate(PIXEL, WHO) == STANCE_COLOURS[Stance.neutral]

        save_stance(page, "opponent")
        drawn(page, 2)
        assert page.evaluate(PIXEL, WHO) == STANCE_COLOURS[Stance.opponent]

        page.reload()
        drawn(page, 1)
        assert page.evaluate(PIXEL, WHO) == STANCE_COLOURS[Stance.opponent]


# How many pieces the canvas shows at full strength, and Laura's disc colour.
LIT = """() => {
  var w = window.kamgraphWorkspace;
  return {shown: document.body.getAttribute("data-focus-shown"),
          options: Array.from(document.querySelectorAll("#focus option"))
            .map(function (o) { return o.textContent; }),
          edges: w.network.body.data.edges.get().filter(function (e) {
            return e.color && e.color.opacity < 1; }).length};
}"""


def test_show_one_of_ours_dims_the_rest_and_holds_across_a_redraw(data_dir: Path) -> None:
    with orbital_workspace(data_dir) as page:
        before = page.evaluate(LIT)
        # Orbital's team, by name; everyone lit.
        assert before["options"] == [
            "everyone",
            "Amara Mensah",
            "David Okafor",
            "Maria González",
            "Rafael Costa",
            "Tomasz Nowak",
        ]
        assert before["shown"] == "23" and before["edges"] == 0  # 18 theirs, 5 ours
        assert page.evaluate(PIXEL, WHO) == STANCE_COLOURS[Stance.neutral]

        page.select_option("#focus", label="David Okafor")
        page.wait_for_timeout(200)
        alone = page.evaluate(LIT)
        assert 1 < int(alone["shown"]) < 23 and alone["edges"] > 0
        # Laura Bianchi (CFO) is neither owned nor known by David: dimmed.
        assert page.evaluate(PIXEL, WHO) != STANCE_COLOURS[Stance.neutral]

        # A save in the panel redraws the board: David stays shown alone.
        save_stance(page, "supporter")
        drawn(page, 2)
        assert page.evaluate(LIT)["shown"] == alone["shown"]
        assert page.input_value("#focus") != ""

        page.select_option("#focus", "")
        page.wait_for_timeout(200)
        assert page.evaluate(LIT)["shown"] == "23" and page.evaluate(LIT)["edges"] == 0
        assert page.evaluate(PIXEL, WHO) == STANCE_COLOURS[Stance.supporter]


def test_find_a_person_focuses_them_and_fit_shows_the_whole_board(data_dir: Path) -> None:
    with orbital_workspace(data_dir) as page:
        # Every leg of every routed line keeps its colour through "Show one of ours"
        # (without one it takes its transparent via point's and vanishes).
        colours = "window.kamgraphWorkspace.network.body.data.edges.get().map(e => e.color)"
        assert all(c and c.get("color") for c in page.evaluate(colours))
        page.select_option("#focus", label="David Okafor")
        assert all(c and c.get("color") for c in page.evaluate(colours))
        page.select_option("#focus", "")
        suggested = page.eval_on_selector_all("#people option", "os => os.map(o => o.value)")
        assert "Laura Bianchi" in suggested and len(suggested) == 23
        page.fill("#find-person", "laura")
        page.press("#find-person", "Enter")
        assert page.get_attribute("body", "data-found") == WHO
        assert page.evaluate("window.kamgraphWorkspace.network.getSelectedNodes()") == [WHO]
        spot = page.evaluate(WHERE, WHO)  # focused: in the middle of the board
        box = page.locator("#network").bounding_box()
        assert box is not None
        assert abs(spot["x"] - (box["x"] + box["width"] / 2)) < 2
        assert abs(spot["y"] - (box["y"] + box["height"] / 2)) < 2
        page.fill("#find-person", "nobody like this")
        page.press("#find-person", "Enter")
        assert page.get_attribute("body", "data-found") == ""

        page.click("#fit")
        inside = page.evaluate(
            """() => {
              var w = window.kamgraphWorkspace, n = w.network;
              var box = document.getElementById("network").getBoundingClientRect();
              return w.board.pieces.every(function (p) {
                var at = n.canvasToDOM(n.getPositions([p.id])[p.id]);
                return at.x >= 0 && at.y >= 0 && at.x <= box.width && at.y <= box.height;
              });
            }"""
        )
        assert inside
