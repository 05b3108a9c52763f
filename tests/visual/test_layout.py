"""Positions: the chess grid, the org chart, and our team facing the customer."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import networkx as nx
import pytest

from graph.analysis import analyze
from graph.analysis.result import AccountAnalysis
from graph.network import to_networkx
from visual.board import build_board
from visual.layout import (
    LABEL_W,
    NAME_PX,
    TITLE_PX,
    Layout,
    piece_box,
    place,
    text_width,
)

from .conftest import generated_account

Acme = tuple[nx.MultiDiGraph, AccountAnalysis]


def test_board_puts_each_piece_on_its_square(acme: Acme) -> None:
    board = build_board(*acme)
    placement = place(board, Layout.board)
    squares = [a for a in placement.areas if a.tone != "ours"]
    assert len(squares) == len(board.files) * 5
    # Squares alternate like a chess board.
    assert {a.tone for a in squares} == {"light", "dark"}
    files = sorted({a.x for a in squares})
    ranks = sorted({a.y for a in squares})
    for piece in board.pieces:
        x, y = placement.positions[piece.id]
        if piece.side == "customer":
            square = next(a for a in squares if a.x <= x < a.x + a.w and a.y <= y < a.y + a.h)
            assert files.index(square.x) == piece.file
            assert ranks.index(square.y) == piece.rank - 1
        else:  # our team stands below the customer's half
            assert y > max(a.y + a.h for a in squares)
    assert len(set(placement.positions.values())) == len(board.pieces)
    x0, y0, x1, y1 = placement.bounds
    assert all(x0 < x < x1 and y0 < y < y1 for x, y in placement.positions.values())


def test_crowded_square_wraps_into_rows(acme: Acme) -> None:
    G, analysis = acme
    for i in range(19):
        G.add_node(f"extra{i}", **{**G.nodes["temp"], "id": f"extra{i}", "name": f"E{i}"})
    placement = place(build_board(G, analysis), Layout.board)
    crowd = [placement.positions[f"extra{i}"] for i in range(19)] + [placement.positions["temp"]]
    assert len(set(crowd)) == 20
    square = next(
        a
        for a in placement.areas
        if a.x <= crowd[0][0] < a.x + a.w and a.y <= crowd[0][1] < a.y + a.h
    )
    assert all(
        square.x < x < square.x + square.w and square.y < y < square.y + square.h for x, y in crowd
    )
    rows, cols = len({y for _, y in crowd}), len({x for x, _ in crowd})
    assert rows > 1 and cols > 1
    # The board keeps a landscape shape rather than one very wide or very tall square.
    assert 1 < placement.width / placement.height < 2.5


def test_org_puts_managers_above_their_reports(acme: Acme) -> None:
    board = build_board(*acme)
    placement = place(board, Layout.org)
    y = {n: pos[1] for n, pos in placement.positions.items()}
    for line in board.lines:
        if line.kind == "reports_to":
            assert y[line.target] < y[line.source]
    assert max(y[p.id] for p in board.pieces if p.side == "customer") < min(
        y[p.id] for p in board.pieces if p.side == "ours"
    )


def test_org_survives_a_reporting_cycle(acme: Acme) -> None:
    G, analysis = acme
    G.add_edge("ceo", "eng", key="reports_to")  # eng → dirit → cto → ceo → eng
    board = build_board(G, analysis)
    assert set(place(board, Layout.org).positions) == {p.id for p in board.pieces}


def test_network_leaves_positions_to_the_browser(acme: Acme) -> None:
    placement = place(build_board(*acme), Layout.network)
    assert placement.positions == {} and placement.areas == ()


def _crosses(p: tuple[float, float], q: tuple[float, float], box: tuple[float, ...]) -> bool:
    """Whether the axis-parallel segment p–q runs through the inside of ``box``."""
    x0, y0, x1, y1 = box
    if p[1] == q[1]:  # horizontal
        return y0 < p[1] < y1 and min(p[0], q[0]) < x1 and max(p[0], q[0]) > x0
    assert p[0] == q[0], (p, q)  # routed legs are horizontal or vertical
    return x0 < p[0] < x1 and min(p[1], q[1]) < y1 and max(p[1], q[1]) > y0


@pytest.mark.parametrize("layout", [Layout.board, Layout.org])
@pytest.mark.parametrize("people", [0, 25, 80])
def test_routed_lines_cross_no_piece_they_do_not_connect(
    acme: Acme, layout: Layout, people: int
) -> None:
    if people:
        G = to_networkx(generated_account(people))
        board = build_board(G, analyze(G, as_of=dt.date(2026, 6, 30)))
    else:
        board = build_board(*acme)
    placement = place(board, layout)
    assert set(placement.routes) == {line.id for line in board.lines}
    boxes = {i: piece_box(*at, placement.labels[i]) for i, at in placement.positions.items()}
    for line in board.lines:
        legs = [placement.positions[line.source], *placement.routes[line.id]]
        legs.append(placement.positions[line.target])
        for p, q in pairwise(legs):
            crossed = [i for i, box in boxes.items() if _crosses(p, q, box)]
            assert set(crossed) <= {line.source, line.target}, (line.id, crossed)
        # Out of and into its own pieces over the disc or from the side: never down
        # through the name below it.
        for end, (p, q) in ((line.source, legs[:2]), (line.target, legs[-1:-3:-1])):
            x, y = placement.positions[end]
            assert not (p[0] == q[0] == x and q[1] > y), (line.id, end)


def test_labels_wrap_whole_within_their_place(acme: Acme) -> None:
    G, analysis = acme
    G.nodes["ceo"]["name"] = "Maximiliana Featherstonehaugh-Wolfeschlegel"
    G.nodes["ceo"]["title"] = "Chief Executive Officer and Chair of the Supervisory Board"
    board = build_board(G, analysis)
    names, titles = place(board, Layout.board).labels["ceo"]
    assert "…" not in "".join(names + titles)
    assert "".join(names).replace(" ", "") == G.nodes["ceo"]["name"].replace(" ", "")
    assert " ".join(titles) == G.nodes["ceo"]["title"]
    assert all(text_width(n, NAME_PX, bold=True) <= LABEL_W for n in names)
    assert all(text_width(t, TITLE_PX) <= LABEL_W for t in titles)
    assert len(titles) > 1
