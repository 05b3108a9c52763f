"""Relationship analyses of one account: pure functions of its graph and a date.

``G = graph.network.to_networkx(store.account_graph(id))`` is the input of every
analysis; :func:`analyze` runs them all and returns one
:class:`~graph.analysis.result.AccountAnalysis`. One concept per module:

- :mod:`~graph.analysis.strength` — relationship strength 0–5 and fading
- :mod:`~graph.analysis.influence` — computed influence rank, hidden influencers
- :mod:`~graph.analysis.threads` — single-threaded, threads to power
- :mod:`~graph.analysis.risks` — key-person risks
- :mod:`~graph.analysis.coverage` — coverage gaps
- :mod:`~graph.analysis.paths` — paths to power (introduction chains)
- :mod:`~graph.analysis.ownership` — quarterback checks
- :mod:`~graph.analysis.health` — health score and components
- :mod:`~graph.analysis.moves` — next moves

The knobs live in :class:`AnalysisConfig`; :class:`~graph.analysis.facts.Facts` is the
groundwork (strengths, influence, who matters) computed once per analysis.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.coverage import coverage_gaps_from
from graph.analysis.facts import Facts
from graph.analysis.health import health_from
from graph.analysis.influence import hidden_influencers
from graph.analysis.moves import next_moves_from
from graph.analysis.ownership import ownership_from
from graph.analysis.paths import paths_from
from graph.analysis.result import AccountAnalysis
from graph.analysis.risks import key_person_risks_from
from graph.analysis.threads import single_thread_from, threads_from

__all__ = ["AccountAnalysis", "AnalysisConfig", "analyze"]


def analyze(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> AccountAnalysis:
    """Every analysis of one account on ``as_of``: same graph, date and config, same result.

    >>> from graph.model import Account, Knows, Stakeholder, TeamMember
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cy",
    ...                               dmu_roles="decision_maker")],
    ...     team_members=[TeamMember(id="kam", name="Kim")],
    ...     knows=[Knows(member_id="kam", stakeholder_id="ceo", strength=4)],
    ... ))
    >>> result = analyze(G, as_of=dt.date(2026, 11, 25))
    >>> result.single_threaded, result.thread_carrier.id, result.threads_to_power[0].threads
    (True, 'kam', 1)
    """
    facts = Facts.build(G, as_of=as_of, config=config)
    single, carrier = single_thread_from(facts)
    threads = threads_from(facts)
    gaps = coverage_gaps_from(facts)
    paths = paths_from(facts)
    issues = ownership_from(facts)
    hidden = hidden_influencers(G, config=config, scores=facts.influence)
    score, components = health_from(facts, threads)
    return AccountAnalysis(
        account_id=G.graph["account"].id,
        as_of=as_of,
        health_score=score,
        health_components=components,
        single_threaded=single,
        thread_carrier=carrier,
        strengths=facts.strengths,
        threads_to_power=threads,
        coverage_gaps=gaps,
        key_person_risks=key_person_risks_from(facts),
        influence=facts.influence,
        hidden_influencers=hidden,
        paths_to_power=paths,
        ownership_issues=issues,
        next_moves=next_moves_from(
            facts,
            gaps=gaps,
            paths=paths,
            threads=threads,
            carrier=carrier,
            issues=issues,
            hidden=hidden,
        ),
    )
