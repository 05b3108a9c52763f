"""Pareto: shares, the top sets at 20% (configurable), the flags and the curves."""

from __future__ import annotations

from graph.portfolio.criteria import parse
from graph.portfolio.pareto import pareto, shares
from graph.portfolio.result import AccountBrief

#: Revenue 100 in all; profit 15 above zero (d makes a loss, e has none recorded).
BRIEFS = [
    AccountBrief(account_id=i, name=i, revenue=r, profit=p)
    for i, r, p in [("a", 50, 2), ("b", 20, 8), ("c", 15, 5), ("d", 10, -1), ("e", 5, None)]
]


def test_shares_are_fractions_of_the_total() -> None:
    assert shares(BRIEFS, "revenue") == {"a": 0.5, "b": 0.2, "c": 0.15, "d": 0.1, "e": 0.05}
    assert shares(BRIEFS, "profit") == {"a": 2 / 15, "b": 8 / 15, "c": 5 / 15, "d": 0, "e": None}


def test_the_top_fifth_by_revenue_is_not_the_top_fifth_by_profit() -> None:
    result = pareto(BRIEFS)  # 20% of 5 accounts: 1
    assert (result.top_by_revenue, result.top_by_profit) == (["a"], ["b"])
    assert (result.revenue_not_profit, result.profit_not_revenue) == (["a"], ["b"])
    assert result.dominant == ["a", "b"]  # above 15%: c's 15% is not


def test_the_top_share_and_the_dominant_limit_come_from_the_criteria() -> None:
    result = pareto(BRIEFS, parse("[pareto]\ntop_share = 0.4\ndominant_share = 0.1\n"))
    assert (result.top_by_revenue, result.top_by_profit) == (["a", "b"], ["b", "c"])
    assert (result.revenue_not_profit, result.profit_not_revenue) == (["a"], ["c"])
    assert result.dominant == ["a", "b", "c"]


def test_the_curves_climb_from_nothing_to_everything() -> None:
    result = pareto(BRIEFS)
    assert [(p.accounts, p.share) for p in result.revenue_curve] == [
        (0, 0),
        (0.2, 0.5),
        (0.4, 0.7),
        (0.6, 0.85),
        (0.8, 0.95),
        (1, 1),
    ]
    # only the profitable accounts: b 8, c 5, a 2 of 15
    assert [(p.accounts, p.share) for p in result.profit_curve] == [
        (0, 0),
        (0.2, 0.533),
        (0.4, 0.867),
        (0.6, 1),
    ]
