"""Weighted selection: scores, components, tiers and their reasons, computed by hand."""

from __future__ import annotations

import pytest

from graph.portfolio.criteria import DEFAULT_CRITERIA, parse
from graph.portfolio.result import AccountBrief
from graph.portfolio.selection import full_marks, select


def brief(account_id: str, **facts: float | str | None) -> AccountBrief:
    return AccountBrief(account_id=account_id, name=account_id.title(), **facts)


#: Revenue's full marks are a's 100, profit's b's 60 (the largest in view).
PORTFOLIO = [
    brief(
        "a",
        revenue=100,
        profit=30,
        growth_potential=5,
        financial_stability=4,
        strategic_fit=3,
        relationship_closeness=2,
    ),
    brief("b", revenue=50, profit=60),
    brief("c", relationship_closeness=1),
    brief("d"),
    brief("e", revenue=10, profit=-10, tier_recorded="silver"),
]


@pytest.mark.parametrize(
    ("account", "score", "computed", "tier", "key"),
    [
        # (1·100 + 2·50 + 2·100 + 1·80 + 1·60 + 1·40) / 8 = 580 / 8
        ("a", 72.5, "gold", "gold", True),
        # profit missing nothing; four ratings missing: (1·50 + 2·100) / 3, weights renormalised
        ("b", 83.3, "gold", "gold", True),
        ("c", 20.0, "bronze", "bronze", False),  # closeness 1/5 alone
        ("d", None, None, None, False),  # nothing recorded: no score, no tier
        # a loss scores 0: (1·10 + 2·0) / 3 = 3.3 → bronze; the recorded silver wins
        ("e", 3.3, "bronze", "silver", True),
    ],
)
def test_scores_and_tiers(
    account: str, score: float | None, computed: str | None, tier: str | None, key: bool
) -> None:
    marks = full_marks(PORTFOLIO, DEFAULT_CRITERIA)
    assert marks == {"revenue": 100, "profit": 60}
    chosen = select(next(b for b in PORTFOLIO if b.account_id == account), marks=marks)
    assert (chosen.score, chosen.tier_computed, chosen.tier, chosen.key) == (
        score,
        computed,
        tier,
        key,
    )


def test_components_show_each_criterion_with_its_weight_value_and_score() -> None:
    chosen = select(PORTFOLIO[1], marks=full_marks(PORTFOLIO, DEFAULT_CRITERIA))
    assert [(c.name, c.weight, c.value, c.score) for c in chosen.components] == [
        ("revenue", 1, 50, 50),
        ("profit", 2, 60, 100),
        ("growth_potential", 2, None, None),
        ("financial_stability", 1, None, None),
        ("strategic_fit", 1, None, None),
        ("relationship_closeness", 1, None, None),
    ]
    assert chosen.reason == (
        "83.3 of 100 reaches gold (70+): profit 100, revenue 50; without growth potential, "
        "financial stability, strategic fit, relationship closeness (not recorded: weighed on "
        "the rest)"
    )


def test_a_recorded_tier_is_a_decision_shown_with_the_computed_one() -> None:
    chosen = select(PORTFOLIO[4], marks=full_marks(PORTFOLIO, DEFAULT_CRITERIA))
    assert chosen.reason.startswith("recorded as silver, a decision (the criteria say bronze); ")
    assert (chosen.tier_recorded, chosen.tier_computed) == ("silver", "bronze")


def test_full_marks_weights_and_tiers_come_from_the_criteria() -> None:
    criteria = parse(
        "[selection.weights]\nrevenue = 1\nprofit = 0\ngrowth_potential = 0\n"
        "financial_stability = 0\nstrategic_fit = 0\nrelationship_closeness = 0\n"
        "[selection.full_marks]\nrevenue = 200\n"
        "[selection.tiers]\nA = 40\nB = 20\n"
        '[selection]\nkey_tiers = ["A"]\n'
    )
    marks = full_marks(PORTFOLIO, criteria)
    scored = {b.account_id: select(b, marks=marks, criteria=criteria) for b in PORTFOLIO}
    # revenue alone, against 200: a 50 → A, b 25 → B, e 5 → below B, c and d unscored
    assert {i: (s.score, s.tier_computed, s.key) for i, s in scored.items()} == {
        "a": (50, "A", True),
        "b": (25, "B", False),
        "c": (None, None, False),
        "d": (None, None, False),
        "e": (5, None, False),  # its recorded silver is no tier of these criteria: not key
    }
    assert [c.name for c in scored["a"].components] == ["revenue"]  # weight 0: not shown
    assert scored["e"].reason.endswith("5 of 100 is below B (20+): revenue 5")
    assert scored["c"].reason == "no selection fact recorded, so no score"
