"""The board model: pieces by power, colours by stance, files, markers, lines."""

from __future__ import annotations

import datetime as dt

import networkx as nx
import pytest

from graph.analysis import analyze
from graph.analysis.result import AccountAnalysis
from graph.model import Account, Interaction, Stakeholder, Stance, TeamMember
from graph.network import to_networkx
from graph.store import AccountGraph
from visual.board import (
    LOST_STYLE,
    NO_FUNCTION,
    OWNER_COLOURS,
    STANCE_COLOURS,
    LineKind,
    build_board,
    ink_for,
)

from .conftest import acme_analysis, acme_graph

Acme = tuple[nx.MultiDiGraph, AccountAnalysis]


@pytest.mark.parametrize(
    ("person", "glyph"),
    [
        ("ceo", "♚"),  # decision maker
        ("vpops", "♛"),  # most influential of the rest (recorded 4)
        ("cfo", "♜"),  # economic buyer
        ("cto", "♝"),  # technical buyer
        ("dirit", "♝"),  # evaluator
        ("eng", "♞"),  # champion (coach)
        ("mgrfin", "♟"),  # user buyer
        ("temp", "♟"),  # no role
        ("kim", "♔"),  # quarterback
        ("sam", "♕"),  # exec sponsor
        ("sol", "♗"),  # solution engineer
        ("ava", "♙"),  # service
    ],
)
def test_piece_by_power_and_role(acme: Acme, person: str, glyph: str) -> None:
    assert build_board(*acme).piece(person).glyph == glyph


def test_colour_is_stance_and_ink_reads(acme: Acme) -> None:
    G, _ = acme
    board = build_board(*acme)
    for piece in board.pieces:
        if piece.side == "customer":
            assert piece.colour == STANCE_COLOURS[Stance(G.nodes[piece.id]["stance"])]
        assert piece.ink == ink_for(piece.colour)
    assert ink_for("#5e3c99") == "#ffffff" and ink_for("#f7f7f7") == "#111111"


def test_rank_is_seniority_and_files_are_functions(acme: Acme) -> None:
    board = build_board(*acme)
    # The common functions in their order ("it" is IT), the account's own, "no function" last.
    assert board.files == ("Executive", "Finance", "IT", "<b>Operations</b>", NO_FUNCTION)
    assert board.piece("dirit").file == board.piece("cto").file == 2
    assert board.piece("temp").file == 4
    assert [board.piece(p).rank for p in ("ceo", "vpops", "dirit", "mgrfin", "eng")] == [
        1,
        2,
        3,
        4,
        5,
    ]
    # Our rows: leadership at the back (1), specialists (2), service at the front (3).
    assert [board.piece(p).rank for p in ("kim", "sam", "sol", "ava")] == [1, 1, 2, 3]


def test_markers_come_from_the_analysis(acme: Acme) -> None:
    board = build_board(*acme)
    assert [p.id for p in board.pieces if p.hanging] == ["cfo"]
    assert [p.id for p in board.pieces if p.carrier] == ["kim"]
    assert board.piece("vpops").competitors == ("<i>Rival</i> & Co",)
    assert board.piece("mgrfin").left_company
    details = dict(board.piece("cfo").details)
    assert details["Owner"] == "Kim Lee"
    assert details["Strongest relationship"].startswith("1.0/5 with Kim Lee")
    assert details["Last contact"] == "2025-06-01"
    assert "economic buyer" in details["Hanging"]


def test_each_of_theirs_shows_its_owner_and_each_of_ours_a_colour(acme: Acme) -> None:
    board = build_board(*acme)
    assert {p.id: p.owner for p in board.pieces if p.side == "customer" and p.owner} == {
        "ceo": "kim",
        "cfo": "kim",
        "cto": "sol",
    }
    assert [p.id for p in board.pieces if p.unowned] == ["vpops"]  # the analysis's "unowned"
    ours = {p.id: (p.initials, p.tint) for p in board.pieces if p.side == "ours"}
    assert ours == {  # by id: ava, kim, sam, sol
        "ava": ("AM", OWNER_COLOURS[0]),
        "kim": ("KL", OWNER_COLOURS[1]),
        "sam": ("SS", OWNER_COLOURS[2]),
        "sol": ("SV", OWNER_COLOURS[3]),
    }
    assert len(set(OWNER_COLOURS)) == len(OWNER_COLOURS)


def test_what_is_stored_is_shown(acme: Acme) -> None:
    G, analysis = acme
    G.nodes["ceo"].update(orientation="financial", inner_circle=True)
    G.nodes["ceo"]["dmu_roles"] += ["blocker", "gatekeeper"]
    G.edges["kim", "ceo", "knows"].update(level="credible_source", target_level="trusted_advisor")
    G.edges["sam", "ceo", "knows"].update(level="problem_solver", target_level="problem_solver")
    board = build_board(G, analysis)
    ceo = dict(board.piece("ceo").details)
    assert ceo["Decision orientation"] == "financial" and ceo["Inner circle"] == "yes, a key player"
    assert board.piece("ceo").marked_roles == ("blocker", "gatekeeper")
    assert board.piece("cto").marked_roles == ()
    assert dict(board.piece("cto").details)["Inner circle"] == "no"
    gaps = {
        (line.source, line.target): dict(line.details)
        for line in board.lines
        if line.kind is LineKind.knows
    }
    assert gaps["kim", "ceo"]["Level (now → aim)"] == "credible source → trusted advisor"
    assert gaps["kim", "ceo"]["Gap"] == "2 steps to go"
    assert gaps["sam", "ceo"]["Gap"] == "reached"
    assert "Gap" not in gaps["sol", "cto"]


def test_a_departed_persons_relationships_are_drawn_lost(acme: Acme) -> None:
    G, analysis = acme
    G.add_edge("kim", "mgrfin", key="knows", strength=5)  # a 5/5 champion who has left
    strong = analysis.strengths[0].model_copy(
        update={"member_id": "kim", "stakeholder_id": "mgrfin", "strength": 5.0}
    )
    board = build_board(G, analysis.model_copy(update={"strengths": [*analysis.strengths, strong]}))
    knows = {(x.source, x.target): x for x in board.lines if x.kind is LineKind.knows}
    lost = knows["kim", "mgrfin"]
    assert lost.lost and lost.width == 1.0 and lost.dashes == LOST_STYLE.dashes
    assert dict(lost.details)["Lost"] == "Mo Malik has left the company"
    assert lost.width < min(x.width for x in knows.values() if not x.lost)
    assert not any(x.lost for k, x in knows.items() if k != ("kim", "mgrfin"))


def test_no_queen_without_influence_data(acme: Acme) -> None:
    G, analysis = acme
    for n in G:
        if G.nodes[n]["kind"] == "stakeholder":
            G.nodes[n]["influence"] = None
    bare = analysis.model_copy(update={"influence": []})
    assert "♛" not in {p.glyph for p in build_board(G, bare).pieces}


def test_every_relationship_and_line_is_drawn_once(acme: Acme) -> None:
    G, _ = acme
    G.add_edge("cto", "vpops", key="conflicts")  # the same rivalry stored both ways
    board = build_board(*acme)
    kinds = [line.kind for line in board.lines]
    assert kinds.count(LineKind.knows) == 7
    assert kinds.count(LineKind.reports_to) == 6
    assert kinds.count(LineKind.influences) == 2
    assert kinds.count(LineKind.conflicts) == 1
    assert len({line.id for line in board.lines}) == len(board.lines)
    strong = next(x for x in board.lines if (x.source, x.target) == ("kim", "ceo"))
    fading = next(x for x in board.lines if (x.source, x.target) == ("sam", "ceo"))
    assert strong.width > fading.width and strong.dashes is None
    assert fading.fading and fading.dashes


def test_a_relationship_known_only_from_the_interaction_log_is_a_line() -> None:
    graph = AccountGraph(
        accounts=[Account(id="acme", name="Acme")],
        stakeholders=[Stakeholder(id="cfo", account_id="acme", name="Fi")],
        team_members=[TeamMember(id="kim", name="Kim")],
        interactions=[
            Interaction(
                id=f"i{n}",
                account_id="acme",
                date=day,
                channel="meeting",
                member_ids=["kim"],
                stakeholder_ids=["cfo"],
            )
            for n, day in enumerate(["2026-10-01", "2026-11-02", "2026-11-20"])
        ],
    )
    G = to_networkx(graph)
    analysis = analyze(G, as_of=dt.date(2026, 11, 25))
    (line,) = build_board(G, analysis).lines
    (strength,) = analysis.strengths
    assert (line.kind, line.source, line.target) == (LineKind.knows, "kim", "cfo")
    assert line.strength == strength.strength > 0 and strength.source == "computed"
    kim = next(p for p in build_board(G, analysis).pieces if p.id == "kim")
    assert ("Relationships", "1") in kim.details


def _files_of(functions: list[str | None]) -> tuple[str, ...]:
    graph = AccountGraph(
        accounts=[Account(id="acme", name="Acme")],
        stakeholders=[
            Stakeholder(id=f"s{i}", account_id="acme", name=f"P{i}", function=f)
            for i, f in enumerate(functions)
        ],
    )
    G = to_networkx(graph)
    board = build_board(G, analyze(G, as_of=dt.date(2026, 11, 25)))
    for i, f in enumerate(functions):  # every person stands in the file of their function
        name = board.files[board.piece(f"s{i}").file or 0]
        assert name == NO_FUNCTION if f is None or not f.strip() else name != NO_FUNCTION
    return board.files


@pytest.mark.parametrize(
    ("functions", "files"),
    [
        # Executive first, then the common order, whatever order the people come in.
        (["Sales", "IT", "Executive", "Finance"], ("Executive", "Finance", "IT", "Sales")),
        (
            ["Legal", "HR", "Operations", "Procurement"],
            ("Procurement", "Operations", "HR", "Legal"),
        ),
        # The account's own functions after the common ones, alphabetically; none last.
        (
            [None, "Strategy", "Quality", "Aftermarket", "Executive", "  "],
            ("Executive", "Quality", "Aftermarket", "Strategy", NO_FUNCTION),
        ),
        # Synonyms and spellings of one function share one file under its name.
        (
            ["Ops", "operations", " Operations ", "OPERATIONS", "Information Technology", "it"],
            ("IT", "Operations"),
        ),
        (
            ["Research & Development", "research and development", "R&D", "Human Resources"],
            ("R&D", "HR"),
        ),
        # The account's own function in several spellings: one file, one name.
        (["Field  Services", "field services", "FIELD SERVICES"], ("FIELD SERVICES",)),
    ],
)
def test_files_are_in_a_canonical_order_one_per_function(
    functions: list[str | None], files: tuple[str, ...]
) -> None:
    assert _files_of(functions) == files


def test_the_executive_file_has_the_same_letter_on_every_account() -> None:
    for functions in (["Sales", "Executive"], ["Executive", "Finance"], ["Board", "Aardvark"]):
        assert _files_of(functions)[0] == "Executive"


def test_analysis_of_another_account_is_refused() -> None:
    G = to_networkx(acme_graph())
    other = acme_analysis(G).model_copy(update={"account_id": "other"})
    with pytest.raises(ValueError, match="other"):
        build_board(G, other)
