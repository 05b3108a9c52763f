"""The health score: named, weighted components, worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.analysis.config import AnalysisConfig, HealthWeights
from graph.analysis.health import health

AS_OF = dt.date(2026, 11, 25)
CEO = {"name": "Cy", "dmu_roles": "decision_maker"}
QB = {"name": "Kim", "role": "quarterback"}


@pytest.mark.parametrize(
    ("last_contact", "score", "freshness"),
    [
        # power 100·30, threads 50·25 (one thread), breadth 6.7·15 (1/5 · 1/3),
        # freshness 100·15, ownership 100·15 (one quarterback, CEO owned and known)
        ("2026-11-01", 74, 100.0),  # 73.505
        ("2026-01-01", 59, 0.0),  # a stale relationship: 58.505
    ],
)
def test_components_and_score(account, last_contact: str, score: int, freshness: float) -> None:
    G = account(
        {"ceo": CEO},
        {"kam": QB},
        knows={("kam", "ceo"): {"strength": 4, "last_contact": last_contact}},
        owners={"ceo": "kam"},
    )
    total, parts = health(G, as_of=AS_OF)
    assert {p.name: (p.weight, p.score) for p in parts} == {
        "power coverage": (30, 100.0),
        "threads to power": (25, 50.0),
        "breadth": (15, 6.7),
        "freshness": (15, freshness),
        "ownership": (15, 100.0),
    }
    assert total == score


def test_an_account_with_no_stakeholders_scores_zero_but_for_its_quarterback(account) -> None:
    total, parts = health(account(members={"kam": QB}), as_of=AS_OF)
    assert [p.score for p in parts] == [0, 0, 0, 0, 100]
    assert total == 15
    assert parts[0].explanation == "no decision maker or economic buyer identified"


def test_breadth_and_threads_reward_multi_threading(account) -> None:
    people = {"ceo": CEO, **{f"p{i}": {} for i in range(4)}}
    members = {"kam": QB, "se": {}, "ex": {}}
    knows = {("kam", "ceo"): 4, ("se", "ceo"): 4, **{("ex", f"p{i}"): 5 for i in range(4)}}
    _, parts = health(account(people, members, knows=knows), as_of=AS_OF)
    by_name = {p.name: p for p in parts}
    assert by_name["breadth"].score == 100.0
    assert by_name["threads to power"].score == 100.0
    assert by_name["breadth"].explanation == (
        "strong relationships with 5 of their people held by 3 of ours (aim: 5+ and 3+)"
    )


def test_weights_are_knobs(account) -> None:
    G = account({"ceo": CEO}, {"kam": QB}, knows={("kam", "ceo"): 4})
    only_power = AnalysisConfig(
        health_weights=HealthWeights(threads_to_power=0, breadth=0, freshness=0, ownership=0)
    )
    assert health(G, as_of=AS_OF, config=only_power)[0] == 100
    with pytest.raises(ValueError, match="at least one health weight"):
        HealthWeights(power_coverage=0, threads_to_power=0, breadth=0, freshness=0, ownership=0)
