"""Single-threaded accounts and threads to power, on hand-built shapes."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import networkx as nx
import pytest
from networkx.algorithms.connectivity import local_node_connectivity

from graph.analysis.config import AnalysisConfig
from graph.analysis.facts import Facts
from graph.analysis.result import Person
from graph.analysis.risks import cut_vertices_from
from graph.analysis.threads import (
    OUR_TEAM,
    ThreadMap,
    single_thread,
    thread_graph,
    threads_from,
    threads_to_power,
)

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


def exact(facts: Facts) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Threads and cut vertices per power target as networkx computes them outright: a
    max-flow per target, and every person on a shortest path whose removal cuts it off."""
    H = thread_graph(facts)
    threads, cuts = {}, {}
    for target in facts.power:
        if not nx.has_path(H, OUR_TEAM, target):
            threads[target] = 0
            continue
        threads[target] = local_node_connectivity(H, OUR_TEAM, target)
        path = nx.shortest_path(H, OUR_TEAM, target)
        cut = [
            v
            for v in path[1:-1]
            if not nx.has_path(nx.restricted_view(H, [v], []), OUR_TEAM, target)
        ]
        if cut:
            cuts[target] = cut
    return threads, cuts


@pytest.mark.parametrize("seed", range(300))
def test_threads_and_cut_vertices_equal_the_exact_computation(random_account, seed: int) -> None:
    facts = Facts.build(random_account(seed), as_of=AS_OF)
    threads, cuts = exact(facts)
    assert {t.stakeholder_id: t.threads for t in threads_from(facts)} == threads
    assert cut_vertices_from(facts) == cuts


@pytest.mark.parametrize("seed", range(100))
def test_counting_threads_equals_networkx_on_random_graphs(seed: int) -> None:
    """Any graph, not only thread graphs: dense blocks, our team touching customers."""
    rng = random.Random(seed)
    H = nx.gnp_random_graph(rng.randint(2, 40), rng.choice((0.05, 0.1, 0.3, 0.6)), seed=seed)
    H = nx.relabel_nodes(H, {0: OUR_TEAM} | {v: f"n{v}" for v in H if v})
    threads = ThreadMap(H)
    for target in (v for v in H if v != OUR_TEAM):
        reached = nx.has_path(H, OUR_TEAM, target)
        expected = local_node_connectivity(H, OUR_TEAM, target) if reached else 0
        assert threads.count(target) == expected, target
