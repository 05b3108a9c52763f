"""Pareto: who holds the revenue, and who the profit — profit, not revenue, makes a key account.

Shares are fractions (0–1) of the portfolio's total: revenue over the sum of the recorded
revenues; profit over the sum of the recorded *profits above zero* (a loss-making account
holds a profit share of 0, and the shares of the profitable ones add up to 1). The top
sets are the largest ``top_share`` of the accounts in view (default 20%, rounded up: 1 of
5, 2 of 6) among those with a value above 0; ``revenue_not_profit`` and
``profit_not_revenue`` are in one top set and not the other; ``dominant`` accounts hold
more than ``dominant_share`` of the revenue (default 15%).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from graph.portfolio.criteria import DEFAULT_CRITERIA, Criteria
from graph.portfolio.result import AccountBrief, CurvePoint, ParetoResult


def shares(briefs: Sequence[AccountBrief], field: str) -> dict[str, float | None]:
    """Each account's share of the total ``field`` ("revenue" or "profit"), None if unknown.

    >>> briefs = [AccountBrief(account_id=i, name=i, profit=p) for i, p in
    ...           [("a", 30.0), ("b", 10.0), ("c", -5.0), ("d", None)]]
    >>> shares(briefs, "profit")
    {'a': 0.75, 'b': 0.25, 'c': 0.0, 'd': None}
    """
    values = {b.account_id: getattr(b, field) for b in briefs}
    total = sum(max(0.0, v) for v in values.values() if v is not None)
    return {
        i: (None if v is None or total == 0 else max(0.0, v) / total) for i, v in values.items()
    }


def pareto(briefs: Sequence[AccountBrief], criteria: Criteria = DEFAULT_CRITERIA) -> ParetoResult:
    """The top sets, the accounts in one and not the other, the dominant ones, the curves.

    >>> briefs = [AccountBrief(account_id=i, name=i, revenue=r, profit=p) for i, r, p in
    ...           [("a", 60.0, 1.0), ("b", 30.0, 9.0), ("c", 10.0, 2.0)]]
    >>> result = pareto(briefs)
    >>> result.top_by_revenue, result.top_by_profit, result.revenue_not_profit, result.dominant
    (['a'], ['b'], ['a'], ['a', 'b'])
    >>> [(p.accounts, p.share) for p in result.revenue_curve][:2]
    [(0.0, 0.0), (0.333, 0.6)]
    """
    config = criteria.pareto
    top = math.ceil(round(config.top_share * len(briefs), 9))
    by_revenue, by_profit = _ranked(briefs, "revenue"), _ranked(briefs, "profit")
    top_revenue, top_profit = by_revenue[:top], by_profit[:top]
    revenue_shares = shares(briefs, "revenue")
    return ParetoResult(
        top_by_revenue=top_revenue,
        top_by_profit=top_profit,
        revenue_not_profit=[i for i in top_revenue if i not in top_profit],
        profit_not_revenue=[i for i in top_profit if i not in top_revenue],
        dominant=[i for i in by_revenue if (revenue_shares[i] or 0) > config.dominant_share],
        revenue_curve=_curve(by_revenue, revenue_shares, len(briefs)),
        profit_curve=_curve(by_profit, shares(briefs, "profit"), len(briefs)),
    )


def _ranked(briefs: Sequence[AccountBrief], field: str) -> list[str]:
    """The accounts with ``field`` above 0, largest first (ties by id)."""
    valued = [(v, b.account_id) for b in briefs if (v := getattr(b, field)) is not None and v > 0]
    return [i for _, i in sorted(valued, key=lambda pair: (-pair[0], pair[1]))]


def _curve(ranked: list[str], share: dict[str, float | None], n: int) -> list[CurvePoint]:
    """The cumulative share held by the top 1, 2, … accounts of ``n``, from (0, 0)."""
    points = [CurvePoint(accounts=0, share=0)]
    total = 0.0
    for k, account in enumerate(ranked, start=1):
        total += share[account] or 0.0
        points.append(CurvePoint(accounts=round(k / n, 3), share=round(min(total, 1.0), 3)))
    return points
