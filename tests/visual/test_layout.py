"""Positions: the chess grid, the org chart, and our team facing the customer."""

from __future__ import annotations

import networkx as nx

from graph.analysis.result import AccountAnalysis
from visual.board import build_board
from visual.layout import Layout, place

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
