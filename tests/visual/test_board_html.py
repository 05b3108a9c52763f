"""The interactive page: structure from its data island, offline, escaped, all layouts."""

from __future__ import annotations

import json
import re
from typing import Any

import networkx as nx
import pytest

from graph.analysis.result import AccountAnalysis
from graph.model import Seniority, Stance
from visual import board_html
from visual.board import STANCE_COLOURS, LineKind
from visual.layout import Layout

from .conftest import XSS_IMG, XSS_SCRIPT

Acme = tuple[nx.MultiDiGraph, AccountAnalysis]
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


def island(page: str) -> dict[str, Any]:
    """The board data the page embeds for its script."""
    found = re.search(r'<script type="application/json" id="kamgraph-board">(.*?)</script>', page)
    assert found
    return json.loads(found.group(1))


def vis_nodes(page: str) -> list[dict[str, Any]]:
    """The node data handed to vis.js (pyvis's template writes it as one JSON line)."""
    found = re.search(r"nodes = new vis\.DataSet\((.*?)\);\n", page)
    assert found
    return json.loads(found.group(1))


@pytest.mark.parametrize("layout", list(Layout))
def test_page_is_offline(acme: Acme, layout: Layout) -> None:
    page = board_html.render(*acme, layout=layout)
    assert not REMOTE.search(page)
    assert "//cdn" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "vis.Network" in page and "<!DOCTYPE html>" in page


def test_every_stakeholder_is_a_piece_on_its_rank_and_file(acme: Acme) -> None:
    G, _ = acme
    data = island(board_html.render(*acme))
    pieces = {p["id"]: p for p in data["pieces"]}
    files = [f["name"] for f in data["files"]]
    for n, a in G.nodes(data=True):
        piece = pieces[n]
        assert piece["name"] == a["name"]
        if a["kind"] == "stakeholder":
            assert piece["rank"] == Seniority(a["seniority"]).rank
            assert files[piece["file"]].casefold() == (a["function"] or "No function").casefold()
            assert piece["colour"] == STANCE_COLOURS[Stance(a["stance"])]
    assert {p["id"]: p["glyph"] for p in data["pieces"]} == {
        "ceo": "♚", "cfo": "♜", "cto": "♝", "vpops": "♛", "dirit": "♝", "mgrfin": "♟",
        "eng": "♞", "temp": "♟", "kim": "♔", "sam": "♕", "sol": "♗", "ava": "♙",
    }  # fmt: skip
    assert [p["id"] for p in data["pieces"] if p["hanging"]] == ["cfo"]
    assert [p["id"] for p in data["pieces"] if p["carrier"]] == ["kim"]


def test_every_relationship_is_a_line(acme: Acme) -> None:
    G, _ = acme
    data = island(board_html.render(*acme))
    drawn = {(x["kind"], x["from"], x["to"]) for x in data["lines"]}
    for u, v, key in G.edges(keys=True):
        if key in set(LineKind):
            assert (key, u, v) in drawn
    fading = [x for x in data["lines"] if x["fading"]]
    assert [(x["from"], x["to"]) for x in fading] == [("sam", "ceo")] and fading[0]["dashes"]


def test_vis_gets_fixed_positions_except_in_network(acme: Acme) -> None:
    board = vis_nodes(board_html.render(*acme, layout=Layout.board))
    assert all("x" in n and "y" in n for n in board)
    pieces = {n["id"] for n in board if n["side"] != "via"}
    assert pieces == set(acme[0].nodes)
    # The rest are the routed lines' via points, each named after its line.
    assert all(n["id"].startswith("via/") for n in board if n["id"] not in pieces)
    assert all("title" not in n for n in board)  # tooltips are built as DOM elements
    network = vis_nodes(board_html.render(*acme, layout=Layout.network))
    assert all("x" not in n for n in network)


def test_user_text_is_never_markup(acme: Acme) -> None:
    page = board_html.render(*acme)
    for raw in (XSS_IMG, XSS_SCRIPT, "<b>Operations</b>", "<i>Rival</i>", "Acme <Holdings>"):
        assert raw not in page
    assert "<title>Acme &lt;Holdings&gt; &amp; Co — board</title>" in page
    assert "&lt;b&gt;Operations&lt;/b&gt;" in page  # the files legend
    # The data island keeps the text exact; only the page's script reads it (textContent).
    data = island(page)
    assert {p["name"] for p in data["pieces"]} >= {XSS_IMG, XSS_SCRIPT}


def test_href_in_user_text_does_not_switch_pyvis_to_html_tooltips(acme: Acme) -> None:
    G, analysis = acme
    G.nodes["ceo"]["name"] = '<a href="javascript:alert(1)">Cy</a>'
    page = board_html.render(G, analysis)
    assert "popup.innerHTML" not in page
