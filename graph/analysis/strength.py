"""Relationship strength 0–5 for every (team member, stakeholder) pair, and which fade.

A KAM weighs every other analysis by how well we really know someone. A manual rating
wins where one is recorded (with its age, so a stale rating shows); otherwise the
strength is computed from the interaction log:

    strength = 5 · (1 − exp(−Σ / k)),   Σ = Σ channel weight · 0.5 ^ (age days / half-life)

so recent contact counts more than old (recency decay), a meeting more than a call
more than an email (channel weight), and the 20th email adds less than the 2nd
(saturation). Every attendee pair of an interaction gets its full weight.

The analysis sees the account as known on ``as_of``: interactions, contacts and
ratings dated later are ignored, so re-running a past date gives the same numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.result import Strength
from graph.network import MEMBER, STAKEHOLDER


def relationship_strengths(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> list[Strength]:
    """The strength of every relationship on ``as_of``, sorted by (member, stakeholder).

    Pairs come from KNOWS edges and from the interaction log (so people who only meet,
    with no KNOWS edge recorded, still get a computed strength). A relationship is
    fading when it has a strength above 0 and no contact (the later of the edge's
    ``last_contact`` and the last interaction) within ``config.fading_after_days``.

    >>> from graph.model import Account, Interaction, Knows, Stakeholder, TeamMember
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id="cfo", account_id="acme", name="Cy")],
    ...     team_members=[TeamMember(id="kam", name="Kim")],
    ...     interactions=[Interaction(id="i1", account_id="acme", date="2026-03-01",
    ...                               channel="meeting", member_ids=["kam"],
    ...                               stakeholder_ids=["cfo"])],
    ... ))
    >>> s = relationship_strengths(G, as_of=dt.date(2026, 3, 1))[0]
    >>> s.strength, s.source, s.fading
    (1.97, 'computed', False)
    """
    weight: dict[tuple[str, str], float] = defaultdict(float)
    contact: dict[tuple[str, str], dt.date] = {}
    for interaction in G.graph.get("interactions", ()):
        if interaction.date > as_of:
            continue
        age = (as_of - interaction.date).days
        w = config.channel_weights.of(interaction.channel) * 0.5 ** (age / config.half_life_days)
        for m in interaction.member_ids:
            for s in interaction.stakeholder_ids:
                if _kind(G, m) != MEMBER or _kind(G, s) != STAKEHOLDER:
                    continue
                weight[m, s] += w
                contact[m, s] = max(contact.get((m, s), interaction.date), interaction.date)

    knows = {(m, s): attrs for m, s, key, attrs in G.edges(keys=True, data=True) if key == "knows"}
    results = []
    for pair in sorted(knows.keys() | weight.keys()):
        attrs = knows.get(pair, {})
        last = max(
            (d for d in (_date(attrs.get("last_contact")), contact.get(pair)) if d and d <= as_of),
            default=None,
        )
        rated_on = _date(attrs.get("rated_on"))
        manual = attrs.get("strength") is not None and (rated_on is None or rated_on <= as_of)
        if manual:
            strength = float(attrs["strength"])
        else:
            strength = round(5 * (1 - math.exp(-weight[pair] / config.saturation)), 2)
        results.append(
            Strength(
                member_id=pair[0],
                stakeholder_id=pair[1],
                strength=strength,
                source="manual" if manual else "computed",
                rating_age_days=(as_of - rated_on).days if manual and rated_on else None,
                last_contact=last,
                fading=strength > 0
                and (last is None or (as_of - last).days > config.fading_after_days),
            )
        )
    return results


def _kind(G: nx.MultiDiGraph, node: str) -> str | None:
    return G.nodes[node].get("kind") if node in G else None


def _date(value: str | dt.date | None) -> dt.date | None:
    """Edge dates are ISO strings (``to_networkx`` dumps models as JSON values)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
