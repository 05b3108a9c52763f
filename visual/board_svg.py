"""The board as a static SVG (no JavaScript) for slides and print, legend included.

The same pieces, squares and lines as the interactive page (:mod:`visual.layout`,
board layout), sized to A4 landscape (297×210 mm; the viewBox keeps that ratio).
Hand-written XML: every user string goes through :func:`visual.escape.esc`, and each
piece and line carries a ``<title>`` with its details, which viewers show on hover.
"""

from __future__ import annotations

import math
import textwrap
from typing import Final

import networkx as nx

from graph.analysis.result import AccountAnalysis
from visual.board import (
    CARRIER_COLOUR,
    COMPETITOR_MARK,
    CUSTOMER_PIECES,
    HANGING_COLOUR,
    LEFT_COLOUR,
    LINE_STYLES,
    LOST_STYLE,
    MARKER_COLOURS,
    MARKERS,
    OUR_PIECES,
    STANCE_COLOURS,
    Board,
    Details,
    Line,
    LineKind,
    Piece,
    build_board,
    file_letter,
)
from visual.escape import esc
from visual.layout import (
    AREA_COLOURS,
    BADGES_H,
    NAME_LH,
    NAME_PX,
    TITLE_LH,
    TITLE_PX,
    Label,
    Layout,
    Placement,
    R,
    place,
    text_width,
)

#: For an SVG served on its own: no script, nothing fetched.
CSP: Final = "default-src 'none'; style-src 'unsafe-inline'"
A4_MM: Final = (297, 210)
#: The smallest text drawn (titles, badges: 11 px) prints at 6 pt or more: a board too
#: large for one A4 landscape page at that grows to several (columns × rows of pages).
MIN_MM_PER_PX: Final = 6 * 25.4 / 72 / TITLE_PX
LEGEND_W: Final = 330
HEADER_H: Final = 70
ROW_H: Final = 19
FONT: Final = "'DejaVu Sans', 'Segoe UI Symbol', 'Noto Sans Symbols 2', sans-serif"

_STYLE = (
    ".cap{font-size:14px;font-weight:700;fill:#5b5142}"
    ".side{font-size:13px;font-style:italic;fill:#5b5142}"
    ".glyph{font-size:30px}"
    f".name{{font-size:{NAME_PX}px;font-weight:700;fill:#111;paint-order:stroke;stroke:#fff;"
    "stroke-width:4px;stroke-linejoin:round}"
    f".sub{{font-size:{TITLE_PX}px;fill:#3d3a34;paint-order:stroke;stroke:#fff;stroke-width:3px;"
    "stroke-linejoin:round}"
    f".badge{{font-size:{TITLE_PX}px;font-weight:700;fill:#fff}}"
    ".h{font-size:12px;font-weight:700;fill:#6b6355;letter-spacing:.06em}"
    ".l{font-size:12.5px;fill:#1d1d1f}"
    ".title{font-size:24px;font-weight:700;fill:#1d1d1f}"
    ".facts{font-size:13px;fill:#555}"
)


def render(G: nx.MultiDiGraph, analysis: AccountAnalysis) -> str:
    """The account's board as a standalone SVG document (A4 landscape)."""
    return svg(build_board(G, analysis), analysis)


def svg(board: Board, analysis: AccountAnalysis) -> str:
    """Draw an already built ``board`` (the review page reuses it)."""
    placement = place(board, Layout.board)
    x0, y0, _, _ = placement.bounds
    legend, legend_h = _legend(board)
    width = placement.width + LEGEND_W
    height = max(placement.height, legend_h) + HEADER_H
    # Enough A4 landscape pages that the smallest text stays >= 6 pt, padded to their
    # shape with the board centred in the extra room.
    cols = max(1, math.ceil(width * MIN_MM_PER_PX / A4_MM[0]))
    rows = max(1, math.ceil(height * MIN_MM_PER_PX / A4_MM[1]))
    page_w, page_h = cols * A4_MM[0], rows * A4_MM[1]
    if width / height < page_w / page_h:
        pad_x, pad_y = (height * page_w / page_h - width) / 2, 0.0
    else:
        pad_x, pad_y = 0.0, (width * page_h / page_w - height) / 2
    vx, vy = x0 - pad_x, y0 - HEADER_H - pad_y
    vw, vh = width + 2 * pad_x, height + 2 * pad_y
    title = f"{board.account_name} — relationship board"
    facts = (
        f"as of {board.as_of.isoformat()} · health {analysis.health_score}/100 · "
        f"{sum(bool(p.hanging) for p in board.pieces)} hanging"
        + (" · single-threaded" if analysis.single_threaded else "")
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{vx:.1f} {vy:.1f} {vw:.1f} {vh:.1f}" '
        f'width="{page_w}mm" height="{page_h}mm" data-pages="{cols * rows}" '
        f'font-family="{FONT}" role="img" class="kamgraph-board">',
        f"<title>{esc(title)}</title>",
        f"<style>{_STYLE}</style>",
        _defs(),
        f'<rect x="{vx:.1f}" y="{vy:.1f}" width="{vw:.1f}" height="{vh:.1f}" fill="#faf8f3"/>',
        f'<text class="title" x="{x0 + 10:.1f}" y="{y0 - HEADER_H + 30:.1f}">{esc(title)}</text>',
        f'<text class="facts" x="{x0 + 10:.1f}" y="{y0 - HEADER_H + 52:.1f}">{esc(facts)}</text>',
        _areas(placement),
        '<g class="lines">',
        *(_line(line, placement) for line in board.lines),
        "</g>",
        '<g class="pieces">',
        *(_piece(p, *placement.positions[p.id], placement.labels[p.id]) for p in board.pieces),
        "</g>",
        f'<g class="legend" transform="translate({placement.bounds[2] + 20:.1f} {y0:.1f})">',
        legend,
        "</g>",
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def _defs() -> str:
    markers = []
    for kind, style in LINE_STYLES.items():
        if style.arrow == "to":
            shape = '<path d="M0,0 L10,5 L0,10 z"/>'
        elif style.arrow == "bars":
            shape = '<rect x="4" y="0" width="2.5" height="10"/>'
        else:
            continue
        markers.append(
            f'<marker id="m-{kind.value}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse" fill="{style.colour}">{shape}</marker>'
        )
    return f"<defs>{''.join(markers)}</defs>"


def _areas(placement: Placement) -> str:
    rects = [
        f'<rect x="{a.x:.1f}" y="{a.y:.1f}" width="{a.w:.1f}" height="{a.h:.1f}" '
        f'fill="{AREA_COLOURS[a.tone]}"/>'
        for a in placement.areas
    ]
    anchors = {"start": "start", "middle": "middle", "end": "end"}
    texts = [
        f'<text class="{"side" if c.role == "side" else "cap"}" x="{c.x:.1f}" y="{c.y + 5:.1f}" '
        f'text-anchor="{anchors[c.anchor]}">{esc(c.text)}</text>'
        for c in placement.captions
    ]
    return '<g class="areas">' + "".join(rects) + "</g>\n<g>" + "".join(texts) + "</g>"


def _tooltip(head: str, details: Details) -> str:
    return "<title>" + esc("\n".join([head, *(f"{k}: {v}" for k, v in details)])) + "</title>"


def _line(line: Line, placement: Placement) -> str:
    (x1, y1), (x2, y2) = placement.positions[line.source], placement.positions[line.target]
    style = LOST_STYLE if line.lost else LINE_STYLES[line.kind]
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    # Arrows and bars stop at the disc's edge; relationships curve a little, like on screen.
    cut = R + 3 if style.arrow != "none" else 0
    sx, sy = x1 + ux * cut, y1 + uy * cut
    ex, ey = x2 - ux * cut, y2 - uy * cut
    route = placement.routes.get(line.id)
    if route:  # along the lanes between places: straight legs, arrows on the last
        *_, (px, py) = route
        last = math.hypot(x2 - px, y2 - py) or 1.0
        ex, ey = x2 - (x2 - px) / last * cut, y2 - (y2 - py) / last * cut
        fx, fy = route[0]
        first = math.hypot(fx - x1, fy - y1) or 1.0
        sx, sy = x1 + (fx - x1) / first * cut, y1 + (fy - y1) / first * cut
        legs = " ".join(f"L{x:.1f},{y:.1f}" for x, y in route)
        d = f"M{sx:.1f},{sy:.1f} {legs} L{ex:.1f},{ey:.1f}"
    elif line.kind is LineKind.knows:
        cx, cy = (sx + ex) / 2 - uy * 0.12 * length, (sy + ey) / 2 + ux * 0.12 * length
        d = f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {ex:.1f},{ey:.1f}"
    else:
        d = f"M{sx:.1f},{sy:.1f} L{ex:.1f},{ey:.1f}"
    attrs = f'stroke="{style.colour}" stroke-width="{line.width}" fill="none"'
    if line.dashes:
        attrs += f' stroke-dasharray="{" ".join(map(str, line.dashes))}"'
    if style.arrow != "none":
        attrs += f' marker-end="url(#m-{line.kind.value})"'
    if style.arrow == "bars":
        attrs += f' marker-start="url(#m-{line.kind.value})"'
    return (
        f'<path class="line" data-id="{esc(line.id)}" data-kind="{line.kind.value}" '
        f'data-from="{esc(line.source)}" data-to="{esc(line.target)}" d="{d}" {attrs}>'
        f"{_tooltip(style.label, line.details)}</path>"
    )


def _badge_width(text: str) -> float:
    return text_width(text, TITLE_PX, bold=True) + 10


def _badge(text: str, x: float, y: float, colour: str) -> str:
    w = _badge_width(text)
    return (
        f'<rect x="{x - w / 2:.1f}" y="{y - 7:.1f}" width="{w:.1f}" height="14" rx="7" '
        f'fill="{colour}"/><text class="badge" x="{x:.1f}" y="{y + 3.5:.1f}" '
        f'text-anchor="middle">{esc(text)}</text>'
    )


def _piece(p: Piece, x: float, y: float, label: Label) -> str:
    out = [
        f'<g class="piece" data-id="{esc(p.id)}" data-side="{p.side}" data-piece="{p.kind.name}" '
        f'data-rank="{p.rank}" data-file="{"" if p.file is None else p.file}" '
        f'data-stance="{p.stance or ""}" data-hanging="{str(bool(p.hanging)).lower()}" '
        f'data-carrier="{str(p.carrier).lower()}"'
        + (' opacity="0.5"' if p.left_company else "")
        + ">",
        _tooltip(f"{p.glyph} {p.name}", p.details),
    ]
    if p.hanging:
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{R + 7}" fill="{HANGING_COLOUR}" '
            f'fill-opacity="0.2" stroke="{HANGING_COLOUR}" stroke-width="4"/>'
        )
    if p.carrier:
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{R + (13 if p.hanging else 7)}" fill="none" '
            f'stroke="{CARRIER_COLOUR}" stroke-width="3" stroke-dasharray="5 3"/>'
        )
    out.append(
        f'<circle class="disc" cx="{x:.1f}" cy="{y:.1f}" r="{R}" fill="{p.colour}" stroke="#222" '
        'stroke-width="2"/>'
        f'<text class="glyph" x="{x:.1f}" y="{y + 11:.1f}" text-anchor="middle" '
        f'fill="{p.ink}">{p.glyph}</text>'
    )
    if p.competitors:
        mx, my = x + R * 0.8, y - R * 0.8
        out.append(
            f'<circle cx="{mx:.1f}" cy="{my:.1f}" r="9" fill="{CARRIER_COLOUR}" stroke="#fff" '
            f'stroke-width="1.5"/><text class="badge" x="{mx:.1f}" y="{my + 4:.1f}" '
            f'text-anchor="middle">{COMPETITOR_MARK}</text>'
        )
    ly = y + R + 6
    for line in label[0]:
        out.append(
            f'<text class="name" x="{x:.1f}" y="{ly + NAME_LH - 3:.1f}" text-anchor="middle">'
            f"{esc(line)}</text>"
        )
        ly += NAME_LH
    for line in label[1]:
        out.append(
            f'<text class="sub" x="{x:.1f}" y="{ly + TITLE_LH - 3:.1f}" text-anchor="middle">'
            f"{esc(line)}</text>"
        )
        ly += TITLE_LH
    badges = [
        (name, colour)
        for name, colour, on in (
            ("HANGING", HANGING_COLOUR, bool(p.hanging)),
            ("SINGLE THREAD", CARRIER_COLOUR, p.carrier),
            ("LEFT", LEFT_COLOUR, p.left_company),
        )
        if on
    ] + [(role.upper(), MARKER_COLOURS[role]) for role in p.marked_roles]
    # Side by side, centred over the disc, each as wide as its word (as on screen).
    widths = [_badge_width(name) for name, _ in badges]
    bx = x - (sum(widths) + 3 * (len(badges) - 1)) / 2
    for (name, colour), w in zip(badges, widths, strict=True):
        out.append(_badge(name, bx + w / 2, y - R - BADGES_H / 2, colour))
        bx += w + 3
    out.append("</g>")
    return "".join(out)


def _legend(board: Board) -> tuple[str, float]:
    """The legend column and its height."""
    rows: list[str] = []
    y = 0.0

    def head(text: str) -> None:
        nonlocal y
        y += 10 if rows else 0
        rows.append(f'<text class="h" y="{y + 12:.1f}">{esc(text.upper())}</text>')
        y += ROW_H

    def row(symbol: str, text: str, indent: float = 40) -> None:
        nonlocal y
        lines = textwrap.wrap(text, int((LEGEND_W - indent) / 7)) or [""]
        rows.append(f'<g transform="translate(0 {y:.1f})">{symbol}')
        rows.extend(
            f'<text class="l" x="{indent:.1f}" y="{13 + i * 15}">{esc(t)}</text>'
            for i, t in enumerate(lines)
        )
        rows.append("</g>")
        y += ROW_H + 15 * (len(lines) - 1)

    def glyph(g: str) -> str:
        return f'<text x="12" y="15" font-size="18" text-anchor="middle">{g}</text>'

    head("Their pieces (power)")
    for piece in CUSTOMER_PIECES:
        row(glyph(piece.glyph), f"{piece.name}: {piece.meaning}")
    head("Our pieces (role)")
    for piece in OUR_PIECES.values():
        row(glyph(piece.glyph), piece.meaning)
    head("Stance")
    for stance, colour in STANCE_COLOURS.items():
        row(f'<circle cx="12" cy="9" r="7" fill="{colour}" stroke="#222"/>', stance.value)
    head("Lines")
    for style in LINE_STYLES.values():
        row(_swatch(style.colour, style.dashes), style.label)
    row(_swatch(LINE_STYLES[LineKind.knows].colour, (6, 4)), "fading relationship (dashed)")
    row(_swatch(LOST_STYLE.colour, LOST_STYLE.dashes), LOST_STYLE.label)
    head("Markers")
    for name, colour, meaning in MARKERS:
        width = _badge_width(name.upper())
        row(_badge(name.upper(), width / 2, 9, colour), meaning, indent=width + 8)
    head("Files (function)")
    for i, name in enumerate(board.files):
        letter = f'<text x="12" y="13" class="h" text-anchor="middle">{file_letter(i)}</text>'
        row(letter, name)
    return "".join(rows), y


def _swatch(colour: str, dashes: tuple[int, ...] | None) -> str:
    dash = f' stroke-dasharray="{" ".join(map(str, dashes))}"' if dashes else ""
    return f'<line x1="0" y1="9" x2="32" y2="9" stroke="{colour}" stroke-width="3"{dash}/>'
