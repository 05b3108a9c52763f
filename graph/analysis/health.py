"""The account's health score 0–100, from named, weighted components shown with it.

One number for the account review, but never without its parts, so leadership sees
*why* an account scores 40. Components (0–100 each; weights in
:class:`~graph.analysis.config.HealthWeights`):

- power coverage: share of decision makers and economic buyers we know strongly
  (none identified scores 0: we do not know who decides);
- threads to power: per power target min(threads, 2) / 2, averaged (2+ = resilient);
- breadth: multi-threading — strong relationships with ``breadth_stakeholders`` of
  their people held by ``breadth_members`` of ours score 100, fewer score in proportion
  (the product of the two shares);
- freshness: share of our relationships (strength above 0) with contact within
  ``fading_after_days``;
- ownership: share of checks passed — exactly one quarterback, and each important
  stakeholder owned by someone of ours who knows them strongly.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.facts import Facts
from graph.analysis.result import HealthComponent, ThreadsToPower
from graph.analysis.threads import threads_from
from graph.model import TeamRole


def health(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> tuple[int, list[HealthComponent]]:
    """The health score and its components.

    >>> from graph.model import Account
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(accounts=[Account(id="acme", name="Acme")]))
    >>> score, parts = health(G, as_of=dt.date(2026, 11, 25))
    >>> score, [(p.name, p.score) for p in parts]  # doctest: +NORMALIZE_WHITESPACE
    (0, [('power coverage', 0.0), ('threads to power', 0.0), ('breadth', 0.0),
         ('freshness', 0.0), ('ownership', 0.0)])
    """
    facts = Facts.build(G, as_of=as_of, config=config)
    return health_from(facts, threads_from(facts))


def health_from(facts: Facts, threads: list[ThreadsToPower]) -> tuple[int, list[HealthComponent]]:
    """:func:`health` on groundwork and threads already computed."""
    weights = facts.config.health_weights
    components = [
        _power_coverage(facts, weights.power_coverage),
        _threads(threads, weights.threads_to_power),
        _breadth(facts, weights.breadth),
        _freshness(facts, weights.freshness),
        _ownership(facts, weights.ownership),
    ]
    total = sum(c.weight for c in components)
    score = round(sum(c.weight * c.score for c in components) / total)
    return max(0, min(100, score)), components


def _power_coverage(facts: Facts, weight: float) -> HealthComponent:
    covered = sum(facts.is_strong(s) for s in facts.power)
    if not facts.power:
        return _part("power coverage", weight, 0, "no decision maker or economic buyer identified")
    return _part(
        "power coverage",
        weight,
        100 * covered / len(facts.power),
        f"{covered} of {len(facts.power)} decision makers and economic buyers "
        "have a strong relationship with us",
    )


def _threads(threads: list[ThreadsToPower], weight: float) -> HealthComponent:
    if not threads:
        return _part("threads to power", weight, 0, "no power target to reach")
    resilient = sum(t.threads >= 2 for t in threads)
    fragile = sum(t.threads == 1 for t in threads)
    score = 100 * sum(min(t.threads, 2) / 2 for t in threads) / len(threads)
    return _part(
        "threads to power",
        weight,
        score,
        f"of {len(threads)} power targets {resilient} have 2+ threads, {fragile} one, "
        f"{len(threads) - resilient - fragile} none",
    )


def _breadth(facts: Facts, weight: float) -> HealthComponent:
    config = facts.config
    theirs = len({s for _, s in facts.strong})
    ours = len({m for m, _ in facts.strong})
    score = (
        100
        * min(1.0, theirs / config.breadth_stakeholders)
        * min(1.0, ours / config.breadth_members)
    )
    return _part(
        "breadth",
        weight,
        score,
        f"strong relationships with {theirs} of their people held by {ours} of ours "
        f"(aim: {config.breadth_stakeholders}+ and {config.breadth_members}+)",
    )


def _freshness(facts: Facts, weight: float) -> HealthComponent:
    active = set(facts.stakeholders)
    live = [s for s in facts.strengths if s.strength > 0 and s.stakeholder_id in active]
    if not live:
        return _part("freshness", weight, 0, "no relationships recorded")
    fresh = sum(not s.fading for s in live)
    return _part(
        "freshness",
        weight,
        100 * fresh / len(live),
        f"{fresh} of {len(live)} relationships had contact in the last "
        f"{facts.config.fading_after_days} days",
    )


def _ownership(facts: Facts, weight: float) -> HealthComponent:
    quarterbacks = len(facts.with_role(TeamRole.quarterback))
    owned_well = sum(
        (owner := facts.owner(s)) is not None
        and facts.strength.get((owner, s), 0) >= facts.config.strong_threshold
        for s in facts.important
    )
    passed = (quarterbacks == 1) + owned_well
    checks = 1 + len(facts.important)
    return _part(
        "ownership",
        weight,
        100 * passed / checks,
        f"{'one' if quarterbacks == 1 else quarterbacks} quarterback"
        f"{'' if quarterbacks == 1 else 's'}; {owned_well} of {len(facts.important)} "
        "important stakeholders owned by someone who knows them strongly",
    )


def _part(name: str, weight: float, score: float, explanation: str) -> HealthComponent:
    return HealthComponent(name=name, weight=weight, score=round(score, 1), explanation=explanation)
