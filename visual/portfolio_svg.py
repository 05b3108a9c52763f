"""The portfolio's charts as offline SVG: the KAM matrix scatter and the Pareto curves.

:func:`matrix` and :func:`pareto` each return one ``<svg>`` element a page can embed;
:func:`render` puts both on one A4 landscape page (``kamgraph portfolio --svg``). No
script, nothing fetched; every account name passes through :func:`visual.escape.esc`.
Sizes are in CSS pixels of an A4 page (297 mm = 1123 px), and no text is smaller than
11 px (8.3 pt) there. Every point carries a ``<title>`` with its details (shown on
hover); the names of the ``LABELLED`` best-scoring accounts are written next to them.
"""

from __future__ import annotations

import math
from typing import Final

from graph.portfolio.matrix import POSTURES
from graph.portfolio.result import CurvePoint, PortfolioAccount, PortfolioView
from visual.escape import esc

#: For an SVG served on its own: no script, nothing fetched.
CSP: Final = "default-src 'none'; style-src 'unsafe-inline'"
PAGE_W: Final = 1123
PAGE_H: Final = 794
PANEL_W: Final = 540
PANEL_H: Final = 660
LABELLED: Final = 25
#: Curves are drawn from at most this many points (a 10,000-account curve looks the same).
CURVE_POINTS: Final = 400
FONT: Final = "'DejaVu Sans', 'Segoe UI', sans-serif"
KEY_COLOUR: Final = "#b8860b"
OTHER_COLOUR: Final = "#6b7b8c"
REVENUE_COLOUR: Final = "#2f6db5"
PROFIT_COLOUR: Final = "#c0392b"

_STYLE = (
    f"text{{font-family:{FONT};fill:#1d1d1f}}"
    ".t{font-size:18px;font-weight:700}"
    ".ax{font-size:12px;fill:#4a4a4a}"
    ".q{font-size:15px;font-weight:700;fill:#5b5142}"
    ".p{font-size:11px;fill:#6b6355}"
    ".n{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}"
    ".grid{stroke:#d9d4c7;stroke-width:1}"
    ".cut{stroke:#8a8170;stroke-width:1.5;stroke-dasharray:6 4}"
)
_MARGIN = 56  # room for the axis labels


def render(view: PortfolioView) -> str:
    """One A4 landscape page: the matrix on the left, the Pareto curves on the right."""
    head = (
        f'<text class="t" x="24" y="36">Portfolio on {esc(view.as_of.isoformat())}: '
        f"{len(view.accounts)} accounts, {len(view.key_accounts)} key</text>"
        f'<text class="ax" x="24" y="58">criteria: {esc(view.criteria)} · '
        f"{esc(', '.join(view.currencies) or 'no amounts')}</text>"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="297mm" height="210mm" '
        f'viewBox="0 0 {PAGE_W} {PAGE_H}" role="img"><style>{_STYLE}</style>'
        f'<rect width="{PAGE_W}" height="{PAGE_H}" fill="#fff"/>{head}'
        f'<g transform="translate(12 96)">{matrix(view)}</g>'
        f'<g transform="translate({PAGE_W - PANEL_W - 12} 96)">{pareto(view)}</g></svg>'
    )


def matrix(view: PortfolioView) -> str:
    """The KAM portfolio matrix: attractiveness (score) up, our relative strength across;
    key accounts gold, the others grey, each dot sized by its revenue share."""
    plot = PANEL_W - _MARGIN - 28
    x0, y0 = _MARGIN, 12

    def x(value: float) -> float:
        return x0 + plot * value / 100

    def y(value: float) -> float:
        return y0 + plot * (1 - value / 100)

    cx, cy = x(view.strength_cut), y(view.attractiveness_cut)
    parts = [
        f'<rect x="{x0}" y="{y0}" width="{plot}" height="{plot}" fill="#faf8f3" class="grid"/>',
        f'<line class="cut" x1="{cx:.1f}" y1="{y0}" x2="{cx:.1f}" y2="{y0 + plot}"/>',
        f'<line class="cut" x1="{x0}" y1="{cy:.1f}" x2="{x0 + plot}" y2="{cy:.1f}"/>',
    ]
    corners = {
        "star": (x0 + 8, y0 + 20, "start"),
        "strategic": (x0 + plot - 8, y0 + 20, "end"),
        "streamline": (x0 + 8, y0 + plot - 22, "start"),
        "status": (x0 + plot - 8, y0 + plot - 22, "end"),
    }
    for quadrant, (qx, qy, anchor) in corners.items():
        posture = POSTURES[quadrant].split(":")[0]
        parts.append(
            f'<text class="q" x="{qx}" y="{qy}" text-anchor="{anchor}">{quadrant.title()}</text>'
            f'<text class="p" x="{qx}" y="{qy + 15}" text-anchor="{anchor}">{posture}</text>'
        )
    placed = [a for a in view.accounts if a.score is not None]
    for a in sorted(placed, key=lambda a: -(a.revenue_share or 0)):  # small dots on top
        parts.append(_dot(a, x(a.strength), y(a.score or 0)))
    for a in placed[:LABELLED]:  # the view lists the best scores first
        right = a.strength > 65  # a name on the right half would run off the plot
        nx = x(a.strength) + (-10 if right else 10) * (1 + 3 * math.sqrt(a.revenue_share or 0))
        parts.append(
            f'<text class="n" x="{nx:.1f}" y="{y(a.score or 0) + 4:.1f}" '
            f'text-anchor="{"end" if right else "start"}">{esc(_short(a.name))}</text>'
        )
    unplaced = len(view.accounts) - len(placed)
    note = f"; {unplaced} without selection facts, not placed" if unplaced else ""
    parts += _axes(x0, y0, plot, "our relative strength (0–100)", "attractiveness: score (0–100)")
    parts.append(
        f'<text class="p" x="{x0}" y="{y0 + plot + 48}">dot size: share of revenue; '
        f"gold: key account{note}</text>"
    )
    return _panel("The KAM portfolio matrix", parts)


def pareto(view: PortfolioView) -> str:
    """The cumulative revenue and profit curves: the top x% of accounts hold y% of each;
    none across currencies (the view's note says why, in the panel)."""
    plot = PANEL_W - _MARGIN - 28
    x0, y0 = _MARGIN, 12
    if view.currency_note:
        words, lines = view.currency_note.split(), [""]
        for word in words:  # wrapped to the panel by hand: SVG text does not wrap
            if len(lines[-1]) + len(word) > 58:
                lines.append("")
            lines[-1] = f"{lines[-1]} {word}".strip()
        note = "".join(
            f'<text class="ax" x="{x0}" y="{y0 + 40 + 18 * i}">{esc(line)}</text>'
            for i, line in enumerate(lines)
        )
        return _panel("Pareto: not across currencies", [note])

    def path(points: list[CurvePoint]) -> str:
        step = max(1, math.ceil(len(points) / CURVE_POINTS))
        kept = points[::step] + ([points[-1]] if (len(points) - 1) % step else [])
        return " ".join(
            f"{x0 + plot * p.accounts:.1f},{y0 + plot * (1 - p.share):.1f}" for p in kept
        )

    top = x0 + plot * view.top_share
    parts = [
        f'<rect x="{x0}" y="{y0}" width="{plot}" height="{plot}" fill="#faf8f3" class="grid"/>',
        f'<line class="cut" x1="{top:.1f}" y1="{y0}" x2="{top:.1f}" y2="{y0 + plot}"/>',
        f'<text class="p" x="{top + 6:.1f}" y="{y0 + plot - 8}">top {view.top_share:.0%}</text>',
    ]
    for label, colour, points, dy in (
        ("revenue", REVENUE_COLOUR, view.pareto.revenue_curve, 0),
        ("profit", PROFIT_COLOUR, view.pareto.profit_curve, 18),
    ):
        if len(points) > 1:
            parts.append(
                f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" '
                f'points="{path(points)}"><title>{label}</title></polyline>'
            )
        parts.append(
            f'<line x1="{x0 + plot - 150}" y1="{y0 + plot - 60 + dy}" x2="{x0 + plot - 122}" '
            f'y2="{y0 + plot - 60 + dy}" stroke="{colour}" stroke-width="3"/>'
            f'<text class="ax" x="{x0 + plot - 114}" y="{y0 + plot - 56 + dy}">{label}</text>'
        )
    parts += _axes(
        x0, y0, plot, "share of accounts, largest first", "cumulative share", percent=True
    )
    lists = view.pareto
    parts.append(
        f'<text class="p" x="{x0}" y="{y0 + plot + 48}">revenue, not profit: '
        f"{len(lists.revenue_not_profit)}; profit, not revenue: {len(lists.profit_not_revenue)}; "
        f"dominant: {len(lists.dominant)}</text>"
    )
    return _panel(f"Pareto: revenue and profit ({', '.join(view.currencies)})", parts)


def _dot(a: PortfolioAccount, x: float, y: float) -> str:
    r = 4 + 14 * math.sqrt(a.revenue_share or 0)
    colour = KEY_COLOUR if a.key else OTHER_COLOUR
    title = (
        f"{a.name} ({a.account_id}): score {a.score:g}, strength {a.strength:g}, "
        f"{a.quadrant}, tier {a.tier or 'none'}"
    )
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity=".75" '
        f'stroke="#fff" stroke-width="1"><title>{esc(title)}</title></circle>'
    )


def _axes(
    x0: float, y0: float, plot: float, across: str, up: str, *, percent: bool = False
) -> list[str]:
    ticks = []
    for k in range(0, 101, 25):
        tx, ty = x0 + plot * k / 100, y0 + plot * (1 - k / 100)
        label = f"{k}%" if percent else f"{k}"
        ticks.append(
            f'<text class="ax" x="{tx:.1f}" y="{y0 + plot + 18}" '
            f'text-anchor="middle">{label}</text>'
            f'<text class="ax" x="{x0 - 8}" y="{ty + 4:.1f}" text-anchor="end">{label}</text>'
        )
    return [
        *ticks,
        f'<text class="ax" x="{x0 + plot / 2}" y="{y0 + plot + 34}" '
        f'text-anchor="middle">{across}</text>',
        f'<text class="ax" transform="translate(14 {y0 + plot / 2}) rotate(-90)" '
        f'text-anchor="middle">{up}</text>',
    ]


def _panel(title: str, parts: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{PANEL_W}" height="{PANEL_H}" '
        f'viewBox="0 -28 {PANEL_W} {PANEL_H}" role="img" aria-label="{esc(title)}">'
        f"<style>{_STYLE}</style>"
        f'<text class="t" x="{_MARGIN}" y="-8">{esc(title)}</text>{"".join(parts)}</svg>'
    )


def _short(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"
