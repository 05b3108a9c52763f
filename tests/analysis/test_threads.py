"""Single-threaded accounts and threads to power, on hand-built shapes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph.analysis.config import AnalysisConfig
from graph.analysis.result import Person
from graph.analysis.threads import single_thread, threads_to_power

AS_OF = dt.date(2026, 11, 25)
DM = {"dmu_roles": "decision_maker"}
EB = {"dmu_roles": "economic_buyer"}
TEAM = {"kam": {}, "se": {}, "exec": {}}

SHAPES: dict[str, tuple[dict[str, Any], bool, Person | None, dict[str, int]]] = {
    # shape: (graph spec, single-threaded, carrier, threads per power target)
    "star around one of ours": (
        {
            "people": {"ceo": DM, "cfo": EB, "cto": {}},
            "knows": {("kam", "ceo"): 4, ("kam", "cfo"): 4, ("kam", "cto"): 5},
        },
        True,
        Person(id="kam", side="ours"),
        {"ceo": 1, "cfo": 1},
    ),
    "star around one of theirs": (
        {
            "people": {"ceo": DM, "champ": {}},
            "knows": {("kam", "champ"): 4, ("se", "champ"): 5, ("exec", "champ"): 3},
            "reports": [("champ", "ceo")],
        },
        True,
        Person(id="champ", side="customer"),
        {"ceo": 1},
    ),
    "one strong edge: our side carries it": (
        {"people": {"ceo": DM}, "knows": {("kam", "ceo"): 3}},
        True,
        Person(id="kam", side="ours"),
        {"ceo": 1},
    ),
    "no strong relationship is not single-threaded": (
        {"people": {"ceo": DM}, "knows": {("kam", "ceo"): 2}},
        False,
        None,
        {"ceo": 0},
    ),
    "two disjoint threads": (
        {
            "people": {"ceo": DM, "cto": {}},
            "knows": {("kam", "ceo"): 4, ("se", "cto"): 4},
            "reports": [("cto", "ceo")],
        },
        False,
        None,
        {"ceo": 2},
    ),
    "a chain through one contact": (
        {
            "people": {"ceo": DM, "vp": {}, "dir": {}},
            "knows": {("kam", "dir"): 4, ("se", "dir"): 4},
            "reports": [("dir", "vp"), ("vp", "ceo")],
        },
        True,
        Person(id="dir", side="customer"),
        {"ceo": 1},
    ),
    "influence lines carry threads both ways": (
        {
            "people": {"ceo": DM, "adviser": {}, "aide": {}},
            "knows": {("kam", "adviser"): 4, ("se", "aide"): 4},
            "influences": [("adviser", "ceo", 2), ("ceo", "aide", 2)],
        },
        False,
        None,
        {"ceo": 2},
    ),
    "conflict lines carry nothing": (
        {
            "people": {"ceo": DM, "rival": {}},
            "knows": {("kam", "rival"): 5},
            "conflicts": [("rival", "ceo")],
        },
        True,
        Person(id="kam", side="ours"),
        {"ceo": 0},
    ),
    "three of ours know the target": (
        {"people": {"ceo": DM}, "knows": {("kam", "ceo"): 4, ("se", "ceo"): 4, ("exec", "ceo"): 5}},
        True,
        Person(id="ceo", side="customer"),
        {"ceo": 3},
    ),
    "people who left are gone": (
        {
            "people": {"ceo": DM, "ex": {"left_company": True}},
            "knows": {("kam", "ex"): 5, ("se", "ceo"): 1},
            "reports": [("ex", "ceo")],
        },
        False,
        None,
        {"ceo": 0},
    ),
    "two power targets, one reached through the other": (
        {
            "people": {"ceo": DM, "cfo": EB},
            "knows": {("kam", "cfo"): 4, ("se", "cfo"): 4},
            "reports": [("cfo", "ceo")],
        },
        True,
        Person(id="cfo", side="customer"),
        {"ceo": 1, "cfo": 2},
    ),
    "no stakeholders": ({}, False, None, {}),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_single_thread_and_threads_to_power(account, shape: str) -> None:
    spec, single, carrier, threads = SHAPES[shape]
    G = account(members=TEAM, **spec)
    assert single_thread(G, as_of=AS_OF) == (single, carrier)
    found = threads_to_power(G, as_of=AS_OF)
    assert {t.stakeholder_id: t.threads for t in found} == threads


def test_the_strong_threshold_decides_what_counts(account) -> None:
    G = account(
        {"ceo": DM, "cto": {}},
        TEAM,
        knows={("kam", "ceo"): 4, ("se", "cto"): 2},
        reports=[("cto", "ceo")],
    )
    assert threads_to_power(G, as_of=AS_OF)[0].threads == 1
    lenient = AnalysisConfig(strong_threshold=2)
    assert threads_to_power(G, as_of=AS_OF, config=lenient)[0].threads == 2
    assert single_thread(G, as_of=AS_OF, config=lenient) == (False, None)


@pytest.mark.parametrize(
    ("shape", "direct"),
    [
        ("two power targets, one reached through the other", {"ceo": 0, "cfo": 2}),
        ("three of ours know the target", {"ceo": 3}),
        ("a chain through one contact", {"ceo": 0}),
    ],
)
def test_direct_threads_are_our_own_strong_relationships(
    account, shape: str, direct: dict[str, int]
) -> None:
    G = account(members=TEAM, **SHAPES[shape][0])
    assert {t.stakeholder_id: t.direct for t in threads_to_power(G, as_of=AS_OF)} == direct
