"""The groundwork every analysis of one account stands on, computed once.

:class:`Facts` holds the strengths, the influence ranks and who matters on
``as_of``, plus how to name people in a sentence. :func:`graph.analysis.analyze`
builds it once and hands it to every ``…_from(facts)`` function; each analysis module
also offers the plain ``f(G, *, as_of, config)`` form, which builds it itself.

>>> import datetime as dt
>>> from graph.model import Account, Knows, Stakeholder, TeamAssignment, TeamMember
>>> from graph.network import to_networkx
>>> from graph.store import AccountGraph
>>> G = to_networkx(AccountGraph(
...     accounts=[Account(id="acme", name="Acme")],
...     stakeholders=[Stakeholder(id="cfo", account_id="acme", name="Paul Ito", title="CFO",
...                               dmu_roles="economic_buyer")],
...     team_members=[TeamMember(id="kam", name="Kim Ray")],
...     team=[TeamAssignment(member_id="kam", account_id="acme", role="quarterback")],
...     knows=[Knows(member_id="kam", stakeholder_id="cfo", strength=4)],
... ))
>>> facts = Facts.build(G, as_of=dt.date(2026, 11, 25))
>>> facts.power, facts.best("cfo"), facts.strong
(['cfo'], ('kam', 4.0), [('kam', 'cfo')])
>>> facts.label("cfo"), facts.label("kam")
('Paul Ito (CFO, economic buyer)', 'Quarterback Kim Ray')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import networkx as nx

from graph.analysis.config import DEFAULT_CONFIG, AnalysisConfig
from graph.analysis.influence import influence_scores
from graph.analysis.result import InfluenceScore, Side, Strength
from graph.analysis.strength import relationship_strengths
from graph.model import POWER_ROLES, Seniority, TeamRole
from graph.network import MEMBER, STAKEHOLDER

if TYPE_CHECKING:
    from graph.analysis.threads import ThreadMap

#: Team roles in the order a person is introduced by ("Exec sponsor Anna Berg").
_ROLE_ORDER = list(TeamRole)


@dataclass(frozen=True)
class Facts:
    """Strengths, influence and importance of one account's people on one date.

    Lists of ids are sorted by id, except ``important``, which is most important first.
    Stakeholders who left the company are in ``departed`` and nowhere else.
    """

    G: nx.MultiDiGraph
    as_of: dt.date
    config: AnalysisConfig
    strengths: list[Strength]
    influence: list[InfluenceScore]
    strength: dict[tuple[str, str], float]  # (member, stakeholder) → 0–5
    rank: dict[str, float]  # stakeholder → computed influence 0–1
    stakeholders: list[str]  # active: not left the company
    departed: list[str]
    members: list[str]
    power: list[str]  # active decision makers and economic buyers
    important: list[str]  # active and power role, high recorded or high computed influence
    strong: list[tuple[str, str]]  # strong (member, active stakeholder) pairs
    best_of: dict[str, tuple[str, float]]  # stakeholder → our strongest (member, strength)

    @classmethod
    def build(
        cls, G: nx.MultiDiGraph, *, as_of: dt.date, config: AnalysisConfig = DEFAULT_CONFIG
    ) -> Facts:
        """Compute the groundwork for ``G`` on ``as_of``."""
        strengths = relationship_strengths(G, as_of=as_of, config=config)
        influence = influence_scores(G, config=config)
        rank = {s.stakeholder_id: s.computed for s in influence}
        people = sorted(n for n, a in G.nodes(data=True) if a.get("kind") == STAKEHOLDER)
        stakeholders = [n for n in people if not G.nodes[n]["left_company"]]
        active = set(stakeholders)

        def is_important(n: str) -> bool:
            recorded = G.nodes[n]["influence"]
            return (
                _is_power(G, n)
                or (recorded is not None and recorded >= config.high_influence)
                or rank[n] >= config.high_rank
            )

        best_of: dict[str, tuple[str, float]] = {}
        for s in strengths:  # sorted by member: ties go to the first member by id
            if s.stakeholder_id not in best_of or s.strength > best_of[s.stakeholder_id][1]:
                best_of[s.stakeholder_id] = (s.member_id, s.strength)

        def weight(n: str) -> tuple[bool, int, float, str]:
            return (not _is_power(G, n), -(G.nodes[n]["influence"] or 0), -rank[n], n)

        return cls(
            G=G,
            as_of=as_of,
            config=config,
            strengths=strengths,
            influence=influence,
            strength={(s.member_id, s.stakeholder_id): s.strength for s in strengths},
            rank=rank,
            stakeholders=stakeholders,
            departed=[n for n in people if n not in active],
            members=sorted(n for n, a in G.nodes(data=True) if a.get("kind") == MEMBER),
            power=[n for n in stakeholders if _is_power(G, n)],
            important=sorted((n for n in stakeholders if is_important(n)), key=weight),
            strong=[
                (s.member_id, s.stakeholder_id)
                for s in strengths
                if s.strength >= config.strong_threshold and s.stakeholder_id in active
            ],
            best_of=best_of,
        )

    @cached_property
    def thread_map(self) -> ThreadMap:
        """Where the threads from our team split: built on first use, once per analysis,
        for threads to power, key-person risks and next moves alike."""
        from graph.analysis.threads import ThreadMap, thread_graph  # threads builds on Facts

        return ThreadMap(thread_graph(self))

    # --- relationships -------------------------------------------------------------------

    def best(self, stakeholder: str) -> tuple[str, float] | None:
        """Our strongest relationship with ``stakeholder``: (member, strength), or None."""
        return self.best_of.get(stakeholder)

    def best_strength(self, stakeholder: str) -> float:
        """The strength of our best relationship with ``stakeholder`` (0 when none)."""
        best = self.best(stakeholder)
        return best[1] if best else 0.0

    def is_strong(self, stakeholder: str) -> bool:
        """True when someone of ours has a strong relationship with ``stakeholder``."""
        return self.best_strength(stakeholder) >= self.config.strong_threshold

    def owner(self, stakeholder: str) -> str | None:
        """The team member who owns ``stakeholder``, if one was assigned."""
        return next((m for m, _, k in self.G.in_edges(stakeholder, keys=True) if k == "owns"), None)

    def with_role(self, role: TeamRole) -> list[str]:
        """Our people holding ``role`` on this account, by id."""
        return [m for m in self.members if role.value in self.G.nodes[m]["roles"]]

    # --- people ---------------------------------------------------------------------------

    def side(self, node: str) -> Side:
        """``"ours"`` for a team member, ``"customer"`` for a stakeholder."""
        return "ours" if self.G.nodes[node]["kind"] == MEMBER else "customer"

    def seniority(self, node: str) -> Seniority | None:
        """A person's seniority level (None for a colleague whose level is not recorded)."""
        level = self.G.nodes[node]["seniority"]
        return None if level is None else Seniority(level)

    def seniority_gap(self, owner: str, target: str) -> int | None:
        """How many levels ``owner`` stands below ``target`` (None when either is unknown)."""
        ours, theirs = self.seniority(owner), self.seniority(target)
        return None if ours is None or theirs is None else ours.rank - theirs.rank

    def name(self, node: str) -> str:
        """A person's name."""
        return self.G.nodes[node]["name"]

    def label(self, node: str) -> str:
        """A person for a sentence: "Paul Ito (CFO, economic buyer)", "Exec sponsor Anna Berg"."""
        attrs = self.G.nodes[node]
        if attrs["kind"] == MEMBER:
            roles = sorted((TeamRole(r) for r in attrs["roles"]), key=_ROLE_ORDER.index)
            if roles:
                return f"{roles[0].value.replace('_', ' ').capitalize()} {attrs['name']}"
            return f"{attrs['name']} ({attrs['title']})" if attrs["title"] else attrs["name"]
        details = [attrs["title"]] if attrs["title"] else []
        details += [r.replace("_", " ") for r in attrs["dmu_roles"] if r in POWER_ROLES]
        return f"{attrs['name']} ({', '.join(details)})" if details else attrs["name"]


def _is_power(G: nx.MultiDiGraph, node: str) -> bool:
    return any(r in POWER_ROLES for r in G.nodes[node]["dmu_roles"])


def rating(strength: float) -> str:
    """A strength for a sentence: "4/5", "2.35/5".

    >>> rating(4.0), rating(2.35)
    ('4/5', '2.35/5')
    """
    return f"{strength:g}/5"
