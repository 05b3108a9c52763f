"""The KAM portfolio matrix: relative strength and the quadrants at their cuts."""

from __future__ import annotations

import pytest

from graph.portfolio.criteria import parse
from graph.portfolio.matrix import POSTURES, quadrant, relative_strength
from graph.portfolio.result import AccountBrief


def test_relative_strength_is_the_weighted_mean_of_health_coverage_and_threads() -> None:
    b = AccountBrief(
        account_id="a", name="A", health_score=70, power_coverage=100, threads_to_power=25
    )
    assert relative_strength(b) == 65.0  # (70 + 100 + 25) / 3
    weighted = parse("[matrix.strength_weights]\nhealth = 2\npower_coverage = 0\n")
    assert relative_strength(b, weighted) == 55.0  # (2·70 + 1·25) / 3


@pytest.mark.parametrize(
    ("score", "strength", "expected"),
    [
        (50, 50, "strategic"),  # the cut itself is high
        (50, 49.9, "star"),
        (49.9, 50, "status"),
        (49.9, 49.9, "streamline"),
        (None, 100, None),
    ],
)
def test_quadrants(score: float | None, strength: float, expected: str | None) -> None:
    assert quadrant(score, strength) == expected


def test_the_cuts_come_from_the_criteria() -> None:
    criteria = parse("[matrix]\nattractiveness_cut = 80\nstrength_cut = 20\n")
    assert quadrant(79, 20, criteria) == "status"
    assert quadrant(80, 19, criteria) == "star"


def test_every_quadrant_has_a_posture() -> None:
    assert set(POSTURES) == {"strategic", "star", "status", "streamline"}
