"""History: what changed in an account, record by record, and the account as it was.

A write's changes are the difference between each touched account's records before and
after it (:func:`diff_stored`), so what a write does indirectly — a move dropping reporting
lines, a new owner replacing the old one, a re-imported meeting losing a participant —
is recorded exactly as it happened, and a write that changes nothing records nothing.
The past is the reverse: the graph now with every later change undone (:func:`rewind`).

Records are keyed as the store keys them (an id, or the ids an edge joins); an added
or removed record carries its whole JSON form, a changed one one entry per field.

>>> from graph.model import Account, Stakeholder
>>> before = AccountGraph(accounts=[Account(id="a", name="A")])
>>> after = AccountGraph(
...     accounts=[Account(id="a", name="A")],
...     stakeholders=[Stakeholder(id="s", account_id="a", name="Sam", stance="supporter")],
... )
>>> [(c.kind, c.subject_id) for c in diff(before, after)]
[('stakeholder_added', 's')]
>>> rewind(after, diff(before, after)) == before
True
"""

from __future__ import annotations

import datetime as dt
import json
import marshal
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from pydantic import BaseModel, TypeAdapter

from graph import cypher
from graph.analysis.result import CoverageGap
from graph.dialect import Dialect
from graph.model import (
    STORED,
    Account,
    AccountGraph,
    Competitor,
    ConflictsWith,
    Favors,
    Influences,
    Interaction,
    Knows,
    Ownership,
    Portfolio,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
    TeamMember,
    record_key,
)


@dataclass(frozen=True)
class Collection:
    """How one kind of record is keyed and named in the change log."""

    field: str  #: the Portfolio field holding the records
    model: type[BaseModel]  #: the records' type
    noun: str  #: the change kinds' stem: ``{noun}_added``, ``_changed``, ``_removed``
    subject: str  #: the key field named as ``subject_id``
    counterpart: str | None = None  #: the other key field, named as ``counterpart_id``

    def key(self, record: dict[str, Any]) -> tuple[str, ...]:
        """The record's identity within its account."""
        if self.counterpart is None:
            return (record[self.subject],)
        return (record[self.subject], record[self.counterpart])


#: Every kind of record an account graph holds, in the order changes are listed.
COLLECTIONS: Final[tuple[Collection, ...]] = (
    Collection("accounts", Account, "account", "id"),
    Collection("stakeholders", Stakeholder, "stakeholder", "id"),
    Collection("team_members", TeamMember, "team_member", "id"),
    Collection("competitors", Competitor, "competitor", "id"),
    Collection("team", TeamAssignment, "team", "member_id", "role"),
    Collection("knows", Knows, "relationship", "stakeholder_id", "member_id"),
    Collection("owners", Ownership, "owner", "stakeholder_id"),
    Collection("reports_to", ReportsTo, "line", "stakeholder_id", "manager_id"),
    Collection("influences", Influences, "line", "source_id", "target_id"),
    Collection("conflicts", ConflictsWith, "line", "stakeholder_id", "other_id"),
    Collection("favors", Favors, "preference", "stakeholder_id", "competitor_id"),
    Collection("interactions", Interaction, "interaction", "id"),
)
BY_FIELD: Final = {c.field: c for c in COLLECTIONS}

#: One account's records as stored, not validated: Portfolio field → record key → the
#: properties the record's model reads (see :func:`diff_stored`).
State = dict[str, dict[tuple[str, ...], dict[str, Any]]]


class Change(BaseModel):
    """One recorded change to one record of an account.

    ``field`` is None when the whole record was added (``after`` holds it) or removed
    (``before`` holds it); otherwise one field went from ``before`` to ``after``.
    """

    kind: str
    collection: str
    subject_id: str
    counterpart_id: str | None = None
    field: str | None = None
    before: Any = None
    after: Any = None
    at: dt.date | None = None
    actor: str | None = None


class HealthChange(BaseModel):
    """The health score at both ends of a diff (None where the account did not exist)."""

    before: int | None
    after: int | None


class AccountDiff(BaseModel):
    """What changed on one account between the end of ``since`` and the end of ``until``.

    ``changes`` are record changes only, oldest first; what the analyses make of them
    is in ``health`` and the coverage gaps that opened or closed (the gaps of the
    analysis as of ``until`` that the one as of ``since`` did not have, and back).
    """

    account_id: str
    since: dt.date
    until: dt.date
    changes: list[Change]
    health: HealthChange
    gaps_opened: list[CoverageGap]
    gaps_closed: list[CoverageGap]


def _records(graph: Portfolio | None, collection: Collection) -> dict[tuple[str, ...], dict]:
    if graph is None:
        return {}
    records = (r.model_dump(mode="json") for r in getattr(graph, collection.field))
    return {collection.key(r): r for r in records}


def _change(collection: Collection, key: tuple[str, ...], kind: str, **values: Any) -> Change:
    return Change(
        kind=f"{collection.noun}_{kind}",
        collection=collection.field,
        subject_id=key[0],
        counterpart_id=key[1] if len(key) > 1 else None,
        **values,
    )


def _record_changes(
    collection: Collection,
    key: tuple[str, ...],
    old: dict | None,
    new: dict | None,
    stamp: dict[str, Any],
) -> Iterator[Change]:
    """What turns one record (JSON form; None: absent) into the other, each change with
    the ``at`` and ``actor`` of ``stamp`` (empty: left unset)."""
    if old is None:
        if new is not None:
            yield _change(collection, key, "added", after=new, **stamp)
    elif new is None:
        yield _change(collection, key, "removed", before=old, **stamp)
    else:
        for name in sorted(old.keys() | new.keys()):
            was, now = old.get(name), new.get(name)
            if was != now:
                yield _change(
                    collection, key, "changed", field=name, before=was, after=now, **stamp
                )


def diff(before: Portfolio | None, after: Portfolio | None) -> list[Change]:
    """The changes that turn one account's graph ``before`` into ``after`` (None: absent).

    Unchanged records give nothing; ``at`` and ``actor`` are left for the caller.
    """
    changes: list[Change] = []
    for collection in COLLECTIONS:
        old, new = _records(before, collection), _records(after, collection)
        for key in sorted(old.keys() | new.keys()):
            changes += _record_changes(collection, key, old.get(key), new.get(key), {})
    return changes


def _validated(collection: Collection, stored: dict[str, Any] | None) -> dict | None:
    """A stored record as its model reads it, in JSON form (what :func:`diff` compares)."""
    if stored is None:
        return None
    return collection.model.model_validate(stored, context=STORED).model_dump(mode="json")


def diff_stored(
    before: State | None, after: State | None, stamp: Stamp | None = None
) -> Iterator[Change]:
    """:func:`diff` of the graphs two stored states read as, without reading them; each
    change stamped with ``stamp``'s date and actor (None: left for the caller).

    A record stored alike on both sides reads alike, so only the records whose stored
    properties differ go through their models: a write is mostly records it left as
    they were, and validating every record twice was most of what recording cost.
    """
    stamped = {"at": stamp.at, "actor": stamp.actor} if stamp is not None else {}
    for collection in COLLECTIONS:
        old = before[collection.field] if before is not None else {}
        new = after[collection.field] if after is not None else {}
        # Sorted once found: most records are stored alike, and sorting them all took
        # longer than comparing them.
        differ = [key for key in old.keys() | new.keys() if old.get(key) != new.get(key)]
        for key in sorted(differ):
            yield from _record_changes(
                collection,
                key,
                _validated(collection, old.get(key)),
                _validated(collection, new.get(key)),
                stamped,
            )


def rewind(graph: Portfolio, changes: list[Change]) -> AccountGraph:
    """``graph`` with ``changes`` (oldest first, all made after the wanted moment) undone."""
    records = {c.field: _records(graph, c) for c in COLLECTIONS}
    undo(records, (entry(c) for c in reversed(changes)))
    graph = AccountGraph.model_validate(
        {field: list(held.values()) for field, held in records.items()}, context=STORED
    )
    # The store's own order, so a rewound graph equals the one read on that day.
    return graph.model_copy(
        update={
            c.field: tuple(sorted(getattr(graph, c.field), key=record_key)) for c in COLLECTIONS
        }
    )


# --- recording: what the store runs around a block of writes ----------------------------


@dataclass(frozen=True)
class Stamp:
    """Who makes a block of writes, and the date its changes take effect.

    An import of last quarter's export is stamped with that quarter's date
    (``--effective``); the log is kept in date order, so an earlier date than the newest
    recorded change is refused when the block has changes to record.
    """

    actor: str
    at: dt.date

    @classmethod
    def today(cls, actor: str = "kamgraph") -> Stamp:
        """A write that takes effect today."""
        return cls(actor=actor, at=dt.date.today())


class Reader(Protocol):
    """What recording needs of the store: the accounts' records as they are now."""

    def account_states(self, account_ids: Sequence[str]) -> dict[str, State]: ...


class Runner(Protocol):
    """Runs statements: an engine, or one transaction open on it (the store's runner)."""

    dialect: Dialect

    def run(
        self, query: str, params: dict[str, Any] | None = None, *, write: bool
    ) -> list[dict]: ...


def known(model: type[BaseModel], stored: dict[str, Any]) -> dict[str, Any]:
    """The stored properties ``model`` reads (the others, such as ``updated``, left out)."""
    fields = _FIELDS.get(model)
    if fields is None:
        fields = _FIELDS[model] = frozenset(model.model_fields)
    if stored.keys() <= fields:  # the usual case: no copy
        return stored
    return {k: v for k, v in stored.items() if k in fields}


#: Each model's field names (pydantic's ``model_fields`` is a property, slow to ask per value).
_FIELDS: dict[type[BaseModel], frozenset[str]] = {}


class Recorder:
    """The accounts one block of writes touches, each as it was before the block's first
    write to it and as it is now; :meth:`changes` diffs the two at the block's end.

    "Now" is kept without reading the accounts again: after each upsert statement runs,
    its rows are applied to the states as the statement applies them to the stored
    records (:data:`_APPLIED`, one function per statement). A write whose effect is not
    reproduced here — a delete, an erasure, a stakeholder moving between accounts, a
    store that does not look as the write's check said — marks the accounts it may
    change for reading again at the end instead (:attr:`rereads`), so what is recorded
    never rests on a guess. States wait compressed (a re-import touches every account
    of the store); the ones being applied to are held open, a few hundred at a time.
    """

    def __init__(self, stamp: Stamp, settled: Mapping[str, bytes | None] | None = None) -> None:
        self.stamp = stamp
        # The accounts as the last block of this process left them, when no write came
        # after it (see Settled): taken as they are instead of read.
        self._settled = settled or {}
        self._before: dict[str, bytes | None] = {}
        self._now: dict[str, bytes | None] = {}  # current states not open (None: absent)
        self._open: dict[str, State] = {}  # current states being applied to
        self._stale: set[str] = set()  # read again at the end
        # Where the held accounts' stakeholders work and their interactions are filed,
        # and the stored records of the team members and competitors seen: what routes a
        # row to its account and fills the accounts' member and competitor lists.
        self._works_at: dict[str, str] = {}
        self._filed: dict[str, str] = {}
        self._members: dict[str, dict[str, Any]] = {}
        self._competitors: dict[str, dict[str, Any]] = {}
        self._runner: Runner | None = None
        self._read_before: set[str] = set()
        #: The touched accounts' states at the block's end, packed, for the next block
        #: (None: too many to keep, see :data:`SETTLED_LIMIT`).
        self.settled: dict[str, bytes | None] | None = {}

    @property
    def read_before(self) -> frozenset[str]:
        """The touched accounts read from the store as the block began (the rest were
        taken as the last block left them)."""
        return frozenset(self._read_before)

    @property
    def rereads(self) -> frozenset[str]:
        """The touched accounts whose states the block's end reads again."""
        return frozenset(self._stale)

    def watch(self, runner: Runner) -> Runner:
        """``runner``, telling this recorder of every write it runs (the block's runner)."""
        self._runner = runner
        return _Watched(runner, self)

    def touch(self, reader: Reader, account_ids: Iterable[str]) -> None:
        """Remember how these accounts are now, unless an earlier write already did.

        Called as each batch of writes begins: the states the last batch opened are
        packed away here, not after each statement (its statements open the same
        accounts' states one after another, and packing them between was most of the
        applying's time on a large import)."""
        if len(self._open) > _READ_BATCH:
            self._close()
        new = sorted(set(account_ids) - self._before.keys())
        unread = [a for a in new if a not in self._settled]
        for account_id, packed in self.settled_before(
            reader, [a for a in new if a in self._settled]
        ):
            self._before[account_id] = packed
            if packed is None:
                self._now[account_id] = None
            else:
                state = self._open[account_id] = _unpack(packed)
                self._index(account_id, state)
            if len(self._open) > _READ_BATCH:
                self._close()
        for start in range(0, len(unread), _READ_BATCH):
            batch = unread[start : start + _READ_BATCH]
            self._read_before.update(batch)
            found = reader.account_states(batch)
            for account_id in batch:
                state = found.get(account_id)
                if state is None:
                    self._before[account_id] = self._now[account_id] = None
                else:
                    self._before[account_id] = _pack(state)
                    self._open[account_id] = state  # as read: the block's writes come next
                    self._index(account_id, state)
            if len(self._open) > _READ_BATCH:
                self._close()

    def settled_before(
        self, reader: Reader, account_ids: list[str]
    ) -> Iterator[tuple[str, bytes | None]]:
        """These accounts' states (packed) as the last block left them: as stored now,
        since no write came after it. (The tests' guard compares them with the store.)"""
        for account_id in account_ids:
            yield account_id, self._settled[account_id]

    def _index(self, account_id: str, state: State) -> None:
        for (stakeholder_id,) in state["stakeholders"]:
            self._works_at[stakeholder_id] = account_id
        for (interaction_id,) in state["interactions"]:
            self._filed[interaction_id] = account_id
        for (member_id,), member in state["team_members"].items():
            self._members[member_id] = member
        for (competitor_id,), competitor in state["competitors"].items():
            self._competitors[competitor_id] = competitor

    def wrote(self, query: str, params: dict[str, Any] | None) -> None:
        """Bring the states up to date with a write that just ran."""
        apply = _APPLIED.get(query)
        if apply is not None:
            assert params is not None
            apply(self, params["rows"])
        elif query not in _NO_RECORDS:
            # Any record of any held account may have changed, and any record seen.
            self._stale.update(self._before)
            self._now.clear()
            self._open.clear()
            for held in (self._works_at, self._filed, self._members, self._competitors):
                held.clear()

    def _close(self) -> None:
        for account_id, state in self._open.items():
            self._now[account_id] = _pack(state)
        self._open.clear()

    def _current(self, account_id: str | None) -> State | None:
        """A held account's state now, open for applying (None: not held, not kept, or
        absent: a statement's MATCH of its records finds nothing)."""
        if account_id is None:
            return None
        state = self._open.get(account_id)
        if state is None:
            packed = self._now.get(account_id)
            if packed is None:
                return None
            del self._now[account_id]
            state = self._open[account_id] = _unpack(packed)
        return state

    def _reread(self, *account_ids: str | None) -> None:
        for account_id in account_ids:
            if account_id in self._before:
                self._stale.add(account_id)
                self._now.pop(account_id, None)
                self._open.pop(account_id, None)

    # --- what the block's checks may take from the held states instead of reading it

    def holds(self, account_id: str) -> bool:
        """Whether this recorder keeps ``account_id``'s state current: touched, and not
        marked for reading again."""
        return account_id in self._before and account_id not in self._stale

    def account_stored(self, account_id: str) -> bool | None:
        """Whether a held account is stored now (None: not held, ask the store)."""
        if not self.holds(account_id):
            return None
        return account_id in self._open or self._now.get(account_id) is not None

    def works_at(self, stakeholder_id: str) -> str | None:
        """The held account a stakeholder works at now (None: at none held, which says
        nothing of the accounts not held)."""
        account_id = self._works_at.get(stakeholder_id)
        return account_id if account_id is not None and self.holds(account_id) else None

    def member_stored(self, member_id: str) -> bool:
        """Whether a team member is stored: shown on a held account or written in this
        block (False: not known here, ask the store)."""
        return member_id in self._members

    def competitor_stored(self, competitor_id: str) -> bool:
        """As :meth:`member_stored`, for a competitor."""
        return competitor_id in self._competitors

    def after(self, reader: Reader, account_ids: Sequence[str]) -> dict[str, State | None]:
        """These held accounts' states at the block's end: applied, or read again."""
        states: dict[str, State | None] = {}
        for account_id in account_ids:
            if account_id not in self._stale:
                state = self._current(account_id)
                self._open.pop(account_id, None)
                states[account_id] = state
        self._fill(states)
        reread = [a for a in account_ids if a not in states]
        found = reader.account_states(reread) if reread else {}
        states.update((a, found.get(a)) for a in reread)
        return states

    def _fill(self, states: dict[str, State | None]) -> None:
        """Each state's team members and competitors: every one that appears in it, as
        stored; one seen nowhere yet is read by id. A state naming one that is not
        stored is left out of ``states`` (read again): the write's MATCH found nobody."""
        members = {a: _members_in(s) for a, s in states.items() if s is not None}
        competitors = {a: {c for _, c in s["favors"]} for a, s in states.items() if s is not None}
        self._read_missing(
            cypher.FIND_TEAM_MEMBERS,
            set().union(*members.values()) - self._members.keys(),
            lambda row: self._members.__setitem__(row["id"], known(TeamMember, row["props"])),
        )
        self._read_missing(
            cypher.FIND_COMPETITORS,
            set().union(*competitors.values()) - self._competitors.keys(),
            lambda row: self._competitors.__setitem__(row["id"], _competitor(row["props"])),
        )
        for account_id, wanted in members.items():
            state = states[account_id]
            assert state is not None
            try:
                state["team_members"] = {(m,): self._members[m] for m in wanted}
                state["competitors"] = {(c,): self._competitors[c] for c in competitors[account_id]}
            except KeyError:
                del states[account_id]
                self._stale.add(account_id)

    def _read_missing(self, query: str, ids: set[str], put: Callable[[dict], None]) -> None:
        assert self._runner is not None or not ids
        wanted = sorted(ids)
        for start in range(0, len(wanted), _READ_BATCH):
            for row in self._runner.run(  # type: ignore[union-attr]
                query, {"ids": wanted[start : start + _READ_BATCH]}, write=False
            ):
                put(row)

    def changes(self, reader: Reader) -> Iterator[tuple[str, Change]]:
        """(account id, change) for everything the block changed, stamped, by account."""
        ids = sorted(self._before)
        if len(ids) > SETTLED_LIMIT:
            self.settled = None
        for start in range(0, len(ids), _READ_BATCH):
            batch = ids[start : start + _READ_BATCH]
            after = self.after(reader, batch)
            for account_id in batch:
                if self.settled is not None:
                    state = after[account_id]
                    self.settled[account_id] = None if state is None else _pack(state)
                packed = self._before[account_id]
                before = _unpack(packed) if packed is not None else None
                for change in diff_stored(before, after[account_id], self.stamp):
                    yield account_id, change

    # --- the upserts' effects, statement by statement (rows as graph.store shapes them)

    def _accounts(self, rows: list[dict], *, create: bool) -> None:
        for row in rows:
            account_id = row["id"]
            if account_id not in self._before or account_id in self._stale:
                continue
            state = self._current(account_id)
            key = (account_id,)
            if state is None:  # held, not stored: created (by MERGE too)
                state = self._open[account_id] = {c.field: {} for c in COLLECTIONS}
                self._now.pop(account_id, None)
                state["accounts"][key] = _created({"id": account_id}, row["props"])
            elif create:  # a second node with the id: not what a check lets through
                self._reread(account_id)
            else:
                state["accounts"][key] = _merged(state["accounts"][key], row["props"])

    def _create_accounts(self, rows: list[dict]) -> None:
        self._accounts(rows, create=True)

    def _upsert_accounts(self, rows: list[dict]) -> None:
        self._accounts(rows, create=False)

    def _create_members(self, rows: list[dict]) -> None:
        for row in rows:
            self._members[row["id"]] = _created({"id": row["id"]}, row["props"])

    def _upsert_members(self, rows: list[dict]) -> None:
        for row in rows:
            held = self._members.get(row["id"])
            if held is not None:  # else read by id at the end, if an account shows them
                self._members[row["id"]] = _merged(held, row["props"])

    def _create_competitors(self, rows: list[dict]) -> None:
        for row in rows:
            self._competitors[row["id"]] = _competitor(_created({"id": row["id"]}, row["props"]))

    def _upsert_competitors(self, rows: list[dict]) -> None:
        for row in rows:
            held = self._competitors.get(row["id"])
            if held is not None:
                self._competitors[row["id"]] = _competitor(_merged(held, row["props"]))

    def _create_stakeholders(self, rows: list[dict]) -> None:
        for row in rows:
            stakeholder_id, account_id = row["id"], row["account_id"]
            state = self._current(account_id)
            if state is None:
                continue
            if stakeholder_id in self._works_at:
                self._reread(account_id, self._works_at.pop(stakeholder_id))
                continue
            base = {"id": stakeholder_id, "account_id": account_id}
            state["stakeholders"][(stakeholder_id,)] = _created(base, row["props"])
            self._works_at[stakeholder_id] = account_id

    def _upsert_stakeholders(self, rows: list[dict]) -> None:
        """In place or moving alike: the move clauses drop only lines with people at other
        accounts, which no account's state lists. A real move (or one from an account not
        held) is read again: the lines the person brings along are not held here."""
        for row in rows:
            stakeholder_id, account_id = row["id"], row["account_id"]
            state = self._current(account_id)
            if self._works_at.get(stakeholder_id) != account_id or state is None:
                self._reread(account_id, self._works_at.pop(stakeholder_id, None))
                continue
            key = (stakeholder_id,)
            state["stakeholders"][key] = _merged(state["stakeholders"][key], row["props"])

    def _upsert_team(self, rows: list[dict]) -> None:
        """MERGE on the member and account alone: the role replaces any other they had."""
        for row in rows:
            state = self._current(row["account_id"])
            if state is None:
                continue
            team, member_id = state["team"], row["member_id"]
            for key in [k for k in team if k[0] == member_id]:
                del team[key]
            team[(member_id, row["role"])] = {
                "member_id": member_id,
                "role": row["role"],
                "account_id": row["account_id"],
            }

    def _upsert_knows(self, rows: list[dict]) -> None:
        for row in rows:
            state = self._current(self._works_at.get(row["stakeholder_id"]))
            if state is None:
                continue
            key = (row["stakeholder_id"], row["member_id"])
            held = state["knows"].get(key)
            if held is None:
                base = {"member_id": row["member_id"], "stakeholder_id": row["stakeholder_id"]}
                state["knows"][key] = _created(base, row["props"])
            else:
                state["knows"][key] = _merged(held, row["props"])

    def _line_state(self, one: str, other: str | None) -> State | None:
        """The state of the account where a line from ``one`` to ``other`` is listed; an
        account where the line would join people of two accounts (the check refuses
        that) is read again instead."""
        account_id = self._works_at.get(one)
        state = self._current(account_id)
        if state is not None and other is not None and self._works_at.get(other) != account_id:
            self._reread(account_id)
            return None
        return state

    def _upsert_reports_to(self, rows: list[dict]) -> None:
        """One manager each: the new line replaces the old."""
        managers: dict[str, dict[str, list[tuple[str, ...]]]] = {}  # account → person → lines
        for row in rows:
            person, boss = row["stakeholder_id"], row["manager_id"]
            state = self._line_state(person, boss)
            if state is not None:
                lines = state["reports_to"]
                account_id = self._works_at[person]
                held = managers.get(account_id)
                if held is None:  # once per account, not a scan of its lines per row
                    held = managers[account_id] = defaultdict(list)
                    for key in lines:
                        held[key[0]].append(key)
                for key in held.pop(person, ()):
                    del lines[key]
                lines[(person, boss)] = {"stakeholder_id": person, "manager_id": boss}
                held[person] = [(person, boss)]

    def _remove_reporting_lines(self, rows: list[dict]) -> None:
        for row in rows:
            state = self._line_state(row["stakeholder_id"], None)
            if state is not None:
                _drop_lines(state["reports_to"], row["stakeholder_id"])

    def _upsert_influences(self, rows: list[dict]) -> None:
        for row in rows:
            state = self._line_state(row["source_id"], row["target_id"])
            if state is not None:
                state["influences"][(row["source_id"], row["target_id"])] = {
                    "source_id": row["source_id"],
                    "target_id": row["target_id"],
                    "weight": row["weight"],
                }

    def _upsert_conflicts(self, rows: list[dict]) -> None:
        for row in rows:
            state = self._line_state(row["stakeholder_id"], row["other_id"])
            if state is not None:
                state["conflicts"][(row["stakeholder_id"], row["other_id"])] = {
                    "stakeholder_id": row["stakeholder_id"],
                    "other_id": row["other_id"],
                }

    def _set_owners(self, rows: list[dict]) -> None:
        """One owner each: the new one replaces the old."""
        for row in rows:
            state = self._current(self._works_at.get(row["stakeholder_id"]))
            if state is not None:
                state["owners"][(row["stakeholder_id"],)] = {
                    "member_id": row["member_id"],
                    "stakeholder_id": row["stakeholder_id"],
                }

    def _upsert_favors(self, rows: list[dict]) -> None:
        for row in rows:
            state = self._current(self._works_at.get(row["stakeholder_id"]))
            if state is not None:
                state["favors"][(row["stakeholder_id"], row["competitor_id"])] = {
                    "stakeholder_id": row["stakeholder_id"],
                    "competitor_id": row["competitor_id"],
                }

    def _interactions(self, rows: list[dict], *, create: bool) -> None:
        """Props set, filed under the row's account (an upsert re-files it), participants
        replaced. One whose record is not held (filed under an account not held), or
        with a participant not held here (someone who moved on), whose existence the
        MATCH decides, is read again."""
        for row in rows:
            interaction_id, account_id = row["id"], row["account_id"]
            filed = self._filed.pop(interaction_id, None)
            state, old = self._current(account_id), self._current(filed)
            held = filed is None if create else old is not None
            if (
                state is None
                or not held
                or any(s not in self._works_at for s in row["stakeholder_ids"])
            ):
                self._reread(account_id, filed)
                continue
            record = (
                {"id": interaction_id}
                if old is None
                else old["interactions"].pop((interaction_id,))
            )
            record = _merged(record, {**row["props"], "account_id": account_id})
            record["member_ids"] = sorted(set(row["member_ids"]))
            record["stakeholder_ids"] = sorted(set(row["stakeholder_ids"]))
            state["interactions"][(interaction_id,)] = record
            self._filed[interaction_id] = account_id

    def _create_interactions(self, rows: list[dict]) -> None:
        self._interactions(rows, create=True)

    def _upsert_interactions(self, rows: list[dict]) -> None:
        self._interactions(rows, create=False)


class _Watched:
    """A block's runner that tells its recorder of each write after running it."""

    def __init__(self, runner: Runner, recorder: Recorder) -> None:
        self._runner = runner
        self._recorder = recorder
        self.dialect = runner.dialect

    def run(self, query: str, params: dict[str, Any] | None = None, *, write: bool) -> list[dict]:
        rows = self._runner.run(query, params, write=write)
        if write:
            self._recorder.wrote(query, params)
        return rows


def _created(base: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """A new record's stored properties: ``SET += props`` stores no null."""
    return {**base, **{k: v for k, v in props.items() if v is not None}}


def _merged(record: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
    """A stored record after ``SET += props``: a null removes the property."""
    merged = {**record, **props}
    for name in [name for name, value in props.items() if value is None]:
        del merged[name]
    return merged


def _competitor(stored: dict[str, Any]) -> dict[str, Any]:
    """A competitor as an account's state lists it (what its favourers' rows carry)."""
    return {"id": stored["id"], "name": stored.get("name")}


def _drop_lines(lines: dict[tuple[str, ...], dict[str, Any]], stakeholder_id: str) -> None:
    for key in [k for k in lines if k[0] == stakeholder_id]:
        del lines[key]


def _members_in(state: State) -> set[str]:
    """The team members an account's graph shows: on its team, knowing or owning one of
    its people, or at one of its meetings."""
    members = {r["member_id"] for kind in ("team", "knows", "owners") for r in state[kind].values()}
    for record in state["interactions"].values():
        members.update(record["member_ids"])
    return members


#: What each upsert statement does to the states it touches, applied to its rows.
_APPLIED: Final[dict[str, Callable[[Recorder, list[dict]], None]]] = {
    cypher.CREATE_ACCOUNTS: Recorder._create_accounts,
    cypher.UPSERT_ACCOUNTS: Recorder._upsert_accounts,
    cypher.CREATE_TEAM_MEMBERS: Recorder._create_members,
    cypher.UPSERT_TEAM_MEMBERS: Recorder._upsert_members,
    cypher.CREATE_COMPETITORS: Recorder._create_competitors,
    cypher.UPSERT_COMPETITORS: Recorder._upsert_competitors,
    cypher.CREATE_STAKEHOLDERS: Recorder._create_stakeholders,
    cypher.UPSERT_STAKEHOLDERS: Recorder._upsert_stakeholders,
    cypher.UPSERT_STAKEHOLDERS_IN_PLACE: Recorder._upsert_stakeholders,
    cypher.UPSERT_TEAM_ASSIGNMENTS: Recorder._upsert_team,
    cypher.UPSERT_KNOWS: Recorder._upsert_knows,
    cypher.UPSERT_REPORTS_TO: Recorder._upsert_reports_to,
    cypher.REMOVE_REPORTING_LINES: Recorder._remove_reporting_lines,
    cypher.UPSERT_INFLUENCES: Recorder._upsert_influences,
    cypher.UPSERT_CONFLICTS: Recorder._upsert_conflicts,
    cypher.SET_OWNERS: Recorder._set_owners,
    cypher.UPSERT_FAVORS: Recorder._upsert_favors,
    cypher.CREATE_INTERACTIONS: Recorder._create_interactions,
    cypher.UPSERT_INTERACTIONS: Recorder._upsert_interactions,
}

#: The writes that change no record an account's state holds (the log, the clock, the
#: store's version, tokens, secrets, erasure's guard).
_NO_RECORDS: Final = frozenset(
    {
        cypher.RECORD_CHANGE_SETS,
        cypher.REWRITE_CHANGE_SETS,
        cypher.DELETE_CHANGE_SETS,
        cypher.DELETE_OLD_CHANGES,
        cypher.SET_HISTORY_CLOCK,
        cypher.BUMP_STORE_VERSION,
        cypher.ADD_TOKEN,
        cypher.REVOKE_TOKEN,
        cypher.REVOKE_LABELLED_TOKENS,
        cypher.SESSION_SECRET,
        cypher.ERASURE_SALT,
        cypher.MARK_ERASED,
    }
)

_READ_BATCH: Final = 200

#: The most accounts a block's end keeps for the next block (a few KB each, packed): a
#: re-import of a whole large store reads them again instead.
SETTLED_LIMIT: Final = 2_000


class Settled:
    """What the last write block of this process left: the store version its write made
    and the states of the accounts it touched, as they now are stored.

    A block that starts at that version — no write by anyone came after — takes those
    states as its accounts' "before" instead of reading them: the web app's edits and a
    run of imports in one process read an account once, not at every write. The version
    is the store's own (:meth:`graph.store.GraphStore.version`, bumped by every write
    transaction under the writer lock), so a write by another process or API worker is
    always seen. Shared by a store and the copies its blocks use; swapped whole, never
    changed in place, so a thread reads one pair."""

    def __init__(self) -> None:
        self.last: tuple[str, dict[str, bytes | None]] = ("", {})

    def at(self, version: Callable[[], str]) -> dict[str, bytes | None]:
        """The states kept, if the store's ``version`` (asked only when some are kept) is
        the one they were left at; else none."""
        kept_at, states = self.last
        return states if states and version() == kept_at else {}

    def keep(self, version: str, states: dict[str, bytes | None] | None) -> None:
        self.last = (version, states or {})

    def forget(self) -> None:
        self.last = ("", {})


# marshal, not JSON: a state's keys are tuples, its values plain, and it never leaves
# this process (marshal is twice as fast as pickle at this).
def _pack(state: State) -> bytes:
    return zlib.compress(marshal.dumps(state), 1)


def _unpack(packed: bytes) -> State:
    state: State = marshal.loads(zlib.decompress(packed))
    return state


def out_of_order(at: dt.date, newest: dt.date) -> str:
    """Why changes dated ``at`` may not be recorded after one dated ``newest``."""
    return (
        f"changes dated {at} would come before the newest recorded change ({newest}): "
        "history is kept in date order, so import older data first, or give a later "
        "--effective date"
    )


# --- the log as the store keeps it ------------------------------------------------------
#
# One ChangeSet node per account and write block holds the block's changes to that account
# as one JSON text (a node per change cost as much engine work and disk as the records
# themselves). Each change keeps its own sequence number, the set's first_seq plus its
# place in the set; ``at``, ``actor`` and ``recorded_at`` are the set's, as they are the
# block's.

#: One logged change as a set's JSON lists it: kind, collection, subject_id,
#: counterpart_id, field, before, after (values in JSON form; absent: null). A list, not
#: a map: the names would be a third of a typical set's text.
Entry = list[Any]

_CHANGES: Final = TypeAdapter(list[Change])


def entry(change: Change) -> Entry:
    """A change as its set lists it."""
    return [
        change.kind,
        change.collection,
        change.subject_id,
        change.counterpart_id,
        change.field,
        change.before,
        change.after,
    ]


def set_row(
    account_id: str,
    first_seq: int,
    at: str | None,
    actor: str | None,
    recorded_at: str | None,
    entries: Sequence[Entry | None],
) -> dict[str, Any]:
    """A ChangeSet's properties: values as JSON text (a list of lists is not a property
    value on Neo4j), absent ones left out. A null entry is one erasure took out: the
    others keep their numbers."""
    row: dict[str, Any] = {
        "account_id": account_id,
        "first_seq": first_seq,
        "count": sum(e is not None for e in entries),
        "at": at,
        "actor": actor,
        "recorded_at": recorded_at,
        "changes": json.dumps(entries, ensure_ascii=False),
    }
    return {k: v for k, v in row.items() if v is not None}


@dataclass(frozen=True)
class ChangeSet:
    """One stored set, decoded: an account's changes from one write block, oldest first."""

    account_id: str
    first_seq: int
    at: dt.date
    actor: str | None
    recorded_at: str | None
    entries: list[Entry | None]  #: None: taken out by an erasure

    @classmethod
    def of(cls, row: dict[str, Any]) -> ChangeSet:
        """A ChangeSet node's properties (a map projection of it) back as a set."""
        return cls(
            account_id=row["account_id"],
            first_seq=int(row["first_seq"]),
            at=dt.date.fromisoformat(row["at"]),
            actor=row.get("actor"),
            recorded_at=row.get("recorded_at"),
            entries=json.loads(row["changes"]),
        )

    def row_stamp(self) -> tuple[str, str, str | None, str | None]:
        """Account id, date (ISO), actor and recording time: what all its changes share."""
        return (self.account_id, self.at.isoformat(), self.actor, self.recorded_at)

    def numbered(self) -> Iterator[tuple[int, Entry]]:
        """(sequence number, entry) of the entries left, oldest first."""
        return ((self.first_seq + n, e) for n, e in enumerate(self.entries) if e is not None)

    def row(self) -> dict[str, Any]:
        """The set's properties as the store keeps them."""
        return set_row(
            self.account_id,
            self.first_seq,
            self.at.isoformat(),
            self.actor,
            self.recorded_at,
            self.entries,
        )


def changes(sets: Iterable[ChangeSet]) -> list[Change]:
    """The sets' entries as :class:`Change` objects, in the sets' order."""
    return as_changes((s, e) for s in sets for _, e in s.numbered())


def as_changes(entries: Iterable[tuple[ChangeSet, Entry]]) -> list[Change]:
    """Logged entries (each with its set) as :class:`Change` objects, in one validation."""
    return _CHANGES.validate_python(
        [
            {
                "kind": e[0],
                "collection": e[1],
                "subject_id": e[2],
                "counterpart_id": e[3],
                "field": e[4],
                "before": e[5],
                "after": e[6],
                "at": s.at,
                "actor": s.actor,
            }
            for s, e in entries
        ]
    )


#: An account's records keyed as :class:`Collection` keys them: Portfolio field → key →
#: the record (stored form or JSON form: validation reads both alike).
Keyed = dict[str, dict[tuple[str, ...], dict[str, Any]]]


def keyed(records: dict[str, list[dict[str, Any]]]) -> Keyed:
    """An account's records by collection and key (later duplicates win)."""
    return {c.field: {c.key(r): r for r in records.get(c.field, ())} for c in COLLECTIONS}


def undo(records: Keyed, entries: Iterable[Entry]) -> None:
    """Undo logged changes, newest first, on an account's records in place.

    Plain dicts all the way: a record is replaced, never changed in place, so a graph
    validated from ``records`` earlier stays as it was.
    """
    for _kind, field_name, subject, counterpart, name, before, _after in entries:
        held = records[field_name]
        key = (subject,) if counterpart is None else (subject, counterpart)
        if name is None and before is None:
            held.pop(key, None)
        elif name is None:
            held[key] = before
        elif key in held:
            held[key] = {**held[key], name: before}
