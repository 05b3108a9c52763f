"""Key-person risks: the people whose loss would cut us off from power.

"Plan for losing a key account: know what is at risk if one relationship goes." A
person — ours or theirs — is a key-person risk when every thread from our team to a
decision maker or economic buyer runs through them (a cut vertex between our team and
that target in the thread graph of :mod:`graph.analysis.threads`), or when they carry
every strong relationship with the account (single-threaded). A target with two or
more disjoint threads has no such person, by Menger's theorem.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.facts import Facts
from graph.analysis.result import KeyPersonRisk
from graph.analysis.threads import single_thread_from


def key_person_risks(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> list[KeyPersonRisk]:
    """Who would take a power target to zero threads, or carries the account alone.

    The single-thread carrier comes first, then people by how many targets they cut
    off (most first), ours before theirs, then by id.

    >>> from graph.model import Account, Knows, ReportsTo, Stakeholder, TeamMember
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cy",
    ...                               dmu_roles="decision_maker"),
    ...                   Stakeholder(id="cto", account_id="acme", name="Ty")],
    ...     team_members=[TeamMember(id="kam", name="Kim"), TeamMember(id="se", name="Sam")],
    ...     knows=[Knows(member_id="kam", stakeholder_id="cto", strength=4),
    ...            Knows(member_id="se", stakeholder_id="cto", strength=5)],
    ...     reports_to=[ReportsTo(stakeholder_id="cto", manager_id="ceo")],
    ... ))
    >>> [(r.id, r.side) for r in key_person_risks(G, as_of=dt.date(2026, 11, 25))]
    [('cto', 'customer')]
    """
    return key_person_risks_from(Facts.build(G, as_of=as_of, config=config))


def key_person_risks_from(facts: Facts) -> list[KeyPersonRisk]:
    """:func:`key_person_risks` on groundwork already computed."""
    cuts: dict[str, list[str]] = defaultdict(list)
    for target, people in cut_vertices_from(facts).items():
        for person in people:
            cuts[person].append(target)
    single, carrier = single_thread_from(facts)
    carrier_id = carrier.id if single and carrier else None

    def order(person: str) -> tuple[bool, int, bool, str]:
        return (person != carrier_id, -len(cuts[person]), facts.side(person) != "ours", person)

    risks = []
    for person in sorted({*cuts, *([carrier_id] if carrier_id else [])}, key=order):
        label, reasons = facts.label(person), []
        if person == carrier_id:
            reasons.append(f"{label} carries every strong relationship with the account")
        if cuts[person]:
            targets = ", ".join(facts.label(t) for t in cuts[person])
            reasons.append(f"losing {label} leaves no thread to {targets}")
        risks.append(KeyPersonRisk(id=person, side=facts.side(person), reason="; ".join(reasons)))
    return risks


def cut_vertices_from(facts: Facts) -> dict[str, list[str]]:
    """Power target → the people on every thread to them (nearest us first), by target."""
    threads = facts.thread_map
    return {t: cut for t in facts.power if (cut := threads.cut_vertices(t))}
