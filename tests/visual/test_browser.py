"""The pages in headless Chromium: they load cleanly, draw, and hostile names stay text."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from graph.analysis.result import AccountAnalysis
from visual import board_html, board_svg, review
from visual.board import STANCE_COLOURS, build_board
from visual.changes import ChangeGroup
from visual.layout import Layout

from .conftest import CHROMIUM, XSS_IMG, XSS_SCRIPT

Acme = tuple[nx.MultiDiGraph, AccountAnalysis]
Browser = Callable[..., dict[str, Any]]

BOARD_CHECKS = """
document.getElementById("fit").click();
network.redraw();
var ns = nodes.get({filter: function (n) { return n.side !== "via"; }});
var box = document.querySelector('input[data-line-kind="knows"]');
box.click();
function lines(hidden) {  // the relationship lines (each one edge, or one per leg)
  return new Set(edges.get({filter: function (e) {
    return e.kind === "knows" && !!e.hidden === hidden;
  }}).map(function (e) { return e.line; })).size;
}
var hidden = lines(true);
box.click();
network.body.emitter.emit("click", {nodes: ["cfo"], edges: []});
var canvas = document.querySelector("#mynetwork canvas");
var ratio = window.devicePixelRatio;
function pixel(id) {  // inside the disc, left of the glyph
  var at = network.canvasToDOM(network.getPositions([id])[id]);
  var scale = network.getScale();
  var d = canvas.getContext("2d").getImageData(
    Math.round((at.x - 18 * scale) * ratio), Math.round(at.y * ratio), 1, 1).data;
  var hex = function (v) { return v.toString(16).padStart(2, "0"); };
  return "#" + hex(d[0]) + hex(d[1]) + hex(d[2]);
}
return {
  ready: document.body.getAttribute("data-board-ready"),
  canvases: document.querySelectorAll("#mynetwork canvas").length,
  network: !!(network && network.body),
  nodes: ns.length,
  custom: ns.filter(function (n) { return n.shape === "custom"; }).length,
  hiddenKnows: hidden,
  shownKnows: lines(false),
  tips: ns.map(function (n) {
    var tags = n.title.querySelectorAll("img,script,a,b,i").length;
    return {id: n.id, text: n.title.textContent, tags: tags};
  }),
  details: document.getElementById("details").textContent,
  detailTags: document.getElementById("details").querySelectorAll("img,script").length,
  heading: document.querySelector("header h1").textContent,
  colours: {ceo: pixel("ceo"), cto: pixel("cto")}
};
"""


def _close(colour: str, expected: str) -> bool:
    pairs = zip(bytes.fromhex(colour[1:]), bytes.fromhex(expected[1:]), strict=True)
    return all(abs(a - b) <= 12 for a, b in pairs)


@pytest.mark.parametrize("layout", list(Layout))
def test_board_loads_draws_and_escapes(acme: Acme, browser: Browser, layout: Layout) -> None:
    G, _ = acme
    result = browser(board_html.render(*acme, layout=layout), BOARD_CHECKS)
    assert result["errors"] == []
    assert result["title"] == "Acme <Holdings> & Co — board"
    assert result["images"] == 0
    checks = result["checks"]
    assert checks["network"] and checks["canvases"] >= 1
    assert checks["ready"] == str(len(G)) and checks["nodes"] == checks["custom"] == len(G)
    assert checks["hiddenKnows"] == 7 and checks["shownKnows"] == 7  # the toggle, both ways
    tips = {t["id"]: t for t in checks["tips"]}
    assert XSS_IMG in tips["cfo"]["text"] and XSS_SCRIPT in tips["vpops"]["text"]
    assert "<script>alert('note')</script>" in tips["vpops"]["text"]
    assert all(t["tags"] == 0 for t in tips.values())
    assert XSS_IMG in checks["details"] and checks["detailTags"] == 0
    assert checks["heading"].startswith("Acme <Holdings> & Co")
    if layout is Layout.board:  # fixed positions: the discs are where the board says
        assert _close(checks["colours"]["ceo"], STANCE_COLOURS["supporter"])
        assert _close(checks["colours"]["cto"], STANCE_COLOURS["champion"])


OWNER_CHECKS = """
document.getElementById("fit").click();
network.redraw();
var canvas = document.querySelector("#mynetwork canvas");
var ratio = window.devicePixelRatio;
function pixel(id, dx, dy) {
  var at = network.canvasToDOM(network.getPositions([id])[id]);
  var scale = network.getScale();
  var d = canvas.getContext("2d").getImageData(Math.round((at.x + dx * scale) * ratio),
    Math.round((at.y + dy * scale) * ratio), 1, 1).data;
  var hex = function (v) { return v.toString(16).padStart(2, "0"); };
  return "#" + hex(d[0]) + hex(d[1]) + hex(d[2]);
}
var marker = {ceo: pixel("ceo", 19.2, 19.2 - 6.5), sol: pixel("sol", 19.2, 19.2 - 6.5)};
var before = pixel("ceo", -18, 0);
var chooser = document.getElementById("focus");
chooser.value = "sol";
chooser.dispatchEvent(new Event("change"));
var shown = document.body.getAttribute("data-focus-shown");
var after = {ceo: pixel("ceo", -18, 0), cto: pixel("cto", -18, 0)};
var dimmed = new Set(edges.get().filter(function (e) { return e.color.opacity < 1; })
  .map(function (e) { return e.line; })).size;
chooser.value = "";
chooser.dispatchEvent(new Event("change"));
return {
  marker: marker, before: before, after: after, shown: shown, dimmed: dimmed,
  again: document.body.getAttribute("data-focus-shown"),
  options: Array.from(chooser.options).map(function (o) { return o.textContent; }),
  owners: document.querySelector("#legend").textContent
};
"""


def test_owners_are_drawn_and_one_of_ours_can_be_shown_alone(acme: Acme, browser: Browser) -> None:
    G, _ = acme
    board = build_board(*acme)
    tint = {p.id: p.tint for p in board.pieces}
    result = browser(board_html.render(*acme), OWNER_CHECKS)
    assert result["errors"] == []
    checks = result["checks"]
    # The owner marker, low right: Kim's colour on the CEO Kim owns, Sol's own on Sol.
    assert _close(checks["marker"]["ceo"], tint["kim"]), checks["marker"]
    assert _close(checks["marker"]["sol"], tint["sol"]), checks["marker"]
    # Sol alone: Sol, the CTO Sol owns and the director Sol knows; the rest fades.
    assert checks["shown"] == "3" and checks["again"] == str(len(G))
    assert _close(checks["before"], STANCE_COLOURS["supporter"])
    assert not _close(checks["after"]["ceo"], STANCE_COLOURS["supporter"])
    assert _close(checks["after"]["cto"], STANCE_COLOURS["champion"])
    assert checks["dimmed"] == len(board.lines) - 2  # Sol's two relationships stay lit
    assert checks["options"] == ["everyone", "Ava Moss", "Kim Lee", "Sam Stone", "Sol Vega"]
    assert "KL Kim Lee" in checks["owners"] and "nobody owns them" in checks["owners"]


SVG_CHECKS = """
var texts = Array.from(document.querySelectorAll("svg text, svg title"))
  .map(function (t) { return t.textContent; });
return {texts: texts, pieces: document.querySelectorAll("svg g.piece").length,
        scripts: document.querySelectorAll("svg script").length};
"""


def test_svg_shows_names_as_text(acme: Acme, browser: Browser) -> None:
    page = f"<!DOCTYPE html><html><head></head><body>{board_svg.render(*acme)}</body></html>"
    result = browser(page, SVG_CHECKS)
    assert result["errors"] == [] and result["title"] == "" and result["images"] == 0
    checks = result["checks"]
    assert checks["pieces"] == len(acme[0]) and checks["scripts"] == 0
    assert any(XSS_IMG in t for t in checks["texts"])
    assert any(XSS_SCRIPT in t for t in checks["texts"])


def test_review_shows_names_as_text(acme: Acme, browser: Browser) -> None:
    # Allow inline scripts for the probe: an injected name would then run too, so the
    # test is stricter than the page's own policy (which allows no script at all).
    page = review.render(*acme).replace(review.CSP, review.CSP + "; script-src 'unsafe-inline'")
    result = browser(page, "return {text: document.body.textContent, "
                           "svg: document.querySelectorAll('svg g.piece').length};")  # fmt: skip
    assert result["errors"] == [] and result["images"] == 0
    assert result["title"] == "Acme <Holdings> & Co — account review"
    assert XSS_IMG in result["checks"]["text"] and XSS_SCRIPT in result["checks"]["text"]
    assert result["checks"]["svg"] == len(acme[0])


CHANGES_CHECKS = """
var groups = Array.from(document.querySelectorAll(".changes .group"));
return {
  headings: groups.map(function (g) { return g.querySelector("h3").textContent; }),
  items: groups.map(function (g) {
    return Array.from(g.querySelectorAll("li")).map(function (li) { return li.textContent; });
  }),
  overflowing: Array.from(document.querySelectorAll(".changes li")).filter(function (li) {
    return li.scrollWidth > li.clientWidth;
  }).length,
  columns: new Set(groups.map(function (g) {
    return Math.round(g.getBoundingClientRect().left);
  })).size,
};
"""


def test_what_changed_reads_as_text_in_columns_and_nothing_overflows(
    acme: Acme, browser: Browser
) -> None:
    unbroken = "Maximiliana" * 12  # longer than a column is wide
    groups = [
        ChangeGroup("Joined", (f"{XSS_IMG} (CTO)", f"{unbroken} (VP)")),
        ChangeGroup("Left", (f"{XSS_SCRIPT} left the company",)),
        ChangeGroup("Moves", tuple(f"Person {n}: stance neutral → supporter" for n in range(6))),
        ChangeGroup("Health", ("52 → 48 (-4)",)),
    ]
    since = dt.date(2025, 3, 31)
    page = review.render(*acme, changes=review.ChangesSince(since, groups))
    page = page.replace(review.CSP, review.CSP + "; script-src 'unsafe-inline'")
    result = browser(page, CHANGES_CHECKS)
    assert result["errors"] == [] and result["images"] == 0
    checks = result["checks"]
    assert checks["headings"] == ["Joined", "Left", "Moves", "Health"]
    assert checks["items"] == [list(g.sentences) for g in groups]
    assert checks["overflowing"] == 0
    assert checks["columns"] > 1  # side by side at 1600 px, not one long list


PDFTOTEXT = Path("/usr/bin/pdftotext")


def test_a_long_what_changed_prints_under_the_summary_and_flows_on(
    acme: Acme, tmp_path: Path
) -> None:
    """On A4 landscape the section starts on the first page, not after a blank one."""
    if not (CHROMIUM.exists() and PDFTOTEXT.exists()):
        pytest.skip("printing needs chromium and pdftotext (apt-get install poppler-utils)")
    joined = tuple(f"Newcomer {n} (Director of Regional Operations): evaluator" for n in range(200))
    changes = review.ChangesSince(dt.date(2025, 3, 31), [ChangeGroup("Joined", joined)])
    page = tmp_path / "review.html"
    page.write_text(review.render(*acme, changes=changes), encoding="utf-8")
    pdf = tmp_path / "review.pdf"
    subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
         f"--print-to-pdf={pdf}", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    first = subprocess.run(
        [str(PDFTOTEXT), "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True, text=True, timeout=60, check=True,
    ).stdout  # fmt: skip
    assert "What changed since 2025-03-31" in first and "Newcomer 0 " in first
    assert "Newcomer 199 " not in first  # it flowed on to the next page
