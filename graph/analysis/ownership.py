"""Quarterback checks: is every stakeholder who matters owned by the right person of ours?

KAM practice: one quarterback is accountable for the account; they need not hold
every relationship, but must make sure the right person on our side covers each
stakeholder who matters. Issues, by kind:

- ``no_quarterback`` / ``several_quarterbacks``: the account lacks exactly one.
- ``unowned``: an important stakeholder (see :class:`~graph.analysis.facts.Facts`)
  nobody owns.
- ``owner_without_relationship`` / ``owner_weak_relationship``: the owner has no
  relationship with what they own, or a weaker one than strong.
- ``seniority_mismatch``: the owner is more than ``config.max_seniority_gap`` levels
  below the stakeholder (a manager owning the CEO); skipped while the owner's level
  is not recorded.
- ``no_exec_sponsor``: a C-level decision maker or economic buyer that no exec sponsor
  of ours owns or knows well — executives expect a peer.
- ``overloaded_owner``: someone owns more than ``config.owner_overload`` of this
  account's stakeholders (the limit on key accounts per manager is portfolio-wide and
  not part of one account's analysis).

People who left the company are not checked.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Final

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.facts import Facts, rating
from graph.analysis.result import OwnershipIssue
from graph.model import Seniority, TeamRole

#: Seniority levels in words.
LEVELS: Final = {
    Seniority.c_level: "C-level",
    Seniority.vp: "VP",
    Seniority.director: "director",
    Seniority.manager: "manager",
    Seniority.individual: "individual contributor",
}


def ownership_issues(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> list[OwnershipIssue]:
    """Every quarterback-coordination problem: the quarterback, each stakeholder, load.

    >>> from graph.model import Account, Ownership, Stakeholder, TeamMember
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[Stakeholder(id="cfo", account_id="acme", name="Paul", title="CFO",
    ...                               dmu_roles="economic_buyer")],
    ...     team_members=[TeamMember(id="kam", name="Kim")],
    ...     owners=[Ownership(member_id="kam", stakeholder_id="cfo")],
    ... ))
    >>> [(i.kind, i.subject_id) for i in ownership_issues(G, as_of=dt.date(2026, 11, 25))]
    [('no_quarterback', None), ('owner_without_relationship', 'cfo')]
    """
    return ownership_from(Facts.build(G, as_of=as_of, config=config))


def ownership_from(facts: Facts) -> list[OwnershipIssue]:
    """:func:`ownership_issues` on groundwork already computed."""
    config = facts.config
    account = facts.G.graph["account"].name
    issues: list[OwnershipIssue] = []

    def issue(kind: str, subject: str | None, reason: str) -> None:
        issues.append(OwnershipIssue(kind=kind, subject_id=subject, reason=reason))

    quarterbacks = facts.with_role(TeamRole.quarterback)
    if not quarterbacks:
        issue("no_quarterback", None, f"nobody is the quarterback accountable for {account}")
    elif len(quarterbacks) > 1:
        names = ", ".join(facts.name(m) for m in quarterbacks)
        issue(
            "several_quarterbacks",
            None,
            f"{account} has {len(quarterbacks)} quarterbacks ({names}): one must be accountable",
        )

    owned: Counter[str] = Counter()
    for s in facts.stakeholders:
        owner = facts.owner(s)
        if owner is None:
            if s in facts.important:
                issue("unowned", s, f"nobody owns the relationship with {facts.label(s)}")
            continue
        owned[owner] += 1
        strength = facts.strength.get((owner, s), 0.0)
        if strength == 0:
            issue(
                "owner_without_relationship",
                s,
                f"{facts.label(owner)} owns {facts.label(s)} but has no relationship with them",
            )
        elif strength < config.strong_threshold:
            issue(
                "owner_weak_relationship",
                s,
                f"{facts.label(owner)} owns {facts.label(s)} but knows them only a little "
                f"({rating(strength)})",
            )
        ours, theirs = facts.seniority(owner), facts.seniority(s)
        gap = facts.seniority_gap(owner, s)
        if ours and theirs and gap is not None and gap > config.max_seniority_gap:
            issue(
                "seniority_mismatch",
                s,
                f"{facts.label(owner)} ({LEVELS[ours]}) owns "
                f"{facts.label(s)}, who is {LEVELS[theirs]}: {gap} levels apart",
            )

    sponsors = facts.with_role(TeamRole.exec_sponsor)
    for s in facts.power:
        if facts.seniority(s) != Seniority.c_level:
            continue
        covering = [
            m
            for m in sponsors
            if facts.owner(s) == m or facts.strength.get((m, s), 0) >= config.strong_threshold
        ]
        if not covering:
            why = (
                "no exec sponsor of ours owns or knows them well"
                if sponsors
                else f"{account} has no exec sponsor"
            )
            issue("no_exec_sponsor", s, f"{facts.label(s)} is C-level, but {why}")

    for member, count in sorted(owned.items()):
        if count > config.owner_overload:
            issue(
                "overloaded_owner",
                member,
                f"{facts.label(member)} owns {count} stakeholders at {account} "
                f"(limit {config.owner_overload})",
            )
    return issues
