"""Coverage gaps: where the account is exposed, worst first, each with a reason.

The "hanging pieces" of the board. A KAM must cover everyone who can say yes or stop
the deal, and know the whole buying centre. Gaps, by kind (severity 5 = worst):

=========================  ========  ==============================================
kind                       severity  when
=========================  ========  ==============================================
no_strong_relationship     5         nobody of ours has a strong relationship there
missing_role               5/3/2     nobody is identified as decision maker or
                                     economic buyer (5), champion (3, role or
                                     stance), technical or user buyer (2)
uncovered_power            5/4       a decision maker / economic buyer with no
                                     relationship (best < 1/5: 5) or a weak one (4)
no_executive_relationship  4         no strong relationship with any C-level person
uncovered_opponent         4         an opponent or blocker with influence and no
                                     strong relationship (if not already important)
left_company               4         someone who left held a power role, or carried
                                     every strong relationship we had
favors_competitor          4/3/2     someone favours a competitor (by importance)
uncovered_influencer       3         high recorded or computed influence, no strong
                                     relationship
=========================  ========  ==============================================

People who left the company are never targets; they only appear as ``left_company``.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.facts import Facts, rating
from graph.analysis.result import CoverageGap
from graph.model import POWER_ROLES, DmuRole, Seniority, Stance

#: Roles every account's buying centre should have someone identified for, by severity.
REQUIRED_ROLES: Final = {
    DmuRole.decision_maker: 5,
    DmuRole.economic_buyer: 5,
    DmuRole.champion: 3,
    DmuRole.technical_buyer: 2,
    DmuRole.user_buyer: 2,
}
#: Ties in severity are listed in this order.
KINDS: Final = (
    "no_strong_relationship",
    "missing_role",
    "uncovered_power",
    "no_executive_relationship",
    "uncovered_opponent",
    "left_company",
    "favors_competitor",
    "uncovered_influencer",
)


def coverage_gaps(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> list[CoverageGap]:
    """Every coverage gap of the account, most severe first.

    >>> from graph.model import Account, Knows, Stakeholder, TeamMember
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cy", title="CEO",
    ...                               seniority="c_level", stance="champion",
    ...                               dmu_roles="decision_maker;technical_buyer;user_buyer")],
    ...     team_members=[TeamMember(id="kam", name="Kim")],
    ...     knows=[Knows(member_id="kam", stakeholder_id="ceo", strength=4)],
    ... ))
    >>> for gap in coverage_gaps(G, as_of=dt.date(2026, 11, 25)):
    ...     print(gap.severity, gap.kind, gap.stakeholder_id, "-", gap.reason)
    5 missing_role None - nobody is identified as the economic buyer at Acme
    """
    return coverage_gaps_from(Facts.build(G, as_of=as_of, config=config))


def coverage_gaps_from(facts: Facts) -> list[CoverageGap]:
    """:func:`coverage_gaps` on groundwork already computed."""
    G, config = facts.G, facts.config
    account = G.graph["account"].name
    gaps: list[CoverageGap] = []

    def gap(
        stakeholder: str | None, kind: str, severity: int, reason: str, role: str | None = None
    ) -> None:
        gaps.append(
            CoverageGap(
                stakeholder_id=stakeholder, kind=kind, severity=severity, reason=reason, role=role
            )
        )

    if not facts.strong:
        gap(
            None,
            "no_strong_relationship",
            5,
            f"nobody on our team has a strong relationship "
            f"({rating(config.strong_threshold)} or more) with anyone at {account}",
        )

    held = {r for s in facts.stakeholders for r in G.nodes[s]["dmu_roles"]}
    if any(G.nodes[s]["stance"] == Stance.champion for s in facts.stakeholders):
        held.add(DmuRole.champion)
    for role, severity in REQUIRED_ROLES.items():
        if role not in held:
            name = role.value.replace("_", " ")
            reason = f"nobody is identified as the {name} at {account}"
            gap(None, "missing_role", severity, reason, role=role.value)

    important = set(facts.important)
    for s in facts.important:
        if facts.is_strong(s):
            continue
        attrs = G.nodes[s]
        concern = _stance(attrs["stance"])
        if s in facts.power:
            severity = 5 if facts.best_strength(s) < 1 else 4
            why = "can decide the deal"
            kind = "uncovered_power"
        else:
            severity, kind = 3, "uncovered_influencer"
            why = f"has high influence ({_influence(facts, s)})"
        gap(s, kind, severity, f"{facts.label(s)} {why}{concern}; {_coverage(facts, s)}")

    executives = [s for s in facts.stakeholders if facts.seniority(s) == Seniority.c_level]
    if not any(facts.is_strong(s) for s in executives):
        if executives:
            names = ", ".join(facts.label(s) for s in executives)
            reason = f"no strong relationship with anyone at C-level ({names})"
        else:
            reason = f"nobody at C-level is identified at {account}"
        gap(None, "no_executive_relationship", 4, reason)

    for s in facts.stakeholders:
        attrs = G.nodes[s]
        against = attrs["stance"] == Stance.opponent or DmuRole.blocker in attrs["dmu_roles"]
        if against and s not in important and _influential(facts, s) and not facts.is_strong(s):
            what = "an opponent" if attrs["stance"] == Stance.opponent else "a blocker"
            gap(
                s,
                "uncovered_opponent",
                4,
                f"{facts.label(s)} is {what} with influence ({_influence(facts, s)}); "
                f"{_coverage(facts, s)}, so we cannot hear or answer their objections",
            )

    gaps += _departures(facts)

    for s in facts.stakeholders:
        favored = G.nodes[s]["favors"]
        if not favored:
            continue
        names = ", ".join(sorted(G.graph["competitors"].get(c, c) for c in favored))
        severity = 4 if s in important else 3 if _influential(facts, s) else 2
        tail = "" if facts.is_strong(s) else f"; {_coverage(facts, s)}"
        gap(s, "favors_competitor", severity, f"{facts.label(s)} favours {names}{tail}")

    position = {s: i for i, s in enumerate(facts.important)}
    return sorted(
        gaps,
        key=lambda g: (
            -g.severity,
            KINDS.index(g.kind),
            position.get(g.stakeholder_id or "", len(position)),
            g.stakeholder_id or "",
        ),
    )


def _departures(facts: Facts) -> list[CoverageGap]:
    """People who left and held a power role or carried every strong relationship."""
    G, threshold = facts.G, facts.config.strong_threshold
    strong_all = [p for p, v in facts.strength.items() if v >= threshold]
    gaps = []
    for s in facts.departed:
        reasons = []
        roles = [r.replace("_", " ") for r in G.nodes[s]["dmu_roles"] if r in POWER_ROLES]
        if roles:
            reasons.append(f"was the {' and '.join(roles)}: find who decides now")
        if strong_all and all(s in pair for pair in strong_all):
            reasons.append("carried every strong relationship we had with the account")
        if reasons:
            title = f", {G.nodes[s]['title']}" if G.nodes[s]["title"] else ""
            gaps.append(
                CoverageGap(
                    stakeholder_id=s,
                    kind="left_company",
                    severity=4,
                    reason=f"{facts.name(s)}{title} left the company; " + "; ".join(reasons),
                )
            )
    return gaps


def _influential(facts: Facts, s: str) -> bool:
    """At least moderate influence: recorded, computed, or a power role."""
    recorded = facts.G.nodes[s]["influence"]
    return (
        s in facts.power
        or (recorded is not None and recorded >= facts.config.opponent_influence)
        or facts.rank[s] >= facts.config.hidden_rank
    )


def _influence(facts: Facts, s: str) -> str:
    recorded = facts.G.nodes[s]["influence"]
    parts = [f"recorded {recorded}/5"] if recorded is not None else []
    return ", ".join([*parts, f"computed rank {facts.rank[s]:.2f}"])


def _coverage(facts: Facts, s: str) -> str:
    """How well we know ``s``, for a reason: nobody, or our best (weak) relationship."""
    best = facts.best(s)
    if best is None or best[1] < 1:
        return "nobody on our team has a relationship with them"
    member, strength = best
    return f"our best relationship is weak ({facts.name(member)}, {rating(strength)})"


def _stance(stance: str) -> str:
    """A stance worth a word in a reason: " and is an opponent", " and is a skeptic"."""
    if stance == Stance.opponent:
        return " and is an opponent"
    if stance == Stance.skeptic:
        return " and is a skeptic"
    return ""
