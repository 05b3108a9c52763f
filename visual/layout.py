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
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from itertools import pairwise
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
)


class Layout(StrEnum):
    """How the pieces are arranged."""

    board = "board"
    org = "org"
    network = "network"


SLOT_W: Final = 160  # width of one piece's place
GUTTER: Final = 20  # free room between neighbouring pieces' places, where lines run
LABEL_W: Final = SLOT_W - GUTTER - 4  # the widest a line of a name or title may be
R: Final = 24  # the disc's radius
NAME_PX: Final = 14  # a name's font size (bold), and the height of its lines with leading
NAME_LH: Final = 16
TITLE_PX: Final = 11
TITLE_LH: Final = 13
CHANNEL: Final = 18  # the lane above each row of places, where lines run sideways
BADGES_H: Final = 16  # badges and rings above the disc
PIECE_Y: Final = CHANNEL + BADGES_H + R  # the disc's centre below the top of its place
EMPTY_RANK_H: Final = 40  # a rank nobody holds keeps a thin band for its caption
ASPECT: Final = 1.5  # the board's wanted width/height (a screen or a landscape page)
CENTRE_GAP: Final = 64  # between the halves
MARGIN: Final = 24
#: Fill of the areas behind the pieces: a wooden board for theirs, cool grey for ours.
AREA_COLOURS: Final = {"light": "#efe4cf", "dark": "#c8ad85", "ours": "#e3e9f0"}
#: Advance widths of DejaVu Sans (the boards' font) per em for printable ASCII, bold and
#: book, as Chromium measures them; other characters count as wide as "M". Labels wrap
#: by them, so a name is never cut and never runs into its neighbour.
_WIDTHS: Final = {
    True: (
        35, 46, 52, 84, 70, 100, 87, 31, 46, 46, 52, 84, 38, 42, 38, 37, 70, 70, 70, 70, 70,
        70, 70, 70, 70, 70, 40, 40, 84, 84, 84, 58, 100, 77, 76, 73, 83, 68, 68, 82, 84, 37,
        37, 77, 64, 100, 84, 85, 73, 85, 77, 72, 68, 81, 77, 110, 77, 72, 73, 46, 37, 46, 84,
        50, 50, 67, 72, 59, 72, 68, 44, 72, 71, 34, 34, 67, 34, 104, 71, 69, 72, 72, 49, 60,
        48, 71, 65, 92, 65, 65, 58, 71, 37, 71, 84,
    ),
    False: (
        32, 40, 46, 84, 64, 95, 78, 27, 39, 39, 50, 84, 32, 36, 32, 34, 64, 64, 64, 64, 64,
        64, 64, 64, 64, 64, 34, 34, 84, 84, 84, 53, 100, 68, 69, 70, 77, 63, 58, 77, 75, 29,
        29, 66, 56, 86, 75, 79, 60, 79, 69, 63, 61, 73, 68, 99, 69, 61, 69, 39, 34, 39, 84,
        50, 50, 61, 63, 55, 63, 62, 35, 63, 63, 28, 28, 58, 28, 97, 63, 61, 63, 63, 41, 52,
        39, 63, 59, 82, 59, 59, 52, 64, 34, 64, 84,
    ),
}  # fmt: skip

Point = tuple[float, float]
#: A piece's label: the lines of its name, then those of its title.
Label = tuple[tuple[str, ...], tuple[str, ...]]


def text_width(text: str, px: float, *, bold: bool = False) -> float:
    """How wide ``text`` is drawn at ``px`` in the boards' font (an estimate off ASCII)."""
    table = _WIDTHS[bold]
    em = sum(table[ord(c) - 32] if 32 <= ord(c) < 127 else table[ord("M") - 32] for c in text)
    return em * px / 100


def wrap(text: str, px: float, width: float, *, bold: bool = False) -> tuple[str, ...]:
    """``text`` in lines no wider than ``width`` at ``px``: broken between words, and a
    word too long for a line broken inside (never cut short).

    >>> wrap("Chief Executive Officer", 11, 90)
    ('Chief Executive', 'Officer')
    """
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", px, bold=bold) <= width:
            lines[-1] += f" {word}"
            continue
        while text_width(word, px, bold=bold) > width and len(word) > 1:
            cut = max(
                i for i in range(1, len(word)) if text_width(word[:i], px, bold=bold) <= width
            )
            lines.append(word[:cut])
            word = word[cut:]
        lines.append(word)
    return tuple(lines)


def label(piece: Piece) -> Label:
    """A piece's name and title, wrapped to its place's width."""
    return (
        wrap(piece.caption, NAME_PX, LABEL_W, bold=True) or ("",),
        wrap(piece.subcaption, TITLE_PX, LABEL_W),
    )


def label_height(lines: Label) -> float:
    """How far a label reaches below the disc."""
    return 6 + len(lines[0]) * NAME_LH + len(lines[1]) * TITLE_LH


def piece_box(x: float, y: float, lines: Label) -> tuple[float, float, float, float]:
    """What a piece at (x, y) covers: its badges, rings, disc and label (x0, y0, x1, y1)."""
    half = (SLOT_W - GUTTER) / 2
    return (x - half, y - R - BADGES_H, x + half, y + R + label_height(lines))


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
    """Positions by piece id, labels, the lines' routes, what lies behind the pieces, and
    the drawn extent.

    ``routes`` holds, per line id, the points a line runs through between its two pieces
    (along the lanes between places, so it crosses no piece it does not connect); the
    ``network`` layout has no positions and so no routes, only labels.
    """

    layout: Layout
    positions: dict[str, Point]
    areas: tuple[Area, ...]
    captions: tuple[Caption, ...]
    bounds: tuple[float, float, float, float]  # x0, y0, x1, y1
    labels: dict[str, Label] = field(default_factory=dict)
    routes: dict[str, tuple[Point, ...]] = field(default_factory=dict)

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
    labels = {p.id: label(p) for p in board.pieces}
    if layout is Layout.network:
        return Placement(layout, {}, (), (), (0, 0, 0, 0), labels)
    placement = _board(board, labels) if layout is Layout.board else _org(board, labels)
    return replace(placement, labels=labels, routes=route(board, placement.positions, labels))


def _power(piece: Piece) -> tuple[int, str, str]:
    """Sort key inside a square: the most powerful piece first, then by name."""
    return (CUSTOMER_PIECES.index(piece.kind), piece.name.casefold(), piece.id)


def _slot_h(board: Board, labels: dict[str, Label], side: str) -> float:
    """The height of a place on ``side``: room for the tallest label there."""
    heights = [label_height(labels[p.id]) for p in board.pieces if p.side == side]
    return PIECE_Y + R + max(heights, default=label_height((("",), ())))


def _board(board: Board, labels: dict[str, Label]) -> Placement:
    theirs = [p for p in board.pieces if p.side == "customer"]
    cells: dict[tuple[int, int], list[Piece]] = defaultdict(list)
    for p in sorted(theirs, key=_power):
        cells[p.file or 0, p.rank].append(p)
    files = range(max(len(board.files), 1))
    ranks = range(1, len(Seniority) + 1)
    slot_h = _slot_h(board, labels, "customer")
    ours_h = _slot_h(board, labels, "ours")
    per_row = _per_row(cells, files, ranks, slot_h, ours_h)
    widths, heights = _grid(cells, files, ranks, per_row, slot_h)
    xs = [sum(widths[:f]) for f in files]
    ys = [sum(heights[: r - 1]) for r in ranks]
    width, half = sum(widths), sum(heights)

    positions: dict[str, Point] = {}
    areas: list[Area] = []
    captions: list[Caption] = []
    for f in files:
        for r in ranks:
            x0, y0, w, h = xs[f], ys[r - 1], widths[f], heights[r - 1]
            areas.append(Area(x0, y0, w, h, "dark" if (f + r) % 2 else "light"))
            people = cells[f, r]
            # Top-aligned, so the lanes above each row of places run across the rank.
            for i, p in enumerate(people):
                row, col = divmod(i, per_row)
                in_row = min(per_row, len(people) - row * per_row)
                x = x0 + (w - in_row * SLOT_W) / 2 + (col + 0.5) * SLOT_W
                positions[p.id] = (x, y0 + row * slot_h + PIECE_Y)
    heads = []
    for f in files:
        name = board.files[f] if board.files else ""
        heads.append(wrap(f"{file_letter(f)} · {name}", 14, widths[f] - 8, bold=True))
    head_h = 17 * max(len(h) for h in heads)
    for f, lines in zip(files, heads, strict=True):
        for i, text in enumerate(lines):
            y = -14 - 17 * (len(lines) - 1 - i)
            captions.append(Caption(xs[f] + widths[f] / 2, y, text, "middle", "file"))
        captions.append(Caption(xs[f] + widths[f] / 2, half + 18, file_letter(f), "middle", "file"))
    for r, seniority in zip(ranks, Seniority, strict=True):
        y = ys[r - 1] + heights[r - 1] / 2
        captions.append(Caption(-14, y, f"{RANK_NAMES[seniority]} · {r}", "end", "rank"))

    top = half + CENTRE_GAP
    bottom = _our_half(board, positions, top, width, ours_h, areas, captions)
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
        (-130 - MARGIN, -17 - head_h - MARGIN, width + MARGIN, bottom + MARGIN),
    )


def _grid(
    cells: dict[tuple[int, int], list[Piece]],
    files: range,
    ranks: range,
    per_row: int,
    slot_h: float,
) -> tuple[list[float], list[float]]:
    """File widths and rank heights when a square holds ``per_row`` pieces side by side."""
    widths = [max([min(len(cells[f, r]), per_row) for r in ranks] + [1]) * SLOT_W for f in files]
    heights = [
        max(-(-len(cells[f, r]) // per_row) for f in files) * slot_h or EMPTY_RANK_H for r in ranks
    ]
    return widths, heights


def _per_row(
    cells: dict[tuple[int, int], list[Piece]],
    files: range,
    ranks: range,
    slot_h: float,
    ours_h: float,
) -> int:
    """How many pieces a crowded square puts side by side: whatever shapes the whole
    board (our rows included) closest to :data:`ASPECT`."""
    crowd = max((len(c) for c in cells.values()), default=1)

    def misfit(per_row: int) -> tuple[float, int]:
        widths, heights = _grid(cells, files, ranks, per_row, slot_h)
        height = sum(heights) + CENTRE_GAP + len(OUR_ROWS) * ours_h
        return abs(math.log(sum(widths) / height / ASPECT)), per_row

    return min(misfit(n) for n in range(1, max(crowd, 1) + 1))[1]


def _our_half(
    board: Board,
    positions: dict[str, Point],
    top: float,
    width: float,
    slot_h: float,
    areas: list[Area],
    captions: list[Caption],
) -> float:
    """Place our team in rows below ``top``, front row first; returns the bottom edge.

    Each member stands under the people they know (strength-weighted), so lines run
    short and mostly upward; members of one row keep a place apart. A row nobody holds
    takes no room.
    """
    pull: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for line in board.lines:
        if line.kind is LineKind.knows and line.target in positions:
            pull[line.source].append((positions[line.target][0], 1 + (line.strength or 0)))
    ours = [p for p in board.pieces if p.side == "ours"]
    y = top
    for rank in range(len(OUR_ROWS), 0, -1):
        row = [p for p in ours if p.rank == rank]
        if not row:
            continue
        preferred = sorted(
            (sum(x * w for x, w in pull[p.id]) / sum(w for _, w in pull[p.id]), p.id)
            if pull[p.id]
            else (width / 2, p.id)
            for p in row
        )
        per_row = max(1, int(width // SLOT_W))
        chunks = [preferred[i : i + per_row] for i in range(0, len(preferred), per_row)]
        for chunk in chunks:
            for x, member in zip(_spread([x for x, _ in chunk], width), chunk, strict=True):
                positions[member[1]] = (x, y + PIECE_Y)
            y += slot_h
        height = slot_h * len(chunks)
        areas.append(Area(0, y - height, width, height, "ours"))
        captions.append(Caption(-14, y - height / 2, OUR_ROWS[rank - 1][0], "end", "rank"))
    return y


def _spread(preferred: list[float], width: float) -> list[float]:
    """Move sorted x positions apart to a place each, inside [0, width], staying close."""
    xs = list(preferred)
    for i in range(len(xs)):
        xs[i] = max(xs[i], SLOT_W / 2, xs[i - 1] + SLOT_W if i else 0)
    for i in reversed(range(len(xs))):
        xs[i] = min(xs[i], width - SLOT_W / 2, xs[i + 1] - SLOT_W if i + 1 < len(xs) else width)
    return xs


def _org(board: Board, labels: dict[str, Label]) -> Placement:
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
    level_h = _slot_h(board, labels, "customer") + CHANNEL
    positions = {n: ((slot[n] + 0.5) * SLOT_W, depth[n] * level_h + PIECE_Y) for n in order}
    width = max(leaves, 1) * SLOT_W
    top = (max(depth.values(), default=0) + 1) * level_h + CENTRE_GAP
    areas: list[Area] = []
    captions: list[Caption] = []
    bottom = _our_half(
        board, positions, top, width, _slot_h(board, labels, "ours"), areas, captions
    )
    return Placement(
        Layout.org,
        positions,
        tuple(areas),
        tuple(captions),
        (-130 - MARGIN, -MARGIN, width + MARGIN, bottom + MARGIN),
    )


def _org_key(piece: Piece) -> tuple[int, int, str, str]:
    return (piece.rank, *_power(piece))


Box = tuple[float, float, float, float]
Interval = tuple[float, float]


def route(
    board: Board, positions: dict[str, Point], labels: dict[str, Label]
) -> dict[str, tuple[Point, ...]]:
    """Each line's points between its two pieces, so that it crosses no other piece.

    The free room of a laid-out board is found from the pieces' boxes: *channels* are
    horizontal bands no piece reaches into (above and below each row of places), and
    between two channels the *lanes* are the x ranges no piece of that band covers (the
    gutters between places and files). A line leaves its piece straight up into a
    channel, or sideways into the gutter beside it and up or down that, runs along
    channels and down or up lanes, and enters the other piece the same way (the shortest
    of these): it only ever crosses its own two pieces, and never their names. Lines
    sharing a lane keep a few pixels apart.
    """
    boxes = {i: piece_box(*positions[i], labels[i]) for i in positions}
    if not boxes:
        return {}
    channels = _channels(list(boxes.values()))
    lo = min(b[0] for b in boxes.values()) - GUTTER
    hi = max(b[2] for b in boxes.values()) + GUTTER
    bands = [
        _free(boxes.values(), top, bottom, lo, hi) for (_, top), (bottom, _) in pairwise(channels)
    ]
    joins = _joins(bands)
    hops = {i: _hops(joins, i, len(channels)) for i in range(len(channels))}
    routes: dict[str, tuple[Point, ...]] = {}
    for n, line in enumerate(board.lines):
        a, b = line.source, line.target
        if a not in boxes or b not in boxes:
            continue
        shift = ((n % 5) - 2) * 3.0
        best: tuple[float, tuple[Point, ...]] | None = None
        for start in _ports(positions[a], boxes[a], channels, bands, shift):
            for end in _ports(positions[b], boxes[b], channels, bands, shift):
                found = _path(positions[a], start, positions[b], end, channels, joins, hops, shift)
                if found and (best is None or found[0] < best[0]):
                    best = found
        if best is not None:
            routes[line.id] = best[1]
    return routes


Port = tuple[int, list[Point]]


def _lane_y(channels: list[Interval], i: int, shift: float) -> float:
    y0, y1 = channels[i]
    return (y0 + y1) / 2 + max(-(y1 - y0) / 2 + 2, min((y1 - y0) / 2 - 2, shift))


def _ports(
    at: Point, box: Box, channels: list[Interval], bands: list[list[Interval]], shift: float
) -> list[Port]:
    """Ways out of a piece into a channel, each (channel, the points from the disc out):
    straight up over the disc, or sideways into the gutter beside it and up or down
    there, so a line never runs through its own piece's name."""
    x, y = at
    above = max(i for i, (_, y1) in enumerate(channels) if y1 <= box[1] + 0.5)
    ports: list[Port] = [(above, [(x, _lane_y(channels, above, shift))])]
    if above + 1 >= len(channels):
        return ports
    for x0, x1 in bands[above]:
        if abs(x1 - box[0]) < 1 or abs(x0 - box[2]) < 1:  # the gutter left or right of it
            side = x1 - GUTTER / 2 if abs(x1 - box[0]) < 1 else x0 + GUTTER / 2
            gx = min(max(side + shift, x0 + 3), x1 - 3)
            for channel in (above, above + 1):
                ports.append((channel, [(gx, y), (gx, _lane_y(channels, channel, shift))]))
    return ports


def _channels(boxes: list[Box]) -> list[Interval]:
    """The free horizontal bands (y0, y1), top to bottom, one above and below everything."""
    spans = sorted((b[1], b[3]) for b in boxes)
    out = [(spans[0][0] - CHANNEL, spans[0][0])]
    reach = spans[0][1]
    for y0, y1 in spans[1:]:
        if y0 > reach + 4:
            out.append((reach, y0))
        reach = max(reach, y1)
    out.append((reach, reach + CHANNEL))
    return out


def _free(boxes: Iterable[Box], top: float, bottom: float, lo: float, hi: float) -> list[Interval]:
    """The x ranges inside [lo, hi] that no box between ``top`` and ``bottom`` covers."""
    covered = sorted((b[0], b[2]) for b in boxes if b[1] < bottom and b[3] > top)
    free, x = [], lo
    for x0, x1 in covered:
        if x0 > x + 6:
            free.append((x, x0))
        x = max(x, x1)
    if hi > x + 6:
        free.append((x, hi))
    return free


def _meet(a: list[Interval], b: list[Interval]) -> list[Interval]:
    return [
        (max(x0, u0), min(x1, u1)) for x0, x1 in a for u0, u1 in b if min(x1, u1) > max(x0, u0) + 6
    ]


def _joins(bands: list[list[Interval]]) -> dict[tuple[int, int], list[Interval]]:
    """The lanes between every two channels that share one: x ranges free through every
    band between them."""
    joins: dict[tuple[int, int], list[Interval]] = {}
    for i in range(len(bands)):
        lanes = bands[i]
        for j in range(i + 1, len(bands) + 1):
            if j > i + 1:
                lanes = _meet(lanes, bands[j - 1])
            if not lanes:
                break
            joins[i, j] = joins[j, i] = lanes
    return joins


def _hops(
    joins: dict[tuple[int, int], list[Interval]], start: int, count: int
) -> dict[int, list[int]]:
    """From channel ``start``, the channels passed to reach each other one, fewest first."""
    reach = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for i in frontier:
            for j in range(count):
                if j not in reach and (i, j) in joins:
                    reach[j] = [*reach[i], j]
                    nxt.append(j)
        frontier = nxt
    return reach


def _path(
    a: Point,
    start: Port,
    b: Point,
    end: Port,
    channels: list[Interval],
    joins: dict[tuple[int, int], list[Interval]],
    hops: dict[int, dict[int, list[int]]],
    shift: float,
) -> tuple[float, tuple[Point, ...]] | None:
    """The points from ``a`` out of port ``start`` to ``b`` in through port ``end``, and
    the path's length; None if the lanes do not join."""
    (first, out), (last, into) = start, end
    if last not in hops[first]:
        return None
    x, goal_x = out[-1][0], into[-1][0]
    points = list(out)
    for i, j in pairwise(hops[first][last]):
        goal = (x + goal_x) / 2
        x0, x1 = min(joins[i, j], key=lambda lane: _distance(lane, goal))
        x = min(max(goal + shift, x0 + 3), x1 - 3)
        points += [(x, _lane_y(channels, i, shift)), (x, _lane_y(channels, j, shift))]
    points += reversed(into)
    whole = [a, *points, b]
    length = sum(abs(p[0] - q[0]) + abs(p[1] - q[1]) for p, q in pairwise(whole))
    return length, tuple(points)


def _distance(lane: Interval, x: float) -> float:
    return 0.0 if lane[0] <= x <= lane[1] else min(abs(lane[0] - x), abs(lane[1] - x))
