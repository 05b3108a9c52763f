"""What changed on an account, grouped for people: the review's "what changed since".

:func:`summarize` turns an :class:`~graph.history.AccountDiff` into groups of short
sentences, in the order a review asks its questions:

- **Joined** — stakeholders added (name, title, DMU roles), and anyone back at the company.
- **Left** — stakeholders who left the company, or are no longer mapped.
- **Moves** — one sentence per person: stance, DMU roles, influence, seniority, title,
  function, inner circle, name, and the competitors they now favour or no longer do.
- **Relationships** — ours to theirs: strength and level, up or down; new and removed ones.
- **Ownership** — who owns whom now.
- **Team** — our people joining or leaving the account's team, or changing role.
- **Lines** — reporting lines ("X now reports to Y (was Z)"), influence and conflict lines.
- **Account** — the account's name, industry, tier, revenue, profit, currency or selection ratings
  (growth potential, financial stability, strategic fit, closeness); for an account new
  in the window, one line counting what was first mapped instead of every record.
- **Activity** — interactions logged or removed, counted by channel.
- **Gaps opened** / **Gaps closed** — the coverage gaps' reasons.
- **Health** — "62 → 71 (+9)", or "new account: 71".

Empty groups are left out, so a diff that changed nothing gives no group at all.
Left out as noise in a review: contact details and notes, decision orientation, a
relationship's rating date, last contact and source, interactions' edits, our team
members' and competitors' own records, and what a removed stakeholder took with them
(their relationships, owner, lines and preferences: "no longer mapped" says it). Dates
and actors are left to ``kamgraph history``.

Changes are netted over the window: a field that moved twice reads as where it started
and where it ended, and one that came back, like a record added and removed again,
reads as nothing. People are named from the graph at the end, then the one at the start
(someone removed is only there); our team by first name, or full name where two share
one; an id only where no graph names it. Renderers here never analyse: health and gaps
are the diff's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from graph.history import AccountDiff, Change
from graph.model import AccountGraph, RelationshipLevel, Seniority


@dataclass(frozen=True)
class ChangeGroup:
    """One heading of the summary and its sentences, plain text (renderers escape them)."""

    heading: str
    sentences: tuple[str, ...]


HEADINGS: Final = (
    "Joined",
    "Left",
    "Moves",
    "Relationships",
    "Ownership",
    "Team",
    "Lines",
    "Account",
    "Activity",
    "Gaps opened",
    "Gaps closed",
    "Health",
)

#: The stakeholder fields a review reads as moves, in the order they are told.
_MOVES: Final = (
    "stance",
    "dmu_roles",
    "influence",
    "seniority",
    "title",
    "function",
    "inner_circle",
    "name",
)
#: The records that tie a stakeholder to someone or something: gone when they are (a
#: reporting line too, but "now reports to Y (was Z)" is told: see :func:`_lines`).
_TIES: Final = frozenset({"knows", "owners", "influences", "conflicts", "favors"})
_ACCOUNT: Final = (
    "name",
    "industry",
    "tier",
    "annual_revenue",
    "profit",
    "currency",
    "growth_potential",
    "financial_stability",
    "strategic_fit",
    "relationship_closeness",
)
#: How a field is named in a sentence ("" for a relationship's strength, its first word).
_LABELS: Final = {
    "dmu_roles": "roles",
    "annual_revenue": "revenue",
    "target_level": "target",
    "strength": "",
    "growth_potential": "growth potential",
    "financial_stability": "financial stability",
    "strategic_fit": "strategic fit",
    "relationship_closeness": "closeness",
}
#: Fields holding enum values, shown with spaces for underscores.
_ENUMS: Final = frozenset({"stance", "seniority", "dmu_roles", "level", "target_level", "tier"})
#: Fields that go up or down: in the order of their values, lowest first, or as numbers.
_DIRECTED: Final[dict[str, list[str] | None]] = {
    "level": [level.value for level in RelationshipLevel],
    "seniority": [s.value for s in reversed(Seniority)],
    "influence": None,
    "strength": None,
}


@dataclass
class _Net:
    """One record at the start and end of the window (None: absent there).

    Where the record exists at both ends, the dicts hold only the fields that differ.
    """

    collection: str
    key: tuple[str, ...]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _net(changes: Iterable[Change]) -> list[_Net]:
    """Each touched record as it was at the start and is at the end, in order of first change."""
    steps: dict[tuple[str, tuple[str, ...]], list[Change]] = defaultdict(list)
    for c in changes:
        if c.field is None and c.before is None and c.after is None:
            continue  # an erasure's marker: it names nobody and holds no values
        key = (c.subject_id,) if c.counterpart_id is None else (c.subject_id, c.counterpart_id)
        steps[(c.collection, key)].append(c)
    nets = []
    for (collection, key), record in steps.items():
        first, last = record[0], record[-1]
        start: dict[str, Any] | None = None if _added(first) else {}
        end: dict[str, Any] | None = None if _removed(last) else {}
        # The first value seen is the start's, the last the end's; a whole record, once
        # seen, holds every field, so what follows cannot overwrite it.
        for c in record:
            if start is not None:
                values = c.before if _removed(c) else {} if _added(c) else {c.field: c.before}
                for name, value in values.items():
                    start.setdefault(name, value)
        for c in reversed(record):
            if end is not None:
                values = c.after if _added(c) else {} if _removed(c) else {c.field: c.after}
                for name, value in values.items():
                    end.setdefault(name, value)
        if start is not None and end is not None:
            moved = [f for f in start.keys() | end.keys() if start.get(f) != end.get(f)]
            if not moved:
                continue
            start = {f: start.get(f) for f in moved}
            end = {f: end.get(f) for f in moved}
        elif start is None and end is None:
            continue
        nets.append(_Net(collection, key, start, end))
    return nets


def _added(change: Change) -> bool:
    return change.field is None and change.before is None


def _removed(change: Change) -> bool:
    return change.field is None and change.before is not None


class _Names:
    """Names of the people and competitors in either graph, the end's first."""

    def __init__(self, before: AccountGraph | None, after: AccountGraph) -> None:
        graphs = [after] if before is None else [before, after]
        self.people = {s.id: s for g in graphs for s in g.stakeholders}
        self.members = {m.id: m.name for g in graphs for m in g.team_members}
        self.competitors = {c.id: c.name for g in graphs for c in g.competitors}
        firsts = Counter(name.split()[0] for name in self.members.values())
        self.short = {
            i: name.split()[0] if firsts[name.split()[0]] == 1 else name
            for i, name in self.members.items()
        }

    def person(self, stakeholder_id: str) -> str:
        found = self.people.get(stakeholder_id)
        return found.name if found else stakeholder_id

    def titled(self, stakeholder_id: str) -> str:
        found = self.people.get(stakeholder_id)
        if found is None:
            return stakeholder_id
        return f"{found.name} ({found.title})" if found.title else found.name

    def member(self, member_id: str | None) -> str:
        if member_id is None:
            return "none"
        return self.short.get(member_id, member_id)

    def competitor(self, competitor_id: str) -> str:
        return self.competitors.get(competitor_id, competitor_id)


def summarize(
    diff: AccountDiff, before: AccountGraph | None, after: AccountGraph
) -> list[ChangeGroup]:
    """The diff as groups of sentences (see the module), empty groups left out.

    ``before`` and ``after`` are the account's graphs at the diff's two ends (``before``
    None: the account did not exist yet); they only name people.
    """
    names = _Names(before, after)
    nets = _net(diff.changes)
    gone = {n.key[0] for n in nets if n.collection == "stakeholders" and n.after is None}
    by_collection: dict[str, list[_Net]] = defaultdict(list)
    for net in nets:
        if net.after is None and net.collection in _TIES and gone & set(net.key):
            continue  # what a removed stakeholder took with them: "no longer mapped" says it
        by_collection[net.collection].append(net)
    out: dict[str, list[str]] = {heading: [] for heading in HEADINGS}
    if any(n.before is None for n in by_collection["accounts"]):
        out["Account"].append(_mapped(by_collection))
    else:
        _people(by_collection, names, out)
        _relationships(by_collection["knows"], names, out["Relationships"])
        _owners(by_collection["owners"], names, out["Ownership"])
        _team(by_collection["team"], names, out["Team"])
        _lines(by_collection, names, gone, out["Lines"])
        _account(by_collection["accounts"], out["Account"])
        _activity(by_collection["interactions"], out["Activity"])
    out["Gaps opened"] = [g.reason for g in diff.gaps_opened]
    out["Gaps closed"] = [g.reason for g in diff.gaps_closed]
    out["Health"] = _health(diff.health.before, diff.health.after)
    return [ChangeGroup(h, tuple(out[h])) for h in HEADINGS if out[h]]


def text(groups: Sequence[ChangeGroup]) -> str:
    """The groups as plain text for the terminal: each heading, then its sentences indented.

    >>> print(text([ChangeGroup("Health", ("62 → 71 (+9)",))]))
    Health
      62 → 71 (+9)
    >>> print(text([]))
    Nothing changed.
    """
    if not groups:
        return "Nothing changed."
    return "\n".join(line for g in groups for line in (g.heading, *(f"  {s}" for s in g.sentences)))


def _mapped(by_collection: dict[str, list[_Net]]) -> str:
    """One line for an account that is new in the window, instead of every record."""

    def count(collection: str, noun: str) -> str:
        n = sum(net.before is None for net in by_collection[collection])
        return f"{n} {noun}{'' if n == 1 else 's'}"

    return (
        f"first mapped: {count('stakeholders', 'stakeholder')}, "
        f"{count('knows', 'relationship')}, {count('team', 'team role')} of ours"
    )


def _people(by_collection: dict[str, list[_Net]], names: _Names, out: dict[str, list[str]]) -> None:
    moves: dict[str, list[str]] = defaultdict(list)
    for net in by_collection["stakeholders"]:
        (who,) = net.key
        if net.before is None:
            roles = net.after.get("dmu_roles")
            if net.after.get("left_company"):
                out["Left"].append(f"{names.titled(who)} left the company (newly mapped)")
            else:
                said = f": {_value('dmu_roles', roles)}" if roles else ""
                out["Joined"].append(names.titled(who) + said)
        elif net.after is None:
            out["Left"].append(f"{names.titled(who)} is no longer mapped")
        else:
            if "left_company" in net.after:
                if net.after["left_company"]:
                    out["Left"].append(f"{names.titled(who)} left the company")
                else:
                    out["Joined"].append(f"{names.titled(who)} is back at the company")
            told = (_move(f, net.before[f], net.after[f]) for f in _MOVES if f in net.after)
            moves[who] += [t for t in told if t]  # roles only reordered say nothing
    for net in by_collection["favors"]:
        who, competitor = net.key
        if net.before is None:
            moves[who].append(f"now favours {names.competitor(competitor)}")
        elif net.after is None:
            moves[who].append(f"no longer favours {names.competitor(competitor)}")
    out["Moves"] += [
        f"{names.person(who)}: {', '.join(told)}" for who, told in moves.items() if told
    ]


def _move(field: str, before: Any, after: Any) -> str:
    if field == "dmu_roles":
        gained = [r for r in after or () if r not in (before or ())]
        lost = [r for r in before or () if r not in (after or ())]
        told = [f"now {_value(field, gained)}"] if gained else []
        return ", ".join(told + ([f"no longer {_value(field, lost)}"] if lost else []))
    if field == "inner_circle":
        return "now in the inner circle" if after else "no longer in the inner circle"
    return _from_to(field, before, after)


def _relationships(nets: list[_Net], names: _Names, out: list[str]) -> None:
    for net in nets:
        who, member = net.key
        pair = f"{names.member(member)} → {names.person(who)}"
        if net.before is None:
            strength, level = net.after.get("strength"), net.after.get("level")
            rated = ([f"strength {strength}"] if strength is not None else []) + (
                [_value("level", level)] if level else []
            )
            out.append(f"{pair}: new relationship" + (f" ({', '.join(rated)})" if rated else ""))
        elif net.after is None:
            was = net.before.get("strength")
            out.append(
                f"{pair}: relationship removed" + (f" (was {was})" if was is not None else "")
            )
        else:
            told = [
                _from_to(f, net.before[f], net.after[f])
                for f in ("strength", "level", "target_level")
                if f in net.after
            ]
            if told:
                out.append(f"{pair}: {', '.join(told)}")


def _owners(nets: list[_Net], names: _Names, out: list[str]) -> None:
    for net in nets:
        (who,) = net.key
        was = names.member((net.before or {}).get("member_id"))
        now = names.member((net.after or {}).get("member_id"))
        out.append(f"{names.person(who)}: owner {was} → {now}")


def _team(nets: list[_Net], names: _Names, out: list[str]) -> None:
    joined: dict[str, list[str]] = defaultdict(list)
    left: dict[str, list[str]] = defaultdict(list)
    for net in nets:
        member, role = net.key
        (joined if net.before is None else left)[member].append(role.replace("_", " "))
    for member in dict.fromkeys([*left, *joined]):
        now, was = joined.get(member, []), left.get(member, [])
        if len(now) == len(was) == 1:
            out.append(f"{names.member(member)}: role {was[0]} → {now[0]}")
            continue
        out += [f"{names.member(member)} left the team ({role})" for role in was]
        out += [f"{names.member(member)} joined the team as {role}" for role in now]


def _lines(
    by_collection: dict[str, list[_Net]], names: _Names, gone: set[str], out: list[str]
) -> None:
    gained: dict[str, list[str]] = defaultdict(list)
    lost: dict[str, list[str]] = defaultdict(list)
    for net in by_collection["reports_to"]:
        who, manager = net.key
        (gained if net.before is None else lost)[who].append(manager)
    for who in dict.fromkeys([*gained, *lost]):
        now, was = gained.get(who, []), lost.get(who, [])
        person = names.person(who)
        if len(now) == len(was) == 1:
            out.append(
                f"{person} now reports to {names.person(now[0])} (was {names.person(was[0])})"
            )
            continue
        out += [f"{person} now reports to {names.person(m)}" for m in now]
        if who not in gone:
            out += [
                f"{person} no longer reports to {names.person(m)}" for m in was if m not in gone
            ]
    for net in by_collection["influences"]:
        source, target = (names.person(i) for i in net.key)
        if net.before is None:
            out.append(f"{source} now influences {target}")
        elif net.after is None:
            out.append(f"{source} no longer influences {target}")
        else:
            was, now = net.before["weight"], net.after["weight"]
            more = "more" if now > was else "less"
            out.append(f"{source} influences {target} {more} (weight {was} → {now})")
    for net in by_collection["conflicts"]:
        one, other = (names.person(i) for i in net.key)
        now = "now" if net.before is None else "no longer"
        out.append(f"{one} and {other} are {now} in conflict")


def _account(nets: list[_Net], out: list[str]) -> None:
    for net in nets:
        out += [
            _from_to(f, net.before[f], net.after[f])
            for f in _ACCOUNT
            if net.after and f in net.after
        ]


def _activity(nets: list[_Net], out: list[str]) -> None:
    for verb, nets_of in (
        ("logged", [n.after for n in nets if n.before is None]),
        ("removed", [n.before for n in nets if n.after is None]),
    ):
        if nets_of:
            channels = Counter(n["channel"] for n in nets_of)
            each = ", ".join(f"{k} {c}{'' if k == 1 else 's'}" for c, k in channels.most_common())
            noun = "interaction" if len(nets_of) == 1 else "interactions"
            out.append(f"{len(nets_of)} {noun} {verb} ({each})")


def _health(before: int | None, after: int | None) -> list[str]:
    if before == after:
        return []
    if before is None:
        return [f"new account: {after}"]
    if after is None:
        return [f"{before} → no score"]
    return [f"{before} → {after} ({after - before:+d})"]


def _from_to(field: str, before: Any, after: Any) -> str:
    """``field before → after``, and which way it went where the field has a direction."""
    said = f"{_value(field, before)} → {_value(field, after)}{_trend(field, before, after)}"
    label = _LABELS.get(field, field)
    return f"{label} {said}" if label else said


def _trend(field: str, before: Any, after: Any) -> str:
    """Which way a directed field went, " (up)" or " (down)", when both ends are known."""
    if before is None or after is None or field not in _DIRECTED:
        return ""
    order = _DIRECTED[field]
    if order is not None:
        before, after = order.index(before), order.index(after)
    return " (up)" if after > before else " (down)"


def _value(field: str, value: Any) -> str:
    """A stored value as a reader says it: enums with spaces, lists joined, amounts grouped."""
    if value is None or value == []:
        return "unrated" if field == "strength" else "none"
    if isinstance(value, list):
        return " and ".join(_value(field, v) for v in value)
    if field in _ENUMS:
        return str(value).replace("_", " ")
    if field in ("annual_revenue", "profit"):
        return f"{value:,.0f}"
    return str(value)
