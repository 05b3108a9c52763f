"""Computed influence over the customer's reporting and influence lines, and who hides.

Recorded influence (1–5) is one person's judgement and is often missing; the lines
say more. The computed rank is a weighted PageRank in which rank flows to whoever
holds sway: up every reporting line (to the manager, ``config.reporting_weight``) and,
along an influence line, from the influenced person to the influencer (by its weight
1–5) — someone is influential when influential people listen to them. Ranks are
normalised per account with min–max to 0–1 (1 = the most influential person there,
0 = the least; an account without lines ranks everyone 0). People who left the
company take no part and score 0.

A KAM looks for "hidden influencers": people who rank high but have no DMU role and
no recorded influence — the assistant who shapes the CFO's view, the architect the
CTO listens to. They are easy to miss and expensive to ignore.

PageRank is computed here in plain Python (networkx's needs scipy, and an account
has tens of people, not millions).
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.result import HiddenInfluencer, InfluenceScore
from graph.network import STAKEHOLDER

DAMPING = 0.85
_TOLERANCE = 1e-10
_MAX_ITERATIONS = 500


def influence_scores(
    G: nx.MultiDiGraph, *, config: AnalysisConfig = DEFAULT_CONFIG
) -> list[InfluenceScore]:
    """Recorded influence next to the computed rank (0–1) for every stakeholder, by id.

    >>> from graph.model import Account, ReportsTo, Stakeholder
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id=i, account_id="acme", name=i) for i in "abc"],
    ...     reports_to=[ReportsTo(stakeholder_id="a", manager_id="c"),
    ...                 ReportsTo(stakeholder_id="b", manager_id="c")],
    ... ))
    >>> [(s.stakeholder_id, s.computed) for s in influence_scores(G)]
    [('a', 0.0), ('b', 0.0), ('c', 1.0)]
    """
    people = sorted(
        n for n, a in G.nodes(data=True) if a.get("kind") == STAKEHOLDER and not a["left_company"]
    )
    active = set(people)
    sway: dict[str, dict[str, float]] = {n: defaultdict(float) for n in people}
    for u, v, key, attrs in G.edges(keys=True, data=True):
        if u not in active or v not in active:
            continue
        if key == "reports_to":
            sway[u][v] += config.reporting_weight
        elif key == "influences":
            sway[v][u] += attrs["weight"]
    rank = _pagerank(sway)
    low, high = min(rank.values(), default=0.0), max(rank.values(), default=0.0)
    spread = high - low
    return [
        InfluenceScore(
            stakeholder_id=n,
            recorded=G.nodes[n]["influence"],
            computed=round((rank[n] - low) / spread, 2) if n in rank and spread > 1e-9 else 0.0,
        )
        for n in sorted(n for n, a in G.nodes(data=True) if a.get("kind") == STAKEHOLDER)
    ]


def hidden_influencers(
    G: nx.MultiDiGraph,
    *,
    config: AnalysisConfig = DEFAULT_CONFIG,
    scores: list[InfluenceScore] | None = None,
) -> list[HiddenInfluencer]:
    """Stakeholders ranking at least ``config.hidden_rank`` with no DMU role and no
    recorded influence, highest first (``scores`` reuses ranks already computed).

    >>> from graph.model import Account, Influences, Stakeholder
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cy",
    ...                               dmu_roles="decision_maker"),
    ...                   Stakeholder(id="aide", account_id="acme", name="Al")],
    ...     influences=[Influences(source_id="aide", target_id="ceo", weight=5)],
    ... ))
    >>> [h.stakeholder_id for h in hidden_influencers(G)]
    ['aide']
    """
    scores = influence_scores(G, config=config) if scores is None else scores
    hidden = [
        HiddenInfluencer(
            stakeholder_id=s.stakeholder_id,
            computed_rank=s.computed,
            reason=(
                f"ranks {s.computed:.2f} on influence over the reporting and influence lines "
                "but has no DMU role and no recorded influence"
            ),
        )
        for s in scores
        if s.computed >= config.hidden_rank
        and s.recorded is None
        and not G.nodes[s.stakeholder_id]["dmu_roles"]
        and not G.nodes[s.stakeholder_id]["left_company"]
    ]
    return sorted(hidden, key=lambda h: (-h.computed_rank, h.stakeholder_id))


def _pagerank(sway: dict[str, dict[str, float]]) -> dict[str, float]:
    """Weighted PageRank by power iteration; rank of dangling people spreads evenly.

    It stops when a step moves the ranks by less than ``_TOLERANCE`` per person (L1):
    ranks are shown to two decimals after min–max scaling, and at 1e-10 they read the
    same as at 1e-12 (tests/analysis/test_influence.py compares on random accounts)
    in about two thirds of the steps.
    """
    nodes = list(sway)
    if not nodes:
        return {}
    n = len(nodes)
    index = {u: i for i, u in enumerate(nodes)}
    totals = [sum(sway[u].values()) for u in nodes]
    # Each line's share of its holder's rank, damped, worked out once for every step.
    arcs = [
        (index[u], index[v], DAMPING * w / totals[index[u]])
        for u, out in sway.items()
        for v, w in out.items()
    ]
    dangling = [i for i in range(n) if not totals[i]]
    rank = [1.0 / n] * n
    for _ in range(_MAX_ITERATIONS):
        base = (1 - DAMPING) / n + DAMPING * sum(rank[i] for i in dangling) / n
        new = [base] * n
        for u, v, share in arcs:
            new[v] += rank[u] * share
        change = sum(abs(a - b) for a, b in zip(new, rank, strict=True))
        rank = new
        if change < _TOLERANCE * n:
            break
    return dict(zip(nodes, rank, strict=True))
