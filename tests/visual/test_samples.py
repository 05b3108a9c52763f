"""The sample accounts end to end: store → graph → analysis → board, SVG and review.

Expectations are read from the stored records and the analysis, not from the board
code: every stakeholder is a piece on the right rank and file with the right glyph and
colour, every relationship and line is drawn, hanging pieces and the thread carrier
are flagged, and the pages load cleanly in a browser.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from api import service
from graph.access import LOCAL
from graph.model import DmuRole
from graph.store import GraphStore
from visual.board import HANGING_KINDS, NO_FUNCTION, STANCE_COLOURS

SAMPLES = ("northwind", "helix", "orbital")
AS_OF = dt.date(2026, 11, 25)
SVG = "{http://www.w3.org/2000/svg}"


def island(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="kamgraph-board">(.*?)</script>', page)
    assert found
    return json.loads(found.group(1))


def expected_glyph(roles: set[str], queen: bool) -> str:
    """The piece the module docstring of visual.board promises for these roles."""
    if DmuRole.decision_maker in roles:
        return "♚"
    if queen:
        return "♛"
    if DmuRole.economic_buyer in roles:
        return "♜"
    if roles & {DmuRole.technical_buyer, DmuRole.evaluator}:
        return "♝"
    if roles & {DmuRole.influencer, DmuRole.champion}:
        return "♞"
    return "♟"


@pytest.mark.parametrize("account", SAMPLES)
def test_sample_board_matches_the_records(sample_store: GraphStore, account: str) -> None:
    graph = sample_store.account_graph(account)
    analysis = service.analyze_account(sample_store, LOCAL, account, AS_OF)
    data = island(service.account_board(sample_store, LOCAL, account, as_of=AS_OF))
    pieces = {p["id"]: p for p in data["pieces"]}
    files = [f["name"].casefold() for f in data["files"]]
    assert set(pieces) == {s.id for s in graph.stakeholders} | {m.id for m in graph.team_members}
    queens = [p["id"] for p in data["pieces"] if p["glyph"] == "♛"]
    assert len(queens) <= 1
    for s in graph.stakeholders:
        piece = pieces[s.id]
        assert piece["side"] == "customer" and piece["name"] == s.name
        assert piece["rank"] == s.seniority.rank
        assert files[piece["file"]] == (s.function or NO_FUNCTION).casefold()
        assert piece["glyph"] == expected_glyph(set(s.dmu_roles), s.id in queens)
        assert piece["colour"] == STANCE_COLOURS[s.stance]
    for m in graph.team_members:
        assert pieces[m.id]["side"] == "ours"
    lines = {(x["kind"], x["from"], x["to"]) for x in data["lines"]}
    relationships = {("knows", s.member_id, s.stakeholder_id) for s in analysis.strengths}
    assert {("knows", k.member_id, k.stakeholder_id) for k in graph.knows} < relationships
    assert {line for line in lines if line[0] == "knows"} == relationships
    assert {("reports_to", r.stakeholder_id, r.manager_id) for r in graph.reports_to} <= lines
    assert {("influences", i.source_id, i.target_id) for i in graph.influences} <= lines
    conflicts = {frozenset((f, t)) for k, f, t in lines if k == "conflicts"}
    assert {frozenset((c.stakeholder_id, c.other_id)) for c in graph.conflicts} == conflicts
    hanging = {g.stakeholder_id for g in analysis.coverage_gaps if g.kind in HANGING_KINDS}
    assert {p["id"] for p in data["pieces"] if p["hanging"]} == hanging
    carrier = analysis.thread_carrier.id if analysis.thread_carrier else None
    assert [p["id"] for p in data["pieces"] if p["carrier"]] == ([carrier] if carrier else [])


def test_helix_is_single_threaded_through_jonas(sample_store: GraphStore) -> None:
    data = island(service.account_board(sample_store, LOCAL, "helix", as_of=AS_OF))
    assert [p["id"] for p in data["pieces"] if p["carrier"]] == ["tm-jonas"]


def test_orbital_coo_is_a_hanging_king(sample_store: GraphStore) -> None:
    coo = next(
        p
        for p in island(service.account_board(sample_store, LOCAL, "orbital", as_of=AS_OF))[
            "pieces"
        ]
        if p["id"] == "orb-coo"
    )
    assert coo["glyph"] == "♚" and coo["hanging"]


@pytest.mark.parametrize("account", SAMPLES)
def test_sample_svg_and_review(sample_store: GraphStore, account: str) -> None:
    graph = sample_store.account_graph(account)
    root = ET.fromstring(service.account_board_svg(sample_store, LOCAL, account, as_of=AS_OF))
    drawn = {g.get("data-id") for g in root.iter(f"{SVG}g") if g.get("class") == "piece"}
    assert drawn == {s.id for s in graph.stakeholders} | {m.id for m in graph.team_members}
    page = service.account_review(sample_store, LOCAL, account, as_of=AS_OF)
    assert "<h2>Next moves</h2>" in page and "<svg" in page


BROWSER_CHECKS = """
return {
  nodes: nodes.get({filter: function (n) { return n.side !== "via"; }}).length,
  canvas: !!document.querySelector("#mynetwork canvas"),
  ready: document.body.dataset.boardReady
};
"""


def test_sample_board_runs_clean_in_a_browser(sample_store: GraphStore, browser: Any) -> None:
    result = browser(
        service.account_board(sample_store, LOCAL, "orbital", as_of=AS_OF), BROWSER_CHECKS
    )
    assert result["errors"] == []
    checks = result["checks"]
    assert checks["canvas"] and checks["ready"] == str(checks["nodes"])
