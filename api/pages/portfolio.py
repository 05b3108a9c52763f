"""The portfolio page's account table: its columns and how each sorts.

Sorted on the server (``?sort=revenue``, ``?sort=-revenue`` for largest first) so the
header links work without script, as plain links a test can follow. Unknown values (no
score, no revenue recorded) always come last, whichever the direction; ties keep the
view's own order, best score first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Final

from fastapi import Query

from graph.portfolio.result import PortfolioAccount

#: The matrix's quadrants, most attractive and strongest first.
QUADRANTS: Final = ("strategic", "star", "status", "streamline")


@dataclass(frozen=True)
class Column:
    """One sortable column: its query key, header label, and first direction on a click."""

    key: str
    label: str
    numeric: bool = False
    descending: bool = False  # what a first click sorts by: largest first for amounts


COLUMNS: Final = (
    Column("name", "Account"),
    Column("score", "Score", numeric=True, descending=True),
    Column("tier", "Tier"),
    Column("recorded", "Recorded tier"),
    Column("quadrant", "Quadrant"),
    Column("health", "Health", numeric=True, descending=True),
    Column("single_threaded", "Single-threaded", descending=True),
    Column("revenue", "Revenue", numeric=True, descending=True),
    Column("profit", "Profit", numeric=True, descending=True),
    Column("revenue_share", "Revenue share", numeric=True, descending=True),
    Column("profit_share", "Profit share", numeric=True, descending=True),
)
DEFAULT_SORT: Final = "-score"
Sort = Annotated[
    str,
    Query(
        description="The column the table is sorted by; a leading '-' sorts largest first.",
        pattern="^-?(" + "|".join(c.key for c in COLUMNS) + ")$",
    ),
]


def sort_rows(
    rows: Sequence[PortfolioAccount], sort: str, tiers: Sequence[str]
) -> list[PortfolioAccount]:
    """``rows`` by the ``sort`` column; tiers rank as ``tiers`` lists them (best first),
    a recorded tier the criteria do not name after those."""
    key = _keys(list(tiers))[sort.removeprefix("-")]
    known = [r for r in rows if key(r) is not None]
    known.sort(key=key, reverse=sort.startswith("-"))
    return known + [r for r in rows if key(r) is None]


def link(column: Column, sort: str) -> str:
    """The sort a click on the column's header asks for: the other direction when the
    table is sorted by it already, else the column's first direction."""
    if sort.removeprefix("-") == column.key:
        descending = not sort.startswith("-")
    else:
        descending = column.descending
    return ("-" if descending else "") + column.key


def _keys(tiers: list[str]) -> dict[str, Callable[[PortfolioAccount], Any]]:
    def rank(tier: str | None) -> int | None:
        if tier is None:
            return None
        return tiers.index(tier) if tier in tiers else len(tiers)

    return {
        "name": lambda r: r.name.casefold(),
        "score": lambda r: r.score,
        "tier": lambda r: rank(r.tier_computed),
        "recorded": lambda r: rank(r.tier_recorded),
        "quadrant": lambda r: None if r.quadrant is None else QUADRANTS.index(r.quadrant),
        "health": lambda r: r.health_score,
        "single_threaded": lambda r: r.single_threaded,
        "revenue": lambda r: r.revenue,
        "profit": lambda r: r.profit,
        "revenue_share": lambda r: r.revenue_share,
        "profit_share": lambda r: r.profit_share,
    }
