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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from pydantic import BaseModel, TypeAdapter

from graph.analysis.result import CoverageGap
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
        for key in sorted(old.keys() | new.keys()):
            was, now = old.get(key), new.get(key)
            if was != now:
                yield from _record_changes(
                    collection,
                    key,
                    _validated(collection, was),
                    _validated(collection, now),
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


class Recorder:
    """The accounts one block of writes touches, each as it was before the block's first
    write to it; :meth:`changes` diffs them against the same accounts at the block's end.

    States wait compressed (a re-import touches every account of the store).
    """

    def __init__(self, stamp: Stamp) -> None:
        self.stamp = stamp
        self._before: dict[str, bytes | None] = {}

    def touch(self, reader: Reader, account_ids: Iterable[str]) -> None:
        """Remember how these accounts are now, unless an earlier write already did."""
        new = sorted(set(account_ids) - self._before.keys())
        for start in range(0, len(new), _READ_BATCH):
            batch = new[start : start + _READ_BATCH]
            found = reader.account_states(batch)
            for account_id in batch:
                state = found.get(account_id)
                self._before[account_id] = _pack(state) if state is not None else None

    def changes(self, reader: Reader) -> Iterator[tuple[str, Change]]:
        """(account id, change) for everything the block changed, stamped, by account."""
        ids = sorted(self._before)
        for start in range(0, len(ids), _READ_BATCH):
            batch = ids[start : start + _READ_BATCH]
            after = reader.account_states(batch)
            for account_id in batch:
                packed = self._before[account_id]
                before = _unpack(packed) if packed is not None else None
                for change in diff_stored(before, after.get(account_id), self.stamp):
                    yield account_id, change


_READ_BATCH: Final = 200


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
