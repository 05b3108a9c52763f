"""Single-threaded accounts and the number of threads from our team to each power target.

A KAM fears one thing above all: that the whole account hangs on one relationship.
Two measures say how exposed we are:

- *single-threaded*: one person — ours or theirs — carries every strong relationship
  with the account (remove them and none is left). With exactly one strong
  relationship both of its ends carry it; we name our side, since that is the person
  we can act on (add a colleague, plan a hand-over). With no strong relationship at
  all the account is *not* single-threaded: that is a worse gap of its own, reported
  by :mod:`graph.analysis.coverage`.
- *threads to power*: for each decision maker and economic buyer, the number of
  internally node-disjoint paths from our team to them (0 none, 1 fragile, 2+
  resilient), through our strong relationships and the customer's reporting and
  influence lines. The customer's lines count in both directions: an introduction or
  a word in someone's ear travels up and down a reporting line alike. Conflict lines
  carry nothing, and people who left the company are gone from the graph.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import networkx as nx
from networkx.algorithms.connectivity import (
    build_auxiliary_node_connectivity,
    local_node_connectivity,
)
from networkx.algorithms.flow import build_residual_network

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.facts import Facts
from graph.analysis.result import Person, ThreadsToPower

#: The super-source joined to every team member; a tuple never clashes with a string id.
OUR_TEAM: Final = ("our team",)
#: The customer's lines a thread may run along.
CUSTOMER_LINES: Final = frozenset({"reports_to", "influences"})


def single_thread(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> tuple[bool, Person | None]:
    """Whether one person carries every strong relationship, and who (None when not).

    >>> from graph.model import Account, Knows, Stakeholder, TeamMember
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id=i, account_id="acme", name=i) for i in ("a", "b")],
    ...     team_members=[TeamMember(id="kam", name="Kim")],
    ...     knows=[Knows(member_id="kam", stakeholder_id=i, strength=4) for i in ("a", "b")],
    ... ))
    >>> single_thread(G, as_of=dt.date(2026, 11, 25))
    (True, Person(id='kam', side='ours'))
    """
    return single_thread_from(Facts.build(G, as_of=as_of, config=config))


def single_thread_from(facts: Facts) -> tuple[bool, Person | None]:
    """:func:`single_thread` on groundwork already computed."""
    if not facts.strong:
        return False, None
    carriers = set(facts.strong[0])
    for pair in facts.strong[1:]:
        carriers &= set(pair)
    if not carriers:
        return False, None
    member, stakeholder = facts.strong[0]
    carrier = member if member in carriers else stakeholder
    return True, Person(id=carrier, side=facts.side(carrier))


def threads_to_power(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> list[ThreadsToPower]:
    """Node-disjoint threads from our team to each active power target, by id.

    >>> from graph.model import Account, Knows, ReportsTo, Stakeholder, TeamMember
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cy",
    ...                               dmu_roles="decision_maker"),
    ...                   Stakeholder(id="cto", account_id="acme", name="Ty")],
    ...     team_members=[TeamMember(id="kam", name="Kim"), TeamMember(id="se", name="Sam")],
    ...     knows=[Knows(member_id="kam", stakeholder_id="ceo", strength=4),
    ...            Knows(member_id="se", stakeholder_id="cto", strength=5)],
    ...     reports_to=[ReportsTo(stakeholder_id="cto", manager_id="ceo")],
    ... ))
    >>> threads_to_power(G, as_of=dt.date(2026, 11, 25))
    [ThreadsToPower(stakeholder_id='ceo', threads=2, direct=1)]
    """
    return threads_from(Facts.build(G, as_of=as_of, config=config))


def threads_from(facts: Facts) -> list[ThreadsToPower]:
    """:func:`threads_to_power` on groundwork already computed."""
    H = thread_graph(facts)
    auxiliary = build_auxiliary_node_connectivity(H)
    residual = build_residual_network(auxiliary, "capacity")
    return [
        ThreadsToPower(
            stakeholder_id=target,
            threads=(
                local_node_connectivity(H, OUR_TEAM, target, auxiliary=auxiliary, residual=residual)
                if nx.has_path(H, OUR_TEAM, target)
                else 0
            ),
            direct=sum(1 for _, s in facts.strong if s == target),
        )
        for target in facts.power
    ]


def thread_graph(facts: Facts) -> nx.Graph:
    """The undirected graph threads run in: OUR_TEAM – members – strong – customer lines."""
    H = nx.Graph()
    H.add_node(OUR_TEAM)
    H.add_nodes_from(facts.stakeholders)
    H.add_edges_from((OUR_TEAM, m) for m in facts.members)
    H.add_edges_from(facts.strong)
    active = set(facts.stakeholders)
    H.add_edges_from(
        (u, v)
        for u, v, key in facts.G.edges(keys=True)
        if key in CUSTOMER_LINES and u in active and v in active
    )
    return H
