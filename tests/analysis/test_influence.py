"""Computed influence (PageRank over the customer's lines) and hidden influencers."""

from __future__ import annotations

import pytest

from graph.analysis import influence
from graph.analysis.config import AnalysisConfig
from graph.analysis.influence import hidden_influencers, influence_scores


def ranks(G) -> dict[str, float]:
    return {s.stakeholder_id: s.computed for s in influence_scores(G)}


def test_no_stakeholders_no_scores(account) -> None:
    assert influence_scores(account()) == []
    assert hidden_influencers(account()) == []


def test_without_lines_nobody_stands_out(account) -> None:
    assert ranks(account({"a": {}, "b": {}, "c": {}})) == {"a": 0.0, "b": 0.0, "c": 0.0}


def test_rank_flows_up_a_reporting_chain(account) -> None:
    r = ranks(account({"a": {}, "b": {}, "c": {}}, reports=[("a", "b"), ("b", "c")]))
    assert r["c"] == 1.0 and r["a"] == 0.0
    assert 0 < r["b"] < 1


def test_a_cycle_of_influence_lines_converges_and_is_symmetric(account) -> None:
    cycle = [("x", "y", 3), ("y", "z", 3), ("z", "x", 3)]
    assert ranks(account({"x": {}, "y": {}, "z": {}}, influences=cycle)) == {
        "x": 0.0,
        "y": 0.0,
        "z": 0.0,
    }
    # w reports to x: x gains; rank flows from the influenced to the influencer, x → z → y
    r = ranks(account({"w": {}, "x": {}, "y": {}, "z": {}}, influences=cycle, reports=[("w", "x")]))
    assert sorted(r, key=r.get, reverse=True) == ["x", "z", "y", "w"]
    assert (r["x"], r["w"]) == (1.0, 0.0)


def test_influence_weights_split_the_flow(account) -> None:
    # the CEO listens to a (weight 5) more than to b (weight 1)
    r = ranks(account({"a": {}, "b": {}, "ceo": {}}, influences=[("a", "ceo", 5), ("b", "ceo", 1)]))
    assert r["a"] == 1.0 and r["a"] > r["b"] > r["ceo"]


def test_people_who_left_take_no_part(account) -> None:
    G = account(
        {"a": {}, "b": {}, "boss": {"left_company": True}},
        reports=[("a", "boss"), ("b", "boss")],
    )
    assert ranks(G) == {"a": 0.0, "b": 0.0, "boss": 0.0}
    recorded = {
        s.stakeholder_id: s.recorded
        for s in influence_scores(account({"a": {"influence": 4}, "b": {}}))
    }
    assert recorded == {"a": 4, "b": None}


PEOPLE = {
    "ceo": {"dmu_roles": "decision_maker"},
    "aide": {},
    "adviser": {"influence": 2},
    "architect": {"dmu_roles": "evaluator"},
    "gone": {"left_company": True},
    "clerk": {},
}


@pytest.mark.parametrize(
    ("threshold", "hidden"),
    [(0.5, ["aide"]), (0.3, ["aide"]), (0.0, ["aide", "clerk"]), (1.0, ["aide"])],
)
def test_hidden_influencers_rank_high_with_no_role_and_no_rating(
    account, threshold: float, hidden: list[str]
) -> None:
    # the CEO listens to the aide most (rank 1.0, above the CEO's 0.97), to the adviser
    # and the architect less (0.4 each, but they have a rating or a role); the clerk
    # sways nobody (0.0); the one who left is gone
    G = account(
        PEOPLE,
        influences=[
            ("aide", "ceo", 5),
            ("adviser", "ceo", 2),
            ("architect", "ceo", 2),
            ("gone", "ceo", 5),
        ],
        reports=[("clerk", "ceo")],
    )
    config = AnalysisConfig(hidden_rank=threshold)
    found = hidden_influencers(G, config=config)
    assert [h.stakeholder_id for h in found] == hidden
    assert found[0].computed_rank == 1.0
    assert "no DMU role and no recorded influence" in found[0].reason


@pytest.mark.parametrize("seed", range(200))
def test_ranks_read_as_when_iterated_to_the_end(random_account, monkeypatch, seed: int) -> None:
    """The stopping tolerance changes no rank as shown (two decimals): the same as 500
    steps, which take any account's ranks to the limit of floating point."""
    G = random_account(seed)
    shown = influence_scores(G)
    monkeypatch.setattr(influence, "_TOLERANCE", 0.0)
    assert influence_scores(G) == shown
