"""Where the pieces stand: positions, squares and captions, shared by the HTML and SVG boards.

``board`` puts the customer's half on a chess grid (rank = seniority, back rank = the
C-suite at the top; file = function) and our team facing it from below, each member
under the people they know. ``org`` draws the customer's reporting tree top-down with
our team below it. ``network`` leaves positions to the browser's force simulation.
Coordinates are canvas pixels (y grows downward); a renderer scales them as it likes.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

from graph.model import Seniority
from visual.board import (
    CUSTOMER_PIECES,
    OUR_ROWS,
    RANK_NAMES,
    Board,
    LineKind,
    Piece,
    file_letter,
    shorten,
)


class Layout(StrEnum):
    """How the pieces are arranged."""

    board = "board"
    org = "org"
    network = "network"


SLOT_W: Final = 150  # width of one piece's place
SLOT_H: Final = 118  # height of one piece's place (badge, disc, name, title)
PIECE_Y: Final = 50  # the disc's centre below the top of its place
ASPECT: Final = 1.5  # the board's wanted width/height (a screen or a landscape page)
CENTRE_GAP: Final = 64  # between the halves
LEVEL_H: Final = 150  # one level of the org chart
MARGIN: Final = 24
#: Fill of the areas behind the pieces: a wooden board for theirs, cool grey for ours.
AREA_COLOURS: Final = {"light": "#efe4cf", "dark": "#c8ad85", "ours": "#e3e9f0"}


@dataclass(frozen=True)
class Area:
    """A rectangle drawn behind the pieces (a square, or a band of our half)."""

    x: float
    y: float
    w: float
    h: float
    tone: Literal["light", "dark", "ours"]


@dataclass(frozen=True)
class Caption:
    """Text on the board (rank, file and row names); renderers escape it."""

    x: float
    y: float
    text: str
    anchor: Literal["start", "middle", "end"]
    role: Literal["rank", "file", "side"]


@dataclass(frozen=True)
class Placement:
    """Positions by piece id, what lies behind the pieces, and the drawn extent."""

    layout: Layout
    positions: dict[str, tuple[float, float]]
    areas: tuple[Area, ...]
    captions: tuple[Caption, ...]
    bounds: tuple[float, float, float, float]  # x0, y0, x1, y1

    @property
    def width(self) -> float:
        """Horizontal extent."""
        return self.bounds[2] - self.bounds[0]

    @property
    def height(self) -> float:
        """Vertical extent."""
        return self.bounds[3] - self.bounds[1]


def place(board: Board, layout: Layout) -> Placement:
    """Lay ``board`` out; ``network`` has no positions (the browser's physics places it)."""
    if layout is Layout.board:
        return _board(board)
    if layout is Layout.org:
        return _org(board)
    return Placement(layout, {}, (), (), (0, 0, 0, 0))


def _power(piece: Piece) -> tuple[int, str, str]:
    """Sort key inside a square: the most powerful piece first, then by name."""
    return (CUSTOMER_PIECES.index(piece.kind), piece.name.casefold(), piece.id)


def _board(board: Board) -> Placement:
    theirs = [p for p in board.pieces if p.side == "customer"]
    cells: dict[tuple[int, int], list[Piece]] = defaultdict(list)
    for p in sorted(theirs, key=_power):
        cells[p.file or 0, p.rank].append(p)
    files = range(max(len(board.files), 1))
    ranks = range(1, len(Seniority) + 1)

    per_row = _per_row(cells, files, ranks)

    def rows(n: int) -> int:
        return max(1, -(-n // per_row))

    widths, heights = _grid(cells, files, ranks, per_row)
    xs = [sum(widths[:f]) for f in files]
    ys = [sum(heights[: r - 1]) for r in ranks]
    width, half = sum(widths), sum(heights)

    positions: dict[str, tuple[float, float]] = {}
    areas: list[Area] = []
    captions: list[Caption] = []
    for f in files:
        for r in ranks:
            x0, y0, w, h = xs[f], ys[r - 1], widths[f], heights[r - 1]
            areas.append(Area(x0, y0, w, h, "dark" if (f + r) % 2 else "light"))
            people = cells[f, r]
            top = y0 + (h - rows(len(people)) * SLOT_H) / 2
            for i, p in enumerate(people):
                row, col = divmod(i, per_row)
                in_row = min(per_row, len(people) - row * per_row)
                x = x0 + (w - in_row * SLOT_W) / 2 + (col + 0.5) * SLOT_W
                positions[p.id] = (x, top + row * SLOT_H + PIECE_Y)
        name = board.files[f] if board.files else ""
        label = shorten(f"{file_letter(f)} · {name}", int(widths[f] / 8))
        captions.append(Caption(xs[f] + widths[f] / 2, -14, label, "middle", "file"))
        captions.append(Caption(xs[f] + widths[f] / 2, half + 18, file_letter(f), "middle", "file"))
    for r, seniority in zip(ranks, Seniority, strict=True):
        y = ys[r - 1] + heights[r - 1] / 2
        captions.append(Caption(-14, y, f"{RANK_NAMES[seniority]} · {r}", "end", "rank"))

    top = half + CENTRE_GAP
    bottom = _our_half(board, positions, top, width, areas, captions)
    captions.append(
        Caption(
            width / 2, half + CENTRE_GAP / 2 + 10, "▲ their side · our team ▼", "middle", "side"
        )
    )
    return Placement(
        Layout.board,
        positions,
        tuple(areas),
        tuple(captions),
        (-130 - MARGIN, -34 - MARGIN, width + MARGIN, bottom + MARGIN),
    )


def _grid(
    cells: dict[tuple[int, int], list[Piece]], files: range, ranks: range, per_row: int
) -> tuple[list[float], list[float]]:
    """File widths and rank heights when a square holds ``per_row`` pieces side by side."""
    widths = [max([min(len(cells[f, r]), per_row) for r in ranks] + [1]) * SLOT_W for f in files]
    heights = [max(max(1, -(-len(cells[f, r]) // per_row)) for f in files) * SLOT_H for r in ranks]
    return widths, heights


def _per_row(cells: dict[tuple[int, int], list[Piece]], files: range, ranks: range) -> int:
    """How many pieces a crowded square puts side by side: whatever shapes the whole
    board (our rows included) closest to :data:`ASPECT`."""
    crowd = max((len(c) for c in cells.values()), default=1)

    def misfit(per_row: int) -> tuple[float, int]:
        widths, heights = _grid(cells, files, ranks, per_row)
        height = sum(heights) + CENTRE_GAP + len(OUR_ROWS) * SLOT_H
        return abs(math.log(sum(widths) / height / ASPECT)), per_row

    return min(misfit(n) for n in range(1, max(crowd, 1) + 1))[1]


def _our_half(
    board: Board,
    positions: dict[str, tuple[float, float]],
    top: float,
    width: float,
    areas: list[Area],
    captions: list[Caption],
) -> float:
    """Place our team in rows below ``top``, front row first; returns the bottom edge.

    Each member stands under the people they know (strength-weighted), so lines run
    short and mostly upward; members of one row keep a slot apart.
    """
    pull: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for line in board.lines:
        if line.kind is LineKind.knows and line.target in positions:
            pull[line.source].append((positions[line.target][0], 1 + (line.strength or 0)))
    ours = [p for p in board.pieces if p.side == "ours"]
    y = top
    for rank in range(len(OUR_ROWS), 0, -1):
        row = [p for p in ours if p.rank == rank]
        preferred = sorted(
            (sum(x * w for x, w in pull[p.id]) / sum(w for _, w in pull[p.id]), p.id)
            if pull[p.id]
            else (width / 2, p.id)
            for p in row
        )
        per_row = max(1, int(width // SLOT_W))
        chunks = [preferred[i : i + per_row] for i in range(0, len(preferred), per_row)] or [[]]
        for chunk in chunks:
            for x, member in zip(_spread([x for x, _ in chunk], width), chunk, strict=True):
                positions[member[1]] = (x, y + PIECE_Y)
            y += SLOT_H
        height = SLOT_H * len(chunks)
        areas.append(Area(0, y - height, width, height, "ours"))
        captions.append(Caption(-14, y - height / 2, OUR_ROWS[rank - 1][0], "end", "rank"))
    return y


def _spread(preferred: list[float], width: float) -> list[float]:
    """Move sorted x positions apart to a slot each, inside [0, width], staying close."""
    xs = list(preferred)
    for i in range(len(xs)):
        xs[i] = max(xs[i], SLOT_W / 2, xs[i - 1] + SLOT_W if i else 0)
    for i in reversed(range(len(xs))):
        xs[i] = min(xs[i], width - SLOT_W / 2, xs[i + 1] - SLOT_W if i + 1 < len(xs) else width)
    return xs


def _org(board: Board) -> Placement:
    """The reporting tree top-down: managers above their reports, leaves side by side.

    A stakeholder with several managers hangs under the first by id; people in a
    reporting cycle start a tree of their own, so bad data still draws.
    """
    theirs = sorted((p for p in board.pieces if p.side == "customer"), key=_org_key)
    ids = {p.id for p in theirs}
    managers: dict[str, list[str]] = defaultdict(list)
    for line in board.lines:
        if line.kind is LineKind.reports_to:
            managers[line.source].append(line.target)
    reports: dict[str, list[str]] = defaultdict(list)
    for p in theirs:
        if managers[p.id]:
            reports[min(managers[p.id])].append(p.id)
    children: dict[str, list[str]] = defaultdict(list)
    depth: dict[str, int] = {}
    order: list[str] = []
    for root in [p.id for p in theirs if not managers[p.id]] + [p.id for p in theirs]:
        if root in depth or root not in ids:
            continue
        depth[root] = 0
        stack = [root]
        while stack:
            node = stack.pop()
            order.append(node)
            fresh = [c for c in reports[node] if c not in depth]
            for c in fresh:
                depth[c] = depth[node] + 1
            children[node] = fresh
            stack.extend(reversed(fresh))
    slot: dict[str, float] = {}
    leaves = 0
    for node in order:
        if not children[node]:
            slot[node] = leaves
            leaves += 1
    for node in reversed(order):
        if children[node]:
            slot[node] = (slot[children[node][0]] + slot[children[node][-1]]) / 2
    positions = {n: ((slot[n] + 0.5) * SLOT_W, depth[n] * LEVEL_H + PIECE_Y) for n in order}
    width = max(leaves, 1) * SLOT_W
    top = (max(depth.values(), default=0) + 1) * LEVEL_H + CENTRE_GAP
    areas: list[Area] = []
    captions: list[Caption] = []
    bottom = _our_half(board, positions, top, width, areas, captions)
    return Placement(
        Layout.org,
        positions,
        tuple(areas),
        tuple(captions),
        (-130 - MARGIN, -MARGIN, width + MARGIN, bottom + MARGIN),
    )


def _org_key(piece: Piece) -> tuple[int, int, str, str]:
    return (piece.rank, *_power(piece))
