"""Path to power: the strongest chain of introductions from our team to an uncovered target.

When no one of ours knows a decision maker or economic buyer well, the KAM's question
is "who can introduce us?". The answer is the cheapest path from any team member to
the target where a hop along one of our relationships costs 1/strength (a 5/5 friend
is a cheap ask, a 1/5 acquaintance a costly one) and a hop along the customer's own
reporting or influence lines (either direction) costs ``config.introduction_cost``.
Rivals (conflict lines) do not introduce each other; people who left cannot.
"""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.facts import Facts, rating
from graph.analysis.result import PathToPower
from graph.analysis.threads import CUSTOMER_LINES, OUR_TEAM


def paths_to_power(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> list[PathToPower]:
    """For every power target without a strong relationship, the cheapest introduction
    chain (ids, ours first; empty when none exists), by target id.

    >>> from graph.model import Account, Knows, ReportsTo, Stakeholder, TeamMember
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id="coo", account_id="acme", name="Otto",
    ...                               dmu_roles="decision_maker"),
    ...                   Stakeholder(id="dir", account_id="acme", name="Dana")],
    ...     team_members=[TeamMember(id="maria", name="Maria")],
    ...     knows=[Knows(member_id="maria", stakeholder_id="dir", strength=4)],
    ...     reports_to=[ReportsTo(stakeholder_id="dir", manager_id="coo")],
    ... ))
    >>> p = paths_to_power(G, as_of=dt.date(2026, 11, 25))[0]
    >>> p.path, p.reason
    (['maria', 'dir', 'coo'], 'Maria knows Dana well (4/5); Dana reports to Otto')
    """
    return paths_from(Facts.build(G, as_of=as_of, config=config))


def paths_from(facts: Facts) -> list[PathToPower]:
    """:func:`paths_to_power` on groundwork already computed."""
    targets = [t for t in facts.power if not facts.is_strong(t)]
    if not targets:
        return []
    _, paths = nx.single_source_dijkstra(_introductions(facts), OUR_TEAM, weight="cost")
    results = []
    for target in targets:
        path = paths.get(target, [OUR_TEAM])[1:]
        reason = (
            _describe(facts, path)
            if path
            else f"nobody on our team is connected to {facts.label(target)}, "
            "directly or through the people they work with"
        )
        results.append(PathToPower(target_id=target, path=path, reason=reason))
    return results


def _introductions(facts: Facts) -> nx.DiGraph:
    """Who can ask whom: our team → members → their contacts ↔ the customer's lines."""
    P = nx.DiGraph()
    P.add_node(OUR_TEAM)  # present even before anyone on our side is assigned
    P.add_edges_from(((OUR_TEAM, m) for m in facts.members), cost=0.0)
    active = set(facts.stakeholders)
    for (m, s), strength in facts.strength.items():
        if strength > 0 and s in active:
            P.add_edge(m, s, cost=1 / strength)
    for u, v, key in facts.G.edges(keys=True):
        if key in CUSTOMER_LINES and u in active and v in active:
            P.add_edge(u, v, cost=facts.config.introduction_cost)
            P.add_edge(v, u, cost=facts.config.introduction_cost)
    return P


def _describe(facts: Facts, path: list[str]) -> str:
    """A chain in words: "Maria knows Dana well (4/5); Dana reports to Otto"."""
    member, first = path[0], path[1]
    strength = facts.strength[member, first]
    how = "well" if strength >= facts.config.strong_threshold else "a little"
    steps = [f"{facts.name(member)} knows {facts.name(first)} {how} ({rating(strength)})"]
    steps += [_line(facts, u, v) for u, v in pairwise(path[1:])]
    return "; ".join(steps)


def _line(facts: Facts, u: str, v: str) -> str:
    """The customer's line between ``u`` and ``v``, said from ``u``."""
    G, a, b = facts.G, facts.name(u), facts.name(v)
    if G.has_edge(u, v, "reports_to"):
        return f"{a} reports to {b}"
    if G.has_edge(v, u, "reports_to"):
        return f"{a} manages {b}"
    if G.has_edge(u, v, "influences"):
        return f"{a} influences {b}"
    return f"{a} is influenced by {b}"
