"""Next moves: ranked, concrete actions, each naming who should do what with whom, and why.

An account review ends with "what do we do next?". Every gap, fragile thread, fading
relationship and ownership problem becomes one action for a named person of ours,
with the reason and, for a power target we do not know, the chain of introductions to
use ("Exec sponsor Anna Berg to meet Paul Ito (CFO, economic buyer): ask Jo Lee (COO),
whom Maria Lopez knows well (4/5), for the introduction").

Who acts: the stakeholder's owner when they have one of suitable seniority, else the
exec sponsor for a C-level person, else the quarterback. Moves are ranked by the
severity of what they fix (the gap's severity; 4 for a single-threaded account or a
missing quarterback, 3 for a fragile thread, a fading key relationship or an owner
problem, 2 for hidden influencers and lighter owner problems), ties in the order
listed here; the same two people meet in one move only, the most urgent. The first
``config.max_next_moves`` are kept. The stale-map alerts: in place of someone who left
we cultivate the most influential person around them
(:func:`~graph.analysis.coverage.successors`) whom no move meets yet; a newcomer in
power is met while new; a power target whose manager changed is met to re-check their
role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.coverage import coverage_gaps_from, successors
from graph.analysis.facts import Facts, rating
from graph.analysis.influence import hidden_influencers
from graph.analysis.ownership import ownership_from
from graph.analysis.paths import paths_from
from graph.analysis.result import (
    CoverageGap,
    HiddenInfluencer,
    NextMove,
    OwnershipIssue,
    PathToPower,
    Person,
    ThreadsToPower,
)
from graph.analysis.risks import cut_vertices_from
from graph.analysis.threads import single_thread_from, threads_from
from graph.model import Seniority, TeamRole


def next_moves(
    G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
) -> list[NextMove]:
    """The account's next moves, most urgent first (priority 1 = do first).

    >>> from graph.model import (Account, Knows, ReportsTo, Stakeholder, TeamAssignment,
    ...                          TeamMember)
    >>> from graph.network import to_networkx
    >>> from graph.store import AccountGraph
    >>> G = to_networkx(AccountGraph(
    ...     accounts=[Account(id="acme", name="Acme")],
    ...     stakeholders=[
    ...         Stakeholder(id="cfo", account_id="acme", name="Paul Ito", title="CFO",
    ...                     seniority="c_level", dmu_roles="economic_buyer;decision_maker"),
    ...         Stakeholder(id="coo", account_id="acme", name="Jo Lee", title="COO",
    ...                     seniority="c_level", stance="champion",
    ...                     dmu_roles="technical_buyer;user_buyer")],
    ...     team_members=[TeamMember(id="anna", name="Anna Berg", seniority="c_level"),
    ...                   TeamMember(id="maria", name="Maria Lopez")],
    ...     team=[TeamAssignment(member_id="anna", account_id="acme", role="exec_sponsor"),
    ...           TeamAssignment(member_id="maria", account_id="acme", role="quarterback")],
    ...     knows=[Knows(member_id="maria", stakeholder_id="coo", strength=4)],
    ...     reports_to=[ReportsTo(stakeholder_id="coo", manager_id="cfo")],
    ... ))
    >>> print(next_moves(G, as_of=dt.date(2026, 11, 25))[0].action)
    Exec sponsor Anna Berg to meet Paul Ito (CFO, economic buyer, decision maker): ask Jo Lee (COO), whom Maria Lopez knows well (4/5), for the introduction; Anna Berg to own the relationship
    """  # noqa: E501
    facts = Facts.build(G, as_of=as_of, config=config)
    single, carrier = single_thread_from(facts)
    return next_moves_from(
        facts,
        gaps=coverage_gaps_from(facts),
        paths=paths_from(facts),
        threads=threads_from(facts),
        carrier=carrier if single else None,
        issues=ownership_from(facts),
        hidden=hidden_influencers(G, config=config, scores=facts.influence),
    )


def next_moves_from(
    facts: Facts,
    *,
    gaps: list[CoverageGap],
    paths: list[PathToPower],
    threads: list[ThreadsToPower],
    carrier: Person | None,
    issues: list[OwnershipIssue],
    hidden: list[HiddenInfluencer],
) -> list[NextMove]:
    """:func:`next_moves` on results already computed (``carrier``: of a single thread)."""
    plan = _Plan(facts, {p.target_id: p.path for p in paths})
    for gap in gaps:
        plan.from_gap(gap)
    if carrier is not None:
        plan.second_thread(carrier)
    cuts = cut_vertices_from(facts)
    for t in threads:
        if t.threads == 1 and facts.is_strong(t.stakeholder_id):
            people = ", ".join(facts.label(p) for p in cuts.get(t.stakeholder_id, []))
            plan.meet(
                t.stakeholder_id,
                3,
                f"only one thread reaches {facts.label(t.stakeholder_id)}, through {people}: "
                "a second relationship keeps us in if that one goes",
                actor=plan.other_than(cuts.get(t.stakeholder_id, [])),
                verb="build a second thread to",
            )
    for s in facts.strengths:
        # Only a strong relationship is worth a reconnect move; a faint one is a gap.
        strong = s.strength >= facts.config.strong_threshold
        if s.fading and strong and s.stakeholder_id in facts.important:
            since = (
                f"last contact {(facts.as_of - s.last_contact).days} days ago"
                if s.last_contact
                else "no contact on record"
            )
            plan.meet(
                s.stakeholder_id,
                3,
                f"a {rating(s.strength)} relationship that is fading: {since}",
                actor=s.member_id,
                verb="reconnect with",
            )
    for issue in issues:
        plan.from_issue(issue)
    for h in hidden:
        if h.stakeholder_id in plan.meeting:
            continue
        plan.add(
            2,
            f"{plan.lead} to find out what role {facts.label(h.stakeholder_id)} plays "
            "and meet them",
            f"{facts.label(h.stakeholder_id)} {h.reason}",
        )
    return plan.ranked()


@dataclass
class _Plan:
    """The moves being collected, and who has already been given a meeting."""

    facts: Facts
    paths: dict[str, list[str]]
    moves: list[tuple[int, str, str]] = field(default_factory=list)
    met: set[tuple[str | None, str]] = field(default_factory=set)  # (ours, theirs)
    owned: set[str] = field(default_factory=set)

    @property
    def account(self) -> str:
        return self.facts.G.graph["account"].name

    @property
    def meeting(self) -> set[str]:
        """Their people some move already has us meet."""
        return {target for _, target in self.met}

    @property
    def lead(self) -> str:
        """The quarterback, or the account team when there is none."""
        quarterbacks = self.facts.with_role(TeamRole.quarterback)
        return self.facts.label(quarterbacks[0]) if quarterbacks else "The account team"

    def add(self, severity: int, action: str, reason: str) -> None:
        self.moves.append((severity, action, reason))

    def ranked(self) -> list[NextMove]:
        ordered = sorted(self.moves, key=lambda m: -m[0])[: self.facts.config.max_next_moves]
        return [
            NextMove(action=action, reason=reason, priority=i)
            for i, (_, action, reason) in enumerate(ordered, 1)
        ]

    def actor(self, target: str) -> str | None:
        """Who of ours should meet ``target``: owner, exec sponsor (C-level), quarterback."""
        f = self.facts
        owner = f.owner(target)
        gap = f.seniority_gap(owner, target) if owner else None
        if owner and (gap is None or gap <= f.config.max_seniority_gap):
            return owner  # an owner of unknown level: trust the quarterback's assignment
        sponsors = f.with_role(TeamRole.exec_sponsor)
        if sponsors and f.seniority(target) == Seniority.c_level:
            return sponsors[0]
        quarterbacks = f.with_role(TeamRole.quarterback)
        return quarterbacks[0] if quarterbacks else None

    def other_than(self, people: list[str]) -> str | None:
        """Someone of ours not among ``people``: exec sponsor, quarterback, anyone."""
        f = self.facts
        candidates = [
            *f.with_role(TeamRole.exec_sponsor),
            *f.with_role(TeamRole.quarterback),
            *(m for m in f.members if f.G.nodes[m]["roles"]),
        ]
        return next((m for m in candidates if m not in people), None)

    def meet(
        self,
        target: str,
        severity: int,
        reason: str,
        *,
        actor: str | None = None,
        verb: str = "meet",
        purpose: str = "",
        route: bool = False,
    ) -> None:
        """One meeting with ``target`` (the first asked for wins), via the path if ``route``.

        ``purpose`` follows the target in the action: " and re-check their role".
        """
        f = self.facts
        actor = actor or self.actor(target)
        if (actor, target) in self.met:
            return
        self.met.add((actor, target))
        who = f.label(actor) if actor else "The account team"
        action = f"{who} to {verb} {f.label(target)}{purpose}"
        if route:
            action += self._route(actor, self.paths.get(target, []))
        if actor and f.owner(target) is None and target not in self.owned:
            action += f"; {f.name(actor)} to own the relationship"
            self.owned.add(target)
        self.add(severity, action, reason)

    def _route(self, actor: str | None, path: list[str]) -> str:
        """How to get there, for an action: the introduction to ask for."""
        f = self.facts
        if not path:
            return ": nobody we know is connected to them, so find a way in"
        member, first = path[0], path[1]
        strength = rating(f.strength[member, first])
        if len(path) == 2:
            if member == actor:
                return f", building on the relationship ({strength})"
            return f", with {f.name(member)}, who knows them ({strength})"
        how = "well" if f.strength[member, first] >= f.config.strong_threshold else "a little"
        via = f" via {', '.join(f.label(p) for p in path[2:-1])}" if len(path) > 3 else ""
        return (
            f": ask {f.label(first)}, whom {f.name(member)} knows {how} ({strength}), "
            f"for the introduction{via}"
        )

    def from_gap(self, gap: CoverageGap) -> None:
        f, s = self.facts, gap.stakeholder_id
        if gap.kind in ("uncovered_power", "uncovered_influencer"):
            self.meet(s, gap.severity, gap.reason, route=gap.kind == "uncovered_power")
        elif gap.kind == "newcomer_in_power":
            self.meet(s, gap.severity, gap.reason, purpose=" while they are new", route=True)
        elif gap.kind == "manager_changed":
            self.meet(
                s,
                gap.severity,
                gap.reason,
                purpose=" and re-check their decision role and whom they now listen to",
            )
        elif gap.kind == "uncovered_opponent":
            self.meet(s, gap.severity, gap.reason, verb="hear out the objections of")
        elif gap.kind == "missing_role":
            role = (gap.role or "").replace("_", " ")
            self.add(
                gap.severity, f"{self.lead} to identify the {role} at {self.account}", gap.reason
            )
        elif gap.kind == "no_strong_relationship":
            start = f.important[0] if f.important else None
            where = f", starting with {f.label(start)}" if start else ""
            self.add(
                gap.severity,
                f"{self.lead} to build a first strong relationship at {self.account}{where}",
                gap.reason,
            )
        elif gap.kind == "no_executive_relationship":
            executives = [p for p in f.stakeholders if f.seniority(p) == Seniority.c_level]
            if not executives:
                self.add(
                    gap.severity, f"{self.lead} to map the C-level of {self.account}", gap.reason
                )
            elif not self.meeting & set(executives):
                first = min(executives, key=lambda p: (p not in f.important, -f.rank[p], p))
                self.meet(first, gap.severity, gap.reason)
        elif gap.kind == "left_company":
            heirs = [p for p, _ in successors(f, s) if p not in self.meeting]
            if heirs:
                self.meet(
                    heirs[0],
                    gap.severity,
                    gap.reason,
                    verb="cultivate",
                    purpose=f" in place of {f.name(s)}",
                )
            else:
                self.add(
                    gap.severity,
                    f"{self.lead} to find out who took over from {f.name(s)} and map them",
                    gap.reason,
                )
        elif gap.kind == "favors_competitor":
            self.add(
                gap.severity,
                f"{f.label(self.actor(s)) if self.actor(s) else 'The account team'} to learn why "
                f"{f.label(s)} prefers the competition, and answer it",
                gap.reason,
            )

    def second_thread(self, carrier: Person) -> None:
        f = self.facts
        reason = (
            f"single-threaded: every strong relationship with {self.account} runs through "
            f"{f.label(carrier.id)}; lose them and we lose the account"
        )
        if carrier.side == "ours":
            contacts = [s for m, s in f.strong if m == carrier.id]
            contact = min(contacts, key=lambda p: (p not in f.important, -f.rank[p], p))
            other = self.other_than([carrier.id])
            who = f.label(other) if other else "A second person of ours"
            self.add(
                4,
                f"{who} to join {f.name(carrier.id)} in meeting {f.label(contact)} "
                "and build a relationship of their own",
                reason,
            )
            return
        others = [p for p in f.important if p != carrier.id and not f.is_strong(p)]
        if others:
            self.meet(others[0], 4, reason)
        else:
            self.add(
                4, f"{self.lead} to build a strong relationship beyond {f.name(carrier.id)}", reason
            )

    def from_issue(self, issue: OwnershipIssue) -> None:
        f, s = self.facts, issue.subject_id
        if issue.kind in ("no_quarterback", "several_quarterbacks"):
            self.add(
                4, f"Sales leadership to name one quarterback for {self.account}", issue.reason
            )
        elif issue.kind == "unowned" and s not in self.owned:
            self.add(3, f"{self.lead} to assign an owner to {f.label(s)}", issue.reason)
        elif issue.kind in ("owner_without_relationship", "owner_weak_relationship"):
            self.meet(s, 2, issue.reason, actor=f.owner(s))
        elif issue.kind == "seniority_mismatch":
            self.add(3, f"{self.lead} to give {f.label(s)} a more senior owner", issue.reason)
        elif issue.kind == "no_exec_sponsor":
            sponsors = f.with_role(TeamRole.exec_sponsor)
            if sponsors:
                self.meet(s, 3, issue.reason, actor=sponsors[0])
            else:
                self.add(
                    3, f"{self.lead} to bring an exec sponsor onto {self.account}", issue.reason
                )
        elif issue.kind == "overloaded_owner":
            self.add(
                2,
                f"{self.lead} to hand some of {f.name(s)}'s stakeholders to others",
                issue.reason,
            )
