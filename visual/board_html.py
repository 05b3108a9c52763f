"""The interactive board: one self-contained, offline HTML page drawn by pyvis (vis-network).

pyvis builds the page from plain node and edge data (never ``Network.from_nx``, which
mutates the graph) with vis.js inlined; its template's CDN links (Bootstrap) are
stripped and a Content-Security-Policy forbids any fetch, so the page works on a
plane. Tooltips are DOM elements filled with ``textContent`` by the page's own script
(so pyvis's "href" switch to raw-HTML tooltips never triggers), the chess squares are
painted behind the pieces on the canvas, and checkboxes show or hide each kind of
line. The board's semantic data sits in a JSON data island (``#kamgraph-board``),
escaped for ``<script>``, which the page's script and the tests read.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any, Final

import networkx as nx
import pyvis
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
from pyvis.network import Network

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
    UNOWNED_MARK,
    Board,
    LineStyle,
    build_board,
    file_letter,
)
from visual.escape import esc, script_json
from visual.layout import (
    AREA_COLOURS,
    BADGES_H,
    GUTTER,
    NAME_LH,
    NAME_PX,
    SLOT_W,
    TITLE_LH,
    TITLE_PX,
    Layout,
    Placement,
    place,
)

#: Nothing may be fetched: scripts and styles are inline, images only data: URIs.
CSP: Final = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; base-uri 'none'; form-action 'none'"
)
#: The app's board page: the same, but vis-network comes from the app's own files.
SERVED_CSP: Final = CSP.replace("script-src ", "script-src 'self' ").replace(
    "style-src ", "style-src 'self' "
)
# A src/href that leaves the page: what the offline check forbids.
_REMOTE_TAGS = (
    re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*", re.I),
    re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>\s*", re.I),
    re.compile(r"<!--.*?-->\s*", re.S),  # the template's commented-out node_modules links
    re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>\s*"),  # pyvis's (unescaped) heading
)
# pyvis makes a jinja Environment per Network and so recompiles its template, inlined
# vis.js (500 kB) included, on every page; one shared Environment compiles it once.
_PYVIS: Final = FileSystemLoader(Path(pyvis.__file__).parent / "templates")
_TEMPLATES: Final = Environment(loader=_PYVIS)
# The app's board pages link vis-network instead: its two files are left out (the markers
# name where they would have gone).
_VIS_FILES: Final = ("vis-network.min.js", "vis-network.css")
_LINKED: Final = Environment(
    loader=ChoiceLoader(
        [DictLoader({f"lib/vis-9.1.2/{name}": f"/*{name}*/" for name in _VIS_FILES}), _PYVIS]
    )
)
_FONT: Final = "'DejaVu Sans', 'Segoe UI Symbol', 'Noto Sans Symbols 2', sans-serif"


def render(
    G: nx.MultiDiGraph,
    analysis: AccountAnalysis,
    *,
    layout: Layout = Layout.board,
    vis_url: str | None = None,
) -> str:
    """The account's board as one offline HTML page (``layout``: board, org or network);
    with ``vis_url``, vis-network's files are linked from there (the page's CSP is then
    :data:`SERVED_CSP`) rather than inlined."""
    board = build_board(G, analysis)
    placement = place(board, layout)
    net = Network(height="calc(100vh - 74px)", width="100%", directed=True, cdn_resources="in_line")
    net.templateEnv = _TEMPLATES if vis_url is None else _LINKED
    for node in vis_nodes(board, placement):
        net.add_node(**node)
    for edge in vis_edges(board, placement):
        net.add_edge(edge.pop("from"), edge.pop("to"), **edge)
    net.options = vis_options(layout)
    page = _offline(net.generate_html())
    if vis_url is not None:
        js, css = (f"{vis_url}/{name}" for name in _VIS_FILES)
        page = _replace_once(
            page, "<script>/*vis-network.min.js*/</script>", f'<script src="{js}"></script>'
        )
        page = _replace_once(
            page, "<style>/*vis-network.css*/</style>", f'<link rel="stylesheet" href="{css}">'
        )
    return _dress(page, board, placement, analysis, CSP if vis_url is None else SERVED_CSP)


def vis_nodes(board: Board, placement: Placement) -> list[dict[str, Any]]:
    """vis-network's node data (the page and the app's workspace hand it to vis.js): the
    pieces, then the invisible via points the routed lines bend at."""
    fixed = placement.layout is not Layout.network
    nodes = []
    for p in board.pieces:
        spot = (
            {"x": placement.positions[p.id][0], "y": placement.positions[p.id][1]} if fixed else {}
        )
        # A plain dot in the stance colour until the page's script swaps in the piece.
        nodes.append(
            {
                "n_id": p.id,
                "label": p.caption,
                "shape": "dot",
                "color": p.colour,
                "size": 18,
                "side": p.side,
                **spot,
            }
        )
    for line_id, points in placement.routes.items():
        for k, (x, y) in enumerate(points):
            nodes.append(
                {
                    "n_id": _via(line_id, k),
                    "label": " ",
                    "shape": "dot",
                    "size": 0.5,
                    "borderWidth": 0,
                    "color": "rgba(0,0,0,0)",
                    "chosen": False,
                    "x": x,
                    "y": y,
                    "side": "via",
                }
            )
    return nodes


def _via(line_id: str, k: int) -> str:
    """A via point's node id: "/" is in no record id, so it never meets a person's."""
    return f"via/{line_id}/{k}"


def vis_edges(board: Board, placement: Placement) -> list[dict[str, Any]]:
    """vis-network's edge data: one per line, styled by its kind, or where the layout
    routed the line, one straight edge per leg between its via points (each naming its
    line), the arrow on the last."""
    edges = []
    for line in board.lines:
        style = LOST_STYLE if line.lost else LINE_STYLES[line.kind]
        look = {
            "kind": line.kind.value,
            "line": line.id,
            "width": line.width,
            "dashes": list(line.dashes) if line.dashes else False,
            "color": {"color": style.colour, "highlight": style.colour, "hover": style.colour},
        }
        points = placement.routes.get(line.id)
        if points is None:
            smooth = {"type": "curvedCW", "roundness": 0.12} if line.kind == "knows" else False
            edges.append(
                {"from": line.source, "to": line.target, "id": line.id, **look,
                 "arrows": _arrows(style), "smooth": smooth}
            )  # fmt: skip
            continue
        stops = [line.source, *(_via(line.id, k) for k in range(len(points))), line.target]
        arrows = _arrows(style)
        for k, (a, b) in enumerate(pairwise(stops)):
            ends = {
                "to": arrows["to"] if k == len(stops) - 2 else {"enabled": False},
                "from": arrows.get("from", {"enabled": False}) if k == 0 else {"enabled": False},
            }
            edges.append(
                {"from": a, "to": b, "id": line.id if k == 0 else f"{line.id}:{k}", **look,
                 "arrows": ends, "smooth": False}
            )  # fmt: skip
    return edges


def workspace_data(
    G: nx.MultiDiGraph, analysis: AccountAnalysis, *, layout: Layout = Layout.board
) -> dict[str, Any]:
    """What the app's workspace draws the board from (with :data:`DRAW_SCRIPT`): the
    board's data and vis-network's nodes, edges and options, as the offline page has them,
    and the facts its header shows."""
    board = build_board(G, analysis)
    placement = place(board, layout)
    nodes = [{"id": n.pop("n_id"), **n} for n in vis_nodes(board, placement)]
    return {
        "health_score": analysis.health_score,
        "hanging": sum(bool(p.hanging) for p in board.pieces),
        "single_threaded": analysis.single_threaded,
        "board": board_data(board, placement),
        "nodes": nodes,
        "edges": vis_edges(board, placement),
        "options": vis_options(layout),
    }


def board_data(board: Board, placement: Placement) -> dict[str, Any]:
    """The board as plain data for the page's script (and for tests to check)."""
    return {
        "account": {"id": board.account_id, "name": board.account_name},
        "as_of": board.as_of.isoformat(),
        "layout": placement.layout.value,
        "files": [{"letter": file_letter(i), "name": f} for i, f in enumerate(board.files)],
        "pieces": [
            {
                "id": p.id,
                "side": p.side,
                "name": p.name,
                "caption": p.caption,
                "subcaption": p.subcaption,
                "label": [list(part) for part in placement.labels[p.id]],
                "piece": p.kind.name,
                "glyph": p.glyph,
                "colour": p.colour,
                "ink": p.ink,
                "stance": p.stance,
                "rank": p.rank,
                "file": p.file,
                "hanging": list(p.hanging),
                "carrier": p.carrier,
                "competitors": list(p.competitors),
                "left": p.left_company,
                "owner": p.owner,
                "unowned": p.unowned,
                "roles": [[r, MARKER_COLOURS[r]] for r in p.marked_roles],
                "initials": p.initials,
                "tint": p.tint,
                "details": [list(row) for row in p.details],
                "position": list(placement.positions[p.id]) if placement.positions else None,
            }
            for p in board.pieces
        ],
        "lines": [
            {
                "id": line.id,
                "kind": line.kind.value,
                "from": line.source,
                "to": line.target,
                "width": line.width,
                "dashes": list(line.dashes) if line.dashes else None,
                "strength": line.strength,
                "fading": line.fading,
                "lost": line.lost,
                "label": (LOST_STYLE if line.lost else LINE_STYLES[line.kind]).label,
                "details": [list(row) for row in line.details],
            }
            for line in board.lines
        ],
        "areas": [vars(a) for a in placement.areas],
        "captions": [vars(c) for c in placement.captions],
        "bounds": list(placement.bounds) if placement.positions else None,
    }


def _arrows(style: LineStyle) -> dict[str, Any]:
    if style.arrow == "to":
        return {"to": {"enabled": True, "scaleFactor": 0.6}}
    if style.arrow == "bars":
        bar = {"enabled": True, "type": "bar", "scaleFactor": 0.5}
        return {"to": bar, "from": bar}
    return {"to": {"enabled": False}}


def vis_options(layout: Layout) -> dict[str, Any]:
    """vis-network's options: fixed positions, except the network layout's physics."""
    fixed = layout is not Layout.network
    return {
        "physics": {
            "enabled": not fixed,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {"springLength": 140, "avoidOverlap": 0.6},
            "stabilization": {"iterations": 400, "fit": False},
        },
        "layout": {"randomSeed": 7},
        "interaction": {"hover": True, "tooltipDelay": 150, "keyboard": True},
        "edges": {"selectionWidth": 2, "hoverWidth": 1},
    }


def _offline(page: str) -> str:
    """Strip pyvis's remote links (the page's CSP would block them anyway)."""
    for pattern in _REMOTE_TAGS:
        page = pattern.sub("", page)
    return page


def _replace_once(page: str, marker: str, new: str) -> str:
    if page.count(marker) != 1:
        raise RuntimeError(f"unexpected pyvis template: {marker!r} found {page.count(marker)}×")
    return page.replace(marker, new)


def _dress(
    page: str, board: Board, placement: Placement, analysis: AccountAnalysis, csp: str
) -> str:
    """Add the head (CSP, title, style), header, sidebar, data island and script."""
    title = f"{board.account_name} — board"
    page = _replace_once(page, "<html>", '<!DOCTYPE html>\n<html lang="en">')
    page = _replace_once(
        page,
        '<meta charset="utf-8">',
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>",
    )
    page = _replace_once(page, "</head>", f"<style>{_STYLE}</style>\n</head>")
    page = _replace_once(page, "<body>", "<body>\n" + _header(board, placement, analysis))
    island = (
        f'<script type="application/json" id="kamgraph-board">'
        f"{script_json(board_data(board, placement))}</script>\n"
    )
    return _replace_once(
        page,
        "</body>",
        f"{_sidebar(board, placement)}\n{island}<script>{DRAW_SCRIPT}{_SCRIPT}</script>\n</body>",
    )


def _header(board: Board, placement: Placement, analysis: AccountAnalysis) -> str:
    ours = sum(p.side == "ours" for p in board.pieces)
    hanging = sum(bool(p.hanging) for p in board.pieces)
    facts = [
        f"as of {board.as_of.isoformat()}",
        f"{placement.layout.value} layout",
        f"{len(board.pieces) - ours} stakeholders",
        f"{ours} on our team",
        f"health {analysis.health_score}/100",
        f"{hanging} hanging",
    ]
    if analysis.single_threaded:
        facts.append("single-threaded")
    return (
        f'<header><h1>{esc(board.account_name)} <span class="sub">relationship board</span></h1>'
        f'<p class="facts">{" · ".join(esc(f) for f in facts)}</p></header>\n'
    )


def _swatch(style: LineStyle, dashes: tuple[int, ...] | None = None) -> str:
    dash = dashes or style.dashes
    dash_attr = f' stroke-dasharray="{" ".join(map(str, dash))}"' if dash else ""
    return (
        '<svg class="swatch" viewBox="0 0 36 10" aria-hidden="true">'
        f'<line x1="2" y1="5" x2="34" y2="5" stroke="{style.colour}" stroke-width="3"{dash_attr}/>'
        "</svg>"
    )


def _sidebar(board: Board, placement: Placement) -> str:
    """Toggles, legend and the details panel (every user string escaped)."""
    toggles = "".join(
        f'<label><input type="checkbox" checked data-line-kind="{kind.value}"> '
        f"{_swatch(style)} {esc(style.label)}</label>"
        for kind, style in LINE_STYLES.items()
    )
    knows = LINE_STYLES["knows"]
    fading = f'<div class="row">{_swatch(knows, (6, 4))} fading relationship (dashed)</div>'
    fading += f'<div class="row">{_swatch(LOST_STYLE)} {esc(LOST_STYLE.label)}</div>'
    theirs = "".join(
        f'<div class="row"><span class="glyph">{p.glyph}</span> {p.name}: {esc(p.meaning)}</div>'
        for p in CUSTOMER_PIECES
    )
    ours = "".join(
        f'<div class="row"><span class="glyph ours">{p.glyph}</span> {esc(p.meaning)}</div>'
        for p in OUR_PIECES.values()
    )
    stances = "".join(
        f'<div class="row"><span class="dot" style="background:{colour}"></span> {s.value}</div>'
        for s, colour in STANCE_COLOURS.items()
    )
    markers = "".join(
        f'<div class="row"><span class="badge" style="background:{colour}">{esc(name)}</span> '
        f"{esc(meaning)}</div>"
        for name, colour, meaning in MARKERS
    )
    team = [p for p in board.pieces if p.side == "ours"]
    owners = "".join(
        f'<div class="row"><span class="owner" style="background:{p.tint}">{esc(p.initials)}'
        f"</span> {esc(p.name)}</div>"
        for p in team
    ) + (
        f'<div class="row"><span class="owner unowned">{UNOWNED_MARK}</span> '
        "matters, and nobody owns them</div>"
    )
    choices = "".join(f'<option value="{esc(p.id)}">{esc(p.name)}</option>' for p in team)
    focus = (
        '<label class="focus">Show one of ours <select id="focus">'
        f'<option value="">everyone</option>{choices}</select></label>'
    )
    files = ""
    if placement.layout is Layout.board:
        files = "<h3>Files (function)</h3>" + "".join(
            f'<div class="row"><b>{file_letter(i)}</b> {esc(name)}</div>'
            for i, name in enumerate(board.files)
        )
    people = "".join(f'<option value="{esc(p.name)}"></option>' for p in board.pieces)
    finder = (
        '<section id="find"><input id="find-person" type="search" list="people" '
        'placeholder="Find a person" aria-label="Find a person">'
        f'<datalist id="people">{people}</datalist>'
        '<button id="fit" type="button" title="Show the whole board">Fit</button></section>'
    )
    return (
        f'<aside id="sidebar">{finder}'
        f'<section id="toggles"><h3>Lines</h3>{toggles}{fading}{focus}</section>'
        '<section id="details" aria-live="polite"><p class="hint">Hover or click a piece or '
        "a line for details.</p></section>"
        f'<section id="legend"><h3>Owners (who owns each of theirs)</h3>{owners}'
        f"<h3>Their pieces (power)</h3>{theirs}"
        f"<h3>Our pieces (role)</h3>{ours}<h3>Stance</h3>{stances}<h3>Markers</h3>{markers}"
        f"{files}</section></aside>"
    )


_STYLE = """
html, body { margin: 0; height: 100%; }
body { display: grid; grid-template-columns: minmax(0, 1fr) 330px; grid-template-rows: auto 1fr;
  font: 14px/1.35 system-ui, 'DejaVu Sans', sans-serif; color: #1d1d1f; background: #faf8f3; }
header { grid-column: 1 / 3; padding: 10px 18px 8px; border-bottom: 1px solid #ddd6c8;
  background: #fff; }
header h1 { margin: 0; font-size: 21px; }
header .sub { font-weight: 400; color: #6b6355; }
header .facts { margin: 2px 0 0; color: #555; font-size: 13px; }
.card { grid-column: 1; min-width: 0; }
#mynetwork { float: none !important; border: 0 !important; background: #faf8f3 !important; }
#sidebar { grid-column: 2; grid-row: 2; overflow-y: auto; max-height: calc(100vh - 74px);
  padding: 6px 14px 14px; border-left: 1px solid #ddd6c8; background: #fff; font-size: 13px; }
#sidebar h3 { margin: 12px 0 4px; font-size: 12px; text-transform: uppercase;
  letter-spacing: .06em; color: #6b6355; }
#sidebar label, #sidebar .row { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
#find { display: flex; gap: 6px; margin-top: 8px; }
#find input { flex: 1; min-width: 0; font: inherit; padding: 3px 6px; }
#find button { font: inherit; padding: 3px 10px; }
.swatch { width: 36px; height: 10px; flex: none; }
.glyph { font: 20px/1 %FONT%; width: 22px; text-align: center; }
.dot { width: 14px; height: 14px; border-radius: 50%; border: 1.5px solid #222; flex: none; }
.owner { width: 20px; height: 20px; border-radius: 50%; border: 1.5px solid #fff; flex: none;
  box-shadow: 0 0 0 1px #555; color: #fff; font: bold 9px/20px system-ui, sans-serif;
  text-align: center; }
.owner.unowned { background: #fff; color: %HANGING%; box-shadow: 0 0 0 2px %HANGING%; }
label.focus { margin-top: 8px !important; }
label.focus select { flex: 1; min-width: 0; }
.badge { color: #fff; font-size: 10px; font-weight: 700; padding: 1px 5px; border-radius: 8px;
  text-transform: uppercase; flex: none; }
#details { margin-top: 10px; padding: 8px 10px; border: 1px solid #e4ddcf; border-radius: 6px;
  background: #fdfbf6; min-height: 40px; }
.hint { margin: 0; color: #777; }
.tip { max-width: 340px; font: 12px/1.35 system-ui, 'DejaVu Sans', sans-serif; }
.tip strong { display: block; font-size: 14px; margin-bottom: 4px; }
.tip dl { display: grid; grid-template-columns: auto 1fr; gap: 1px 10px; margin: 0; }
.tip dt { color: #6b6355; }
.tip dd { margin: 0; overflow-wrap: anywhere; }
div.vis-tooltip { padding: 8px 10px; background: #fffdf7; border: 1px solid #c9bfa9;
  border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,.18); white-space: normal; }
""".replace("%FONT%", _FONT).replace("%HANGING%", HANGING_COLOUR)

# How a board is drawn: pieces, squares and tooltips from the board's data, onto a
# vis-network whose nodes and edges came from vis_nodes and vis_edges. Shared by the
# offline page (inlined) and the app's workspace (served as a script file); it never
# builds HTML from strings (textContent only), so no user text becomes markup.
DRAW_SCRIPT = """
var kamgraphBoard = (function () {
  "use strict";
  var FONT = "%FONT%";
  var R = 24;
  var HANGING = "%HANGING%", CARRIER = "%CARRIER%", LEFT = "%LEFT%", MARK = "%MARK%";
  var UNOWNED = "%UNOWNED%";
  var AREA = %AREA%;
  var NAME_PX = %NAME_PX%, NAME_LH = %NAME_LH%, TITLE_PX = %TITLE_PX%, TITLE_LH = %TITLE_LH%;
  var BADGES_H = %BADGES_H%, HALF_W = %HALF_W%;
  // The zoom a board opens at, at least: names of NAME_PX drawn >= 11.5 px on screen.
  var READABLE = 11.5 / NAME_PX;

  function details(head, rows) {
    var box = document.createElement("div");
    box.className = "tip";
    var title = document.createElement("strong");
    title.textContent = head;
    box.appendChild(title);
    var list = document.createElement("dl");
    rows.forEach(function (row) {
      var term = document.createElement("dt");
      term.textContent = row[0];
      var value = document.createElement("dd");
      value.textContent = row[1];
      list.appendChild(term);
      list.appendChild(value);
    });
    box.appendChild(list);
    return box;
  }

  function text(ctx, value, x, y, font, colour) {
    ctx.font = font;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    ctx.lineWidth = 4;
    ctx.strokeStyle = "rgba(255,255,255,0.92)";
    ctx.strokeText(value, x, y);
    ctx.fillStyle = colour;
    ctx.fillText(value, x, y);
  }

  function pill(ctx, value, x, y, colour) {
    ctx.font = "bold 10px " + FONT;
    var w = ctx.measureText(value).width + 10;
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.roundRect(x - w / 2, y - 7, w, 14, 7);
    ctx.fill();
    ctx.fillStyle = "#fff";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(value, x, y + 0.5);
    return w;
  }

  // The owner marker, low right of a piece: their owner's initials in the owner's colour
  // (on ours: their own), or a red "?" on an important piece nobody owns.
  function ownerMark(ctx, p, owner, x, y) {
    var who = p.side === "ours" ? p : owner;
    if (!who && !p.unowned) return;
    var mx = x + R * 0.8, my = y + R * 0.8;
    ctx.beginPath();
    ctx.arc(mx, my, 10, 0, 2 * Math.PI);
    ctx.fillStyle = who ? who.tint : "#fff";
    ctx.fill();
    ctx.lineWidth = who ? 1.5 : 2.5;
    ctx.strokeStyle = who ? "#fff" : HANGING;
    ctx.stroke();
    ctx.fillStyle = who ? "#fff" : HANGING;
    ctx.font = "bold " + (who ? 9 : 13) + "px " + FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(who ? who.initials : UNOWNED, mx, my + 0.5);
  }

  function drawPiece(ctx, p, owner, x, y, state, dim) {
    ctx.globalAlpha = (p.left ? 0.5 : 1) * (dim ? 0.18 : 1);
    if (p.hanging.length) {
      ctx.beginPath();
      ctx.arc(x, y, R + 7, 0, 2 * Math.PI);
      ctx.fillStyle = "rgba(215, 25, 28, 0.2)";
      ctx.fill();
      ctx.lineWidth = 4;
      ctx.strokeStyle = HANGING;
      ctx.stroke();
    }
    if (p.carrier) {
      ctx.beginPath();
      ctx.arc(x, y, R + (p.hanging.length ? 13 : 7), 0, 2 * Math.PI);
      ctx.setLineDash([5, 3]);
      ctx.lineWidth = 3;
      ctx.strokeStyle = CARRIER;
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.beginPath();
    ctx.arc(x, y, R, 0, 2 * Math.PI);
    ctx.shadowColor = "rgba(0, 0, 0, 0.35)";
    ctx.shadowBlur = 6;
    ctx.shadowOffsetY = 2;
    ctx.fillStyle = p.colour;
    ctx.fill();
    ctx.shadowColor = "transparent";
    ctx.lineWidth = state.selected ? 4 : 2;
    ctx.strokeStyle = state.selected ? "#1565c0" : state.hover ? "#555" : "#222";
    ctx.stroke();
    ctx.fillStyle = p.ink;
    ctx.font = "30px " + FONT;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(p.glyph, x, y + 2);
    if (p.competitors.length) {
      ctx.beginPath();
      ctx.arc(x + R * 0.8, y - R * 0.8, 9, 0, 2 * Math.PI);
      ctx.fillStyle = CARRIER;
      ctx.fill();
      ctx.lineWidth = 1.5;
      ctx.strokeStyle = "#fff";
      ctx.stroke();
      ctx.fillStyle = "#fff";
      ctx.font = "bold 11px " + FONT;
      ctx.fillText(MARK, x + R * 0.8, y - R * 0.8 + 1);
    }
    ownerMark(ctx, p, owner, x, y);
    var ly = y + R + 6;
    p.label[0].forEach(function (line) {
      text(ctx, line, x, ly + NAME_LH / 2, "bold " + NAME_PX + "px " + FONT, "#111");
      ly += NAME_LH;
    });
    p.label[1].forEach(function (line) {
      text(ctx, line, x, ly + TITLE_LH / 2, TITLE_PX + "px " + FONT, "#3d3a34");
      ly += TITLE_LH;
    });
    var badges = [];
    if (p.hanging.length) badges.push(["hanging", HANGING]);
    if (p.carrier) badges.push(["single thread", CARRIER]);
    if (p.left) badges.push(["left", LEFT]);
    badges = badges.concat(p.roles || []);
    // Side by side, centred over the disc, each as wide as its word.
    ctx.font = "bold 10px " + FONT;
    var widths = badges.map(function (b) {
      return ctx.measureText(b[0].toUpperCase()).width + 10;
    });
    var bx = x - (widths.reduce(function (a, w) { return a + w + 3; }, -3)) / 2;
    badges.forEach(function (b, i) {
      pill(ctx, b[0].toUpperCase(), bx + widths[i] / 2, y - R - BADGES_H / 2, b[1]);
      bx += widths[i] + 3;
    });
    ctx.globalAlpha = 1;
  }

  // Draws the board; returns focus(memberId): that member, what they own and whom they
  // know stay, the rest dims ("" or null: everyone).
  function draw(board, network, nodes, edges) {
    var byId = {}, kept = null;
    board.pieces.forEach(function (p) { byId[p.id] = p; });
    nodes.update(board.pieces.map(function (p) {
      return {
        id: p.id,
        shape: "custom",
        title: details(p.glyph + " " + p.name, p.details),
        ctxRenderer: function (args) {
          return {
            drawNode: function () {
              drawPiece(args.ctx, p, byId[p.owner], args.x, args.y, args.state,
                        kept !== null && !kept[p.id]);
            },
            nodeDimensions: {width: 2 * R + 10, height: 2 * R + 10}
          };
        }
      };
    }));
    var legs = {};  // line id -> the ids of its edges (one, or one per leg of its route)
    var colours = {};  // edge id -> its colour: an update replaces the whole colour object
    edges.get().forEach(function (e) {
      var line = e.line || e.id;
      (legs[line] = legs[line] || []).push(e.id);
      colours[e.id] = e.color || {};
    });
    function eachLeg(fn) {
      var out = [];
      board.lines.forEach(function (l) {
        (legs[l.id] || []).forEach(function (id) { out.push(fn(l, id)); });
      });
      return out;
    }
    edges.update(eachLeg(function (l, id) {
      return {id: id, title: details(l.label, l.details)};
    }));

    network.on("beforeDrawing", function (ctx) {
      board.areas.forEach(function (a) {
        ctx.fillStyle = AREA[a.tone];
        ctx.fillRect(a.x, a.y, a.w, a.h);
      });
      board.captions.forEach(function (c) {
        ctx.font = (c.role === "side" ? "italic 13px " : "bold 14px ") + FONT;
        ctx.textAlign = c.anchor === "middle" ? "center" : c.anchor === "end" ? "right" : "left";
        ctx.textBaseline = "middle";
        ctx.fillStyle = "#5b5142";
        ctx.fillText(c.text, c.x, c.y);
      });
    });

    return function focus(member) {
      kept = null;
      if (member) {
        kept = {};
        kept[member] = true;
        board.pieces.forEach(function (p) { if (p.owner === member) kept[p.id] = true; });
        board.lines.forEach(function (l) {
          if (l.kind === "knows" && l.from === member) kept[l.to] = true;
        });
      }
      edges.update(eachLeg(function (l, id) {
        var lit = !member || l.from === member || l.to === member;
        // The whole colour again: left without one, a leg would take its via point's
        // (transparent) and vanish.
        return {id: id, color: Object.assign({}, colours[id], {opacity: lit ? 1 : 0.12})};
      }));
      network.redraw();
      return kept ? Object.keys(kept).length : board.pieces.length;
    };
  }

  // What a piece covers on the canvas (as visual.layout.piece_box).
  function pieceBox(p, at) {
    var below = R + 6 + p.label[0].length * NAME_LH + p.label[1].length * TITLE_LH;
    return [at.x - HALF_W, at.y - R - BADGES_H, at.x + HALF_W, at.y + below];
  }

  function extent(board, network) {
    if (board.bounds) return board.bounds;
    var at = network.getPositions(board.pieces.map(function (p) { return p.id; }));
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    board.pieces.forEach(function (p) {
      var box = pieceBox(p, at[p.id]);
      b = [Math.min(b[0], box[0]), Math.min(b[1], box[1]), Math.max(b[2], box[2]),
           Math.max(b[3], box[3])];
    });
    return [b[0] - 24, b[1] - 24, b[2] + 24, b[3] + 24];
  }

  // Shows the whole board; unless ``whole``, never below the readable zoom: a board too
  // large for that opens on its top left (the back rank, where the decision makers
  // stand, with the rank names), and pans.
  function fit(board, network, box, whole) {
    if (!board.pieces.length) return;
    var b = extent(board, network), w = b[2] - b[0], h = b[3] - b[1];
    var scale = Math.min(box.clientWidth / w, box.clientHeight / h);
    if (!whole) scale = Math.max(scale, READABLE);
    var x = Math.min(b[0] + w / 2, b[0] + box.clientWidth / scale / 2);
    var y = Math.min(b[1] + h / 2, b[1] + box.clientHeight / scale / 2);
    network.moveTo({position: {x: x, y: y}, scale: scale});
  }

  // The network layout: once the physics has settled, stop it and push apart any pieces
  // whose discs or labels still overlap, so every name stands clear.
  function settle(board, network, done) {
    if (board.layout !== "network") { done(); return; }
    network.once("stabilizationIterationsDone", function () {
      network.stopSimulation();
      network.setOptions({physics: {enabled: false}});
      var ids = board.pieces.map(function (p) { return p.id; });
      var at = network.getPositions(ids);
      for (var round = 0; round < 400; round++) {
        var moved = false;
        for (var i = 0; i < ids.length; i++) {
          for (var j = i + 1; j < ids.length; j++) {
            var a = pieceBox(board.pieces[i], at[ids[i]]);
            var b = pieceBox(board.pieces[j], at[ids[j]]);
            var dx = Math.min(a[2], b[2]) - Math.max(a[0], b[0]) + 8;
            var dy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]) + 8;
            if (dx <= 0 || dy <= 0) continue;
            moved = true;
            var P = at[ids[i]], Q = at[ids[j]];
            if (dx < dy) {
              var sx = (P.x < Q.x || (P.x === Q.x && i < j) ? -1 : 1) * dx / 2;
              P.x += sx; Q.x -= sx;
            } else {
              var sy = (P.y < Q.y || (P.y === Q.y && i < j) ? -1 : 1) * dy / 2;
              P.y += sy; Q.y -= sy;
            }
          }
        }
        if (!moved) break;
      }
      ids.forEach(function (id) { network.moveNode(id, at[id].x, at[id].y); });
      done();
    });
    // A small board may have settled before this listened: settle it (again) now.
    network.stabilize(100);
  }

  // Finds the person whose name starts with (else holds) ``query``, and focuses them.
  function find(board, network, query) {
    var q = query.trim().toLowerCase();
    if (!q) return null;
    var hit = board.pieces.filter(function (p) { return p.name.toLowerCase() === q; })[0] ||
      board.pieces.filter(function (p) { return p.name.toLowerCase().indexOf(q) === 0; })[0] ||
      board.pieces.filter(function (p) { return p.name.toLowerCase().indexOf(q) >= 0; })[0];
    if (!hit) return null;
    network.focus(hit.id, {scale: Math.max(network.getScale(), READABLE * 1.2), animation: false});
    network.selectNodes([hit.id]);
    return hit;
  }

  return {draw: draw, details: details, fit: fit, settle: settle, find: find};
})();
"""

# The offline page's own script: the board from its data island, line toggles, the
# details panel, and the fit to the window.
_SCRIPT = """
(function () {
  "use strict";
  var board = JSON.parse(document.getElementById("kamgraph-board").textContent);
  var details = kamgraphBoard.details;
  var focus = kamgraphBoard.draw(board, network, nodes, edges);
  var chooser = document.getElementById("focus");
  chooser.addEventListener("change", function () {
    document.body.setAttribute("data-focus-shown", String(focus(chooser.value)));
  });

  document.querySelectorAll("input[data-line-kind]").forEach(function (box) {
    box.addEventListener("change", function () {
      var kind = box.getAttribute("data-line-kind");
      edges.update(edges.get({filter: function (e) { return e.kind === kind; }})
        .map(function (e) { return {id: e.id, hidden: !box.checked}; }));
    });
  });

  var pieces = {}, lines = {};
  board.pieces.forEach(function (p) { pieces[p.id] = p; });
  board.lines.forEach(function (l) { lines[l.id] = l; });
  var panel = document.getElementById("details");
  function show(params) {
    var p = params.nodes.length ? pieces[params.nodes[0]] : null;
    var leg = !p && params.edges.length ? edges.get(params.edges[0]) : null;
    var l = leg ? lines[leg.line || leg.id] : null;
    if (!p && !l) return;
    panel.replaceChildren(p ? details(p.glyph + " " + p.name, p.details)
                            : details(l.label, l.details));
  }
  network.on("click", show);
  network.on("hoverNode", function (e) { show({nodes: [e.node], edges: []}); });

  var box = document.getElementById("mynetwork");
  function fit() { kamgraphBoard.fit(board, network, box); }
  document.getElementById("fit").addEventListener("click", function () {
    kamgraphBoard.fit(board, network, box, true);
  });
  var search = document.getElementById("find-person");
  function find() {
    var hit = kamgraphBoard.find(board, network, search.value);
    document.body.setAttribute("data-found", hit ? hit.id : "");
    if (hit) show({nodes: [hit.id], edges: []});
  }
  search.addEventListener("change", find);
  search.addEventListener("keydown", function (e) { if (e.key === "Enter") find(); });
  fit();
  window.addEventListener("resize", fit);
  document.body.setAttribute("data-board-ready", String(board.pieces.length));
  kamgraphBoard.settle(board, network, function () {
    fit();
    document.body.setAttribute("data-board-stable", "true");
  });
})();
"""
DRAW_SCRIPT = (
    DRAW_SCRIPT.replace("%FONT%", _FONT)
    .replace("%HANGING%", HANGING_COLOUR)
    .replace("%CARRIER%", CARRIER_COLOUR)
    .replace("%LEFT%", LEFT_COLOUR)
    .replace("%MARK%", COMPETITOR_MARK)
    .replace("%UNOWNED%", UNOWNED_MARK)
    .replace("%AREA%", script_json(AREA_COLOURS))
    .replace("%NAME_PX%", str(NAME_PX))
    .replace("%NAME_LH%", str(NAME_LH))
    .replace("%TITLE_PX%", str(TITLE_PX))
    .replace("%TITLE_LH%", str(TITLE_LH))
    .replace("%BADGES_H%", str(BADGES_H))
    .replace("%HALF_W%", str((SLOT_W - GUTTER) / 2))
)
