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
newcomer_in_power          5/4       a decision maker / economic buyer who joined in
                                     the last ``newcomer_days`` and whom nobody of
                                     ours knows well yet (severity as uncovered_power)
uncovered_power            5/4       a decision maker / economic buyer with no
                                     relationship (best < 1/5: 5) or a weak one (4)
no_executive_relationship  4         no strong relationship with any C-level person
uncovered_opponent         4         an opponent or blocker with influence and no
                                     strong relationship (if not already important)
left_company               4/3       someone who left held a power role, was a
                                     champion, or carried every strong relationship
                                     we had (4); or was owned by one of us or known
                                     well by one of us (3)
favors_competitor          4/3/2     someone favours a competitor (by importance)
manager_changed            3         a decision maker / economic buyer whose manager
                                     changed in the last ``newcomer_days``
uncovered_influencer       3         high recorded or computed influence, no strong
                                     relationship
=========================  ========  ==============================================

People who left the company are never targets; they only appear as ``left_company``,
and their relationships count as coverage nowhere. ``newcomer_in_power`` and
``manager_changed`` are the stale-map alerts of a changing account: they read the
``joined_on`` and ``manager_changed_on`` node attributes the account's history sets
(:func:`graph.network.to_networkx`), and without them nothing is flagged.
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
    "newcomer_in_power",
    "uncovered_power",
    "no_executive_relationship",
    "uncovered_opponent",
    "left_company",
    "favors_competitor",
    "manager_changed",
    "uncovered_influencer",
)
#: People named as the ones to cultivate in place of someone who left, at most.
MAX_SUCCESSORS: Final = 3


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
    gaps += _newcomers(facts)
    gaps += _reorganised(facts)

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
    """People who left whom we relied on: who carried them, and whom to cultivate instead.

    Relied on: a power role, a champion or the carrier of every strong relationship
    (severity 4), or someone one of ours owned or knew well (3). The reason names the
    members who knew them well and their owner, then :func:`successors`.
    """
    G, threshold = facts.G, facts.config.strong_threshold
    strong_all = [p for p, v in facts.strength.items() if v >= threshold]
    gaps = []
    for s in facts.departed:
        attrs = G.nodes[s]
        known = sorted(
            ((m, v) for (m, t), v in facts.strength.items() if t == s and v >= threshold),
            key=lambda mv: (-mv[1], mv[0]),
        )
        owner = facts.owner(s)
        reasons = []
        roles = [r.replace("_", " ") for r in attrs["dmu_roles"] if r in POWER_ROLES]
        if roles:
            reasons.append(f"was the {' and '.join(roles)}: find who decides now")
        champion = attrs["stance"] == Stance.champion or DmuRole.champion in attrs["dmu_roles"]
        if champion:
            reasons.append("was a champion of ours")
        carried_all = bool(strong_all) and all(s in pair for pair in strong_all)
        if carried_all:
            reasons.append("carried every strong relationship we had with the account")
        if known:
            names = _and([f"{facts.name(m)} ({rating(v)})" for m, v in known])
            reasons.append(f"{names} knew them well")
        if owner is not None:
            reasons.append(f"{facts.name(owner)} owned the relationship")
        if not reasons:
            continue
        title = f", {attrs['title']}" if attrs["title"] else ""
        gaps.append(
            CoverageGap(
                stakeholder_id=s,
                kind="left_company",
                severity=4 if roles or champion or carried_all else 3,
                reason=f"{facts.name(s)}{title} left the company; "
                + "; ".join([*reasons, _instead(facts, s)]),
            )
        )
    return gaps


def successors(facts: Facts, departed: str) -> list[tuple[str, str]]:
    """Whom to cultivate in place of someone who left: (stakeholder, how related), best first.

    The people around them still at the account (their manager, their reports, the
    people they influenced), most influential first (power role, recorded influence,
    computed rank): what we lost is their sway, and it passes to those who decide or
    steer most among the people they worked with.
    """
    G, active = facts.G, set(facts.stakeholders)
    related: dict[str, str] = {}
    for _, manager, key in G.out_edges(departed, keys=True):
        if key == "reports_to" and manager in active:
            related.setdefault(manager, "their manager")
    for report, _, key in G.in_edges(departed, keys=True):
        if key == "reports_to" and report in active:
            related.setdefault(report, "their report")
    for _, target, key in G.out_edges(departed, keys=True):
        if key == "influences" and target in active:
            related.setdefault(target, "someone they influenced")

    def weight(n: str) -> tuple[bool, int, float, str]:
        return (n not in facts.power, -(G.nodes[n]["influence"] or 0), -facts.rank[n], n)

    return [(n, related[n]) for n in sorted(related, key=weight)]


def _instead(facts: Facts, departed: str) -> str:
    """Whom to cultivate instead, for a reason, with how well we know each of them."""
    people = successors(facts, departed)
    if not people:
        account = facts.G.graph["account"].name
        return f"nobody they worked with is mapped at {account}: find out who took over"
    named = []
    for n, how in people[:MAX_SUCCESSORS]:
        best = facts.best(n)
        known = (
            f"known to {facts.name(best[0])} ({rating(best[1])})"
            if best and best[1] >= 1
            else "not yet known to us"
        )
        named.append(f"{how} {facts.label(n)}, {known}")
    more = len(people) - MAX_SUCCESSORS
    return "cultivate instead: " + "; ".join(named) + (f"; and {more} more" if more > 0 else "")


def _newcomers(facts: Facts) -> list[CoverageGap]:
    """Power-role holders new at the account whom nobody of ours knows well yet."""
    gaps = []
    for s in facts.power:
        since = _recent(facts, s, "joined_on")
        if since is None or facts.is_strong(s):
            continue
        account = facts.G.graph["account"].name
        gaps.append(
            CoverageGap(
                stakeholder_id=s,
                kind="newcomer_in_power",
                severity=5 if facts.best_strength(s) < 1 else 4,
                reason=f"{facts.label(s)} joined {account} {since} and can decide the deal; "
                f"{_coverage(facts, s)}: win them early, before their views set",
            )
        )
    return gaps


def _reorganised(facts: Facts) -> list[CoverageGap]:
    """Power-role holders whose manager changed lately: their lines may have moved too."""
    G, gaps = facts.G, []
    for s in facts.power:
        since = _recent(facts, s, "manager_changed_on")
        if since is None:
            continue
        managers = sorted(m for _, m, key in G.out_edges(s, keys=True) if key == "reports_to")
        now = _and([facts.label(m) for m in managers]) if managers else "nobody on record"
        gaps.append(
            CoverageGap(
                stakeholder_id=s,
                kind="manager_changed",
                severity=3,
                reason=f"{facts.label(s)} changed manager {since}: they now report to {now}; "
                "re-check their influence lines and their role in the decision",
            )
        )
    return gaps


def _recent(facts: Facts, s: str, attr: str) -> str | None:
    """When the history date ``attr`` of ``s`` lies within ``newcomer_days``: "12 days ago
    (2026-11-13)"; None when it is older, later than ``as_of`` or not recorded."""
    value = facts.G.nodes[s].get(attr)
    if not value:
        return None
    day = dt.date.fromisoformat(value)
    days = (facts.as_of - day).days
    if not 0 <= days <= facts.config.newcomer_days:
        return None
    ago = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
    return f"{ago} ({day.isoformat()})"


def _and(items: list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


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
