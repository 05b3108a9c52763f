"""One account's analysis, cut down to what the portfolio needs (:class:`AccountBrief`).

:func:`brief` runs the analyses the portfolio uses — health (with its power-coverage and
threads-to-power components), single-threading and key-person risks — with the same
functions and config as :func:`graph.analysis.analyze`, so the numbers agree with the
account's own analysis; it skips what only the account view shows (coverage gaps, paths,
next moves), which keeps a ten-thousand-account portfolio quick.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.facts import Facts
from graph.analysis.health import health_from
from graph.analysis.result import Person
from graph.analysis.risks import key_person_risks_from
from graph.analysis.threads import single_thread_from, threads_from
from graph.model import DEFAULT_CURRENCY, TeamRole
from graph.portfolio.result import AccountBrief


def brief(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> AccountBrief:
    """What the portfolio needs of the account ``G`` on ``as_of``.

    >>> from graph.model import (Account, Knows, Ownership, Stakeholder, TeamAssignment,
    ...                          TeamMember)
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme", profit=9e4, strategic_fit=4)],
    ...     stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cy",
    ...                               dmu_roles="decision_maker", email="Cy@Acme.example")],
    ...     team_members=[TeamMember(id="kam", name="Kim"), TeamMember(id="se", name="Sam")],
    ...     team=[TeamAssignment(member_id="kam", account_id="acme", role="quarterback")],
    ...     knows=[Knows(member_id="kam", stakeholder_id="ceo", strength=4)],
    ...     owners=[Ownership(member_id="se", stakeholder_id="ceo")],
    ... ))
    >>> b = brief(G, as_of=dt.date(2026, 11, 25))
    >>> b.profit, b.single_threaded, [p.id for p in b.key_people], b.quarterbacks
    (90000.0, True, ['kam'], ['kam'])
    >>> b.members, b.owned, b.important, b.important_owned_by_others, b.emails
    (['kam', 'se'], {'se': 1}, 1, 1, [('cy@acme.example', 'ceo')])
    >>> b.names
    {'ceo': 'Cy', 'kam': 'Kim', 'se': 'Sam'}
    """
    facts = Facts.build(G, as_of=as_of, config=config)
    threads = threads_from(facts)
    single, _ = single_thread_from(facts)
    score, components = health_from(facts, threads)
    part = {c.name: c.score for c in components}
    account = G.graph["account"]
    quarterbacks = facts.with_role(TeamRole.quarterback)
    owners = {s: o for s in facts.stakeholders + facts.departed if (o := facts.owner(s))}
    owned: dict[str, int] = {}
    for member in owners.values():
        owned[member] = owned.get(member, 0) + 1
    on_team = {m for m in facts.members if G.nodes[m]["roles"]}
    nodes = G.nodes
    key_people = [Person(id=r.id, side=r.side) for r in key_person_risks_from(facts)]
    people = facts.stakeholders + facts.departed
    emails = sorted((email.lower(), s) for s in people if (email := nodes[s]["email"]))
    named = {*quarterbacks, *on_team, *owned, *(p.id for p in key_people), *(s for _, s in emails)}
    return AccountBrief(
        account_id=account.id,
        name=account.name,
        tier_recorded=account.tier.value if account.tier else None,
        revenue=account.annual_revenue,
        profit=account.profit,
        currency=G.graph.get("currency", account.currency or DEFAULT_CURRENCY),
        growth_potential=account.growth_potential,
        financial_stability=account.financial_stability,
        strategic_fit=account.strategic_fit,
        relationship_closeness=account.relationship_closeness,
        health_score=score,
        power_coverage=part["power coverage"],
        threads_to_power=part["threads to power"],
        single_threaded=single,
        quarterbacks=quarterbacks,
        members=sorted(on_team | set(owned)),
        owned=dict(sorted(owned.items())),
        strong_holders=sorted({m for m, _ in facts.strong}),
        important=len(facts.important),
        important_owned_by_others=sum(
            1 for s in facts.important if s in owners and owners[s] not in quarterbacks
        ),
        key_people=key_people,
        emails=emails,
        names={p: nodes[p]["name"] for p in sorted(named) if p in nodes},
    )
