"""Weighted selection: a score 0–100 from the account's selection facts, and a tier.

Each criterion scores 0–100: a rating (0–5) in proportion (4 → 80); revenue and profit
against their full marks — the criteria's ``full_marks``, or else the largest among the
accounts in view (which then scores 100; a loss scores 0). The score is the weighted mean
of the criteria that are *known*: a missing fact does not disqualify an account, its
weight is shared out over the others (renormalised), so the account must do that much
better on what is known. An account with no fact at all has no score and no tier.

The tier is the best one whose lowest score the account reaches. A tier recorded on the
account is a decision and wins over the computed one; both are kept. Key accounts are
those whose tier (recorded, else computed) is one of the criteria's ``key_tiers``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from pydantic import BaseModel

from graph.portfolio.criteria import DEFAULT_CRITERIA, Criteria
from graph.portfolio.result import AccountBrief, SelectionComponent

#: The criteria, in the order they are shown; revenue and profit are amounts.
CRITERIA: Final = (
    "revenue",
    "profit",
    "growth_potential",
    "financial_stability",
    "strategic_fit",
    "relationship_closeness",
)
AMOUNTS: Final = frozenset({"revenue", "profit"})
RATING_TOP: Final = 5.0


class Selected(BaseModel):
    """One account's selection: score, components, tiers and why."""

    score: float | None
    components: list[SelectionComponent]
    tier: str | None
    tier_computed: str | None
    tier_recorded: str | None
    key: bool
    reason: str


def full_marks(briefs: Sequence[AccountBrief], criteria: Criteria) -> dict[str, float | None]:
    """The revenue and profit that score 100: the criteria's, or the largest in view.

    >>> full_marks([AccountBrief(account_id="a", name="A", revenue=5.0, profit=-1.0)],
    ...            DEFAULT_CRITERIA)
    {'revenue': 5.0, 'profit': None}
    """
    marks = criteria.selection.full_marks
    out: dict[str, float | None] = {}
    for name in sorted(AMOUNTS, reverse=True):
        given = getattr(marks, name)
        largest = max((v for b in briefs if (v := getattr(b, name)) is not None), default=None)
        out[name] = given if given is not None else (largest if largest and largest > 0 else None)
    return out


def select(
    brief: AccountBrief,
    *,
    marks: dict[str, float | None],
    criteria: Criteria = DEFAULT_CRITERIA,
) -> Selected:
    """Score and grade one account; ``marks`` from :func:`full_marks` over the portfolio.

    >>> b = AccountBrief(account_id="a", name="A", revenue=50.0, growth_potential=4,
    ...                  tier_recorded="bronze")
    >>> s = select(b, marks={"revenue": 100.0, "profit": None})
    >>> s.score, s.tier_computed, s.tier, s.key  # (1·50 + 2·80) / 3
    (70.0, 'gold', 'bronze', False)
    >>> print(s.reason)
    recorded as bronze, a decision (the criteria say gold); 70 of 100 reaches gold (70+): \
growth potential 80, revenue 50; without profit, financial stability, strategic fit, \
relationship closeness (not recorded: weighed on the rest)
    """
    weights = criteria.selection.weights
    components = []
    for name in CRITERIA:
        value = getattr(brief, name)
        weight = float(getattr(weights, name))
        if weight == 0:
            continue
        components.append(
            SelectionComponent(
                name=name, weight=weight, value=value, score=_score(name, value, marks)
            )
        )
    known = [c for c in components if c.score is not None]
    total = sum(c.weight for c in known)
    score = round(sum(c.weight * (c.score or 0) for c in known) / total, 1) if total else None
    computed = _tier(score, criteria)
    recorded = brief.tier_recorded
    tier = recorded or computed
    return Selected(
        score=score,
        components=components,
        tier=tier,
        tier_computed=computed,
        tier_recorded=recorded,
        key=tier in criteria.selection.key_tiers,
        reason=_reason(score, computed, recorded, components, criteria),
    )


def _score(name: str, value: float | None, marks: dict[str, float | None]) -> float | None:
    if value is None:
        return None
    if name in AMOUNTS:
        full = marks[name]
        share = 0.0 if full is None else max(0.0, min(1.0, value / full))
    else:
        share = value / RATING_TOP
    return round(100 * share, 1)


def _tier(score: float | None, criteria: Criteria) -> str | None:
    if score is None:
        return None
    return next((t for t, low in criteria.selection.tiers.items() if score >= low), None)


def _label(name: str) -> str:
    return name.replace("_", " ")


def _reason(
    score: float | None,
    computed: str | None,
    recorded: str | None,
    components: list[SelectionComponent],
    criteria: Criteria,
) -> str:
    """Why the account is in its tier, in one sentence: the decision, the score, the parts."""
    parts = []
    if recorded:
        said = f"the criteria say {computed}" if computed else "the criteria give no tier"
        parts.append(f"recorded as {recorded}, a decision ({said})")
    if score is None:
        parts.append("no selection fact recorded, so no score")
        return "; ".join(parts)
    tiers = criteria.selection.tiers
    if computed:
        reach = f"{score:g} of 100 reaches {computed} ({tiers[computed]:g}+)"
    else:
        lowest = list(tiers)[-1]
        reach = f"{score:g} of 100 is below {lowest} ({tiers[lowest]:g}+)"
    known = sorted(
        (c for c in components if c.score is not None),
        key=lambda c: (-c.weight * (c.score or 0), c.name),
    )
    reach += ": " + ", ".join(f"{_label(c.name)} {c.score:g}" for c in known)
    missing = [_label(c.name) for c in components if c.score is None]
    if missing:
        reach += f"; without {', '.join(missing)} (not recorded: weighed on the rest)"
    parts.append(reach)
    return "; ".join(parts)
