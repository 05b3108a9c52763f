"""One account's graph as NetworkX: the input of every analysis and every view.

Nodes are keyed by id. A node's ``kind`` is ``"stakeholder"`` (theirs) or ``"member"``
(ours); its other attributes are the model's fields (enums as their values), plus
``favors`` (competitor ids) on stakeholders and ``roles`` (team roles on this account)
on members. Two optional stakeholder attributes come from the account's history, not the
model: ``joined_on`` (the date the change log first recorded them at the account) and
``manager_changed_on`` (the date their reporting line last changed), ISO strings, absent
when unknown. Edges are keyed by kind, so parallel edges of different kinds coexist:

==============  =====================  =======================================
key             direction              attributes
==============  =====================  =======================================
``knows``       member → stakeholder   strength (manual, or None), rated_on,
                                       last_contact, level, target_level, source
``owns``        member → stakeholder   —
``reports_to``  stakeholder → manager  —
``influences``  source → target        weight (1–5)
``conflicts``   stakeholder → rival    —
==============  =====================  =======================================

``G.graph`` holds ``account`` (:class:`~graph.model.Account`), ``competitors``
(id → name) and ``interactions`` (a list of :class:`~graph.model.Interaction`).

>>> from graph.model import Account, Stakeholder, TeamMember, Knows
>>> G = to_networkx(AccountGraph(
...     accounts=[Account(id="acme", name="Acme")],
...     stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cy")],
...     team_members=[TeamMember(id="kam", name="Kim")],
...     knows=[Knows(member_id="kam", stakeholder_id="ceo", strength=4)],
... ))
>>> G.nodes["ceo"]["kind"], G.edges["kam", "ceo", "knows"]["strength"]
('stakeholder', 4)
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Final

import networkx as nx

from graph.errors import InvalidData
from graph.model import DEFAULT_CURRENCY, AccountGraph

STAKEHOLDER: Final = "stakeholder"
MEMBER: Final = "member"


def to_networkx(
    graph: AccountGraph,
    *,
    joined: Mapping[str, dt.date] | None = None,
    manager_changed: Mapping[str, dt.date] | None = None,
    currency: str = DEFAULT_CURRENCY,
) -> nx.MultiDiGraph:
    """Build the analysis graph of one account (a new graph; the input is not changed).

    ``G.graph["currency"]`` is the currency of the account's amounts: its own, or
    ``currency`` (the installation's default) when it records none.

    ``joined`` and ``manager_changed`` (stakeholder id → date, from the account's history)
    set the ``joined_on`` and ``manager_changed_on`` attributes of the stakeholders named;
    naming anyone else is an error, as it would alert on nobody.

    >>> from graph.model import Account, Stakeholder
    >>> G = to_networkx(
    ...     AccountGraph(accounts=[Account(id="acme", name="Acme")],
    ...                  stakeholders=[Stakeholder(id="cfo", account_id="acme", name="Paul")]),
    ...     joined={"cfo": dt.date(2026, 11, 2)},
    ... )
    >>> G.nodes["cfo"]["joined_on"], G.nodes["cfo"].get("manager_changed_on")
    ('2026-11-02', None)
    """
    G = nx.MultiDiGraph(
        account=graph.account,
        currency=graph.account.currency or currency,
        competitors={c.id: c.name for c in graph.competitors},
        interactions=list(graph.interactions),
    )
    favors: dict[str, list[str]] = defaultdict(list)
    for f in graph.favors:
        favors[f.stakeholder_id].append(f.competitor_id)
    roles: dict[str, list[str]] = defaultdict(list)
    for t in graph.team:
        roles[t.member_id].append(t.role.value)

    for s in graph.stakeholders:
        G.add_node(s.id, kind=STAKEHOLDER, **s.model_dump(mode="json"), favors=favors[s.id])
    clashes = sorted(m.id for m in graph.team_members if m.id in G)
    if clashes:
        raise InvalidData(
            [f"id {i!r} names both a stakeholder and a team member" for i in clashes],
            source=f"account {graph.account.id!r}",
        )
    for m in graph.team_members:
        G.add_node(m.id, kind=MEMBER, **m.model_dump(mode="json"), roles=roles[m.id])

    edges: list[tuple[str, str, str, dict[str, object]]] = [
        (
            k.member_id,
            k.stakeholder_id,
            "knows",
            k.model_dump(mode="json", exclude={"member_id", "stakeholder_id"}),
        )
        for k in graph.knows
    ]
    edges += [(o.member_id, o.stakeholder_id, "owns", {}) for o in graph.owners]
    edges += [
        (r.stakeholder_id, r.manager_id, "reports_to", {})
        for r in graph.reports_to
        if r.manager_id is not None
    ]
    edges += [
        (i.source_id, i.target_id, "influences", {"weight": i.weight}) for i in graph.influences
    ]
    edges += [(c.stakeholder_id, c.other_id, "conflicts", {}) for c in graph.conflicts]
    # networkx would silently invent a bare node for an unknown end; every view needs its kind.
    strays = sorted(
        {f"{key} line {u!r} → {v!r}" for u, v, key, _ in edges if u not in G or v not in G}
    )
    if strays:
        raise InvalidData(
            [f"{stray} names someone who is not on the account" for stray in strays],
            source=f"account {graph.account.id!r}",
        )
    for u, v, key, attrs in edges:
        G.add_edge(u, v, key=key, **attrs)
    _set_dates(G, "joined_on", joined or {}, graph.account.id)
    _set_dates(G, "manager_changed_on", manager_changed or {}, graph.account.id)
    return G


def _set_dates(G: nx.MultiDiGraph, attr: str, dates: Mapping[str, dt.date], account: str) -> None:
    """Set ``attr`` to the ISO date on each stakeholder named in ``dates``."""
    unknown = sorted(i for i in dates if G.nodes.get(i, {}).get("kind") != STAKEHOLDER)
    if unknown:
        raise InvalidData(
            [f"{attr} names {i!r}, who is not a stakeholder of the account" for i in unknown],
            source=f"account {account!r}",
        )
    for i, day in dates.items():
        G.nodes[i][attr] = day.isoformat()
