"""The KAM portfolio matrix (McDonald & Woodburn's directional policy matrix).

Each account is placed by its attractiveness to us — the selection score — against our
relative strength with it, which the relationship analyses measure: the weighted mean of
its health score, its power coverage and its threads to power (0–100 each; weights in
the criteria's ``[matrix.strength_weights]``). The cuts (default 50) divide the quadrants:

==============  ==============  =========  ===================================================
attractiveness  our strength    quadrant   posture
==============  ==============  =========  ===================================================
high            high            strategic  invest: a partnership, senior sponsorship, joint plans
high            low             star       invest selectively: build threads to power first
low             high            status     maintain: keep the relationship at lower cost to serve
low             low             streamline streamline: serve efficiently, standard offers
==============  ==============  =========  ===================================================
"""

from __future__ import annotations

from typing import Final

from graph.portfolio.criteria import DEFAULT_CRITERIA, Criteria
from graph.portfolio.result import AccountBrief, Quadrant

POSTURES: Final[dict[Quadrant, str]] = {
    "strategic": "invest: a partnership with senior sponsorship, joint plans and the best team",
    "star": "invest selectively: build relationships and threads to power before a rival does",
    "status": "maintain: protect the relationship at a lower cost to serve",
    "streamline": "streamline: serve efficiently with standard offers and fewer resources",
}


def relative_strength(brief: AccountBrief, criteria: Criteria = DEFAULT_CRITERIA) -> float:
    """Our strength with the account, 0–100, from its relationship analyses.

    >>> relative_strength(AccountBrief(account_id="a", name="A", health_score=60,
    ...                                power_coverage=50, threads_to_power=25))
    45.0
    """
    w = criteria.matrix.strength_weights
    parts = (
        (w.health, brief.health_score),
        (w.power_coverage, brief.power_coverage),
        (w.threads_to_power, brief.threads_to_power),
    )
    return round(sum(a * b for a, b in parts) / sum(a for a, _ in parts), 1)


def quadrant(
    score: float | None, strength: float, criteria: Criteria = DEFAULT_CRITERIA
) -> Quadrant | None:
    """The matrix quadrant of an account (None when it has no score to place it by).

    >>> quadrant(70, 45), quadrant(70, 50), quadrant(49.9, 80), quadrant(10, 10), quadrant(None, 0)
    ('star', 'strategic', 'status', 'streamline', None)
    """
    if score is None:
        return None
    attractive = score >= criteria.matrix.attractiveness_cut
    strong = strength >= criteria.matrix.strength_cut
    if attractive:
        return "strategic" if strong else "star"
    return "status" if strong else "streamline"
