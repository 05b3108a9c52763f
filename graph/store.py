"""The graph store: kamgraph's operations, written once in Cypher, on either engine.

Writes go through :meth:`GraphStore.write`, which validates every reference of a
:class:`~graph.model.Portfolio` (against itself and what is stored) before the first
statement runs, so a bad batch changes nothing. Every write holds the store's writer
lock from its checks to its last statement and lands whole or not at all; a larger
write of several calls groups them with :meth:`GraphStore.atomic`. Reads return model
objects.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import gc
import json
import secrets
import threading
from collections import ChainMap, Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence, Set
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Final, Protocol, TypeVar

from pydantic import BaseModel

from graph import cypher, history
from graph.access import Token
from graph.erasure import (
    PROSE_FIELDS,
    Erased,
    Phrases,
    normal,
    phrase_hashes,
    salted_hash,
    search_terms,
)
from graph.errors import InvalidData, NotFound, NotRecorded, Problem
from graph.history import Change, Recorder, Runner, Stamp
from graph.model import (
    DEFAULT_CURRENCY,
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
from graph.settings import Settings

BATCH_SIZE = 1000

#: What the checks ask outside a block: a recorder that holds no account (they read all).
_HOLDS_NOTHING: Final = Recorder(Stamp("kamgraph", dt.date.min))

M = TypeVar("M", bound=BaseModel)


class Transaction(Runner, Protocol):
    """A runner open on one transaction; ``writes`` counts the write statements it ran."""

    writes: int


class Engine(Runner, Protocol):
    """What the store needs from an engine (embedded FalkorDB or Neo4j).

    ``run(write=True)`` runs one statement under the writer lock. ``transaction()``
    holds the lock for a block and yields a runner whose writes land when the block
    ends cleanly, all at once, and not at all when it raises or the process dies;
    ``one_statement`` promises at most one write (the embedded engine then needs no
    staged copy); ``on_wait`` is called once if another writer holds the lock.
    """

    def transaction(
        self, *, one_statement: bool = False, on_wait: Callable[[], None] | None = None
    ) -> AbstractContextManager[Transaction]: ...

    def ensure_schema(self) -> None: ...

    def describe(self) -> str: ...

    def purge_deleted(self) -> str: ...
    def ping(self) -> None: ...

    def recover(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Between:
    """An account at two dates, from one read (:meth:`GraphStore.account_between`)."""

    before: AccountGraph | None  #: at the end of ``since`` (None: its history starts later)
    after: AccountGraph  #: at the end of ``until``
    changes: list[Change]  #: after ``since`` and by ``until``, oldest first
    first: dt.date | None  #: the day its history starts (None: nothing recorded)
    news: list[Change]  #: after ``news_since`` and by ``until``, oldest first


class AccountSummary(BaseModel):
    """One line of the account list."""

    account: Account
    stakeholder_count: int


class DroppedLine(BaseModel):
    """A reporting, influence or conflict line a move drops (``kind`` as in Portfolio)."""

    kind: str
    from_id: str
    to_id: str


class Move(BaseModel):
    """A stakeholder a write moves to another account, and the lines that drops: those
    with people who are not at the new account."""

    stakeholder_id: str
    from_account: str
    to_account: str
    dropped: list[DroppedLine] = []


class WriteSummary(BaseModel):
    """What a write did: records written per kind, how many nodes were new, who moved."""

    written: dict[str, int]
    created: dict[str, int]
    moves: list[Move] = []


class Changes(BaseModel):
    """What writing some records of one kind would do to the store."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


class Addressed(BaseModel):
    """A person's e-mail addresses (``email`` and aliases); ``account_id`` None for ours."""

    id: str
    account_id: str | None
    addresses: tuple[str, ...]


class Mention(BaseModel):
    """A field of another record that names an erased person (its text is not repeated).

    ``kind`` is account, stakeholder, team member, competitor, interaction or
    relationship (``id`` then reads "MEMBER → STAKEHOLDER").
    """

    kind: str
    id: str
    field: str
    #: another person's own name or e-mail: listed, never scrubbed (see PROSE_FIELDS)
    identity: bool
    scrubbed: bool


class Erasure(BaseModel):
    """What erasing a stakeholder did to the graph."""

    stakeholder_id: str
    #: interactions only they attended on the customer's side (deleted with them)
    interactions_deleted: int
    #: shared interactions they were removed from (kept for the colleagues)
    interactions_kept: int
    mentions: list[Mention]


#: The record type of each kind of mention (MENTION_CANDIDATES names the kinds).
_KINDS: dict[str, type[BaseModel]] = {
    "account": Account,
    "stakeholder": Stakeholder,
    "team member": TeamMember,
    "competitor": Competitor,
    "interaction": Interaction,
    "relationship": Knows,
}

#: The statement that writes redacted text, per kind of mentioning record.
_SCRUB: dict[str, str] = {
    "account": cypher.SCRUB_ACCOUNTS,
    "stakeholder": cypher.SCRUB_STAKEHOLDERS,
    "team member": cypher.SCRUB_TEAM_MEMBERS,
    "competitor": cypher.SCRUB_COMPETITORS,
    "interaction": cypher.SCRUB_INTERACTIONS,
    "relationship": cypher.SCRUB_KNOWS,
}


def _batches(rows: Sequence[Any], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _props(record: BaseModel, *keys: str) -> dict[str, Any]:
    """The fields the caller set (ISO dates, enum values), minus the identifying keys.

    Only *set* fields are written, so a partial record (an import that does not carry
    stance) leaves what is stored alone; an explicit ``None`` removes the property.
    """
    return record.model_dump(mode="json", exclude_unset=True, exclude=set(keys))


def _json_defaults(model: type[BaseModel]) -> dict[str, Any]:
    """The model's field defaults as stored values: what an absent property reads as."""
    return {
        name: json.loads(json.dumps(field.default))
        for name, field in model.model_fields.items()
        if not field.is_required()
    }


def _redacted(value: Any, phrases: Phrases) -> Any:
    """``value`` (JSON) with an erased person's name and e-mail redacted in every string."""
    if isinstance(value, str):
        return phrases.redact(value)
    if isinstance(value, list):
        return [_redacted(v, phrases) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v, phrases) for k, v in value.items()}
    return value


def _identity(person: dict[str, Any]) -> tuple[str | None, ...]:
    """A stored person's name, e-mail and aliases: the phrases that mention them."""
    return (person["name"], person.get("email"), *(person.get("aliases") or ()))


def _load(model: type[M], props: dict[str, Any]) -> M:
    """Stored properties → model, ignoring properties the model does not know."""
    known = {k: v for k, v in props.items() if k in model.model_fields}
    return model.model_validate(known, context=STORED)


def _version(rows: list[dict]) -> str:
    """The store version a STORE_VERSION or BUMP_STORE_VERSION row gives."""
    row = rows[0]
    return "" if row["epoch"] is None else f"{row['epoch']}.{int(row['n'])}"


class GraphStore:
    """kamgraph's graph operations over one engine."""

    def __init__(self, engine: Engine, *, default_currency: str = DEFAULT_CURRENCY) -> None:
        self.engine = engine
        #: the currency of accounts that record none (what views show; nothing is stored)
        self.default_currency = default_currency
        self._runner: Runner = engine  # or, inside atomic(), the open transaction
        self._recorder: Recorder | None = None  # inside atomic(): what the block changes
        self._settled = history.Settled()  # what the last block left (its copies share it)
        engine.ensure_schema()
        self._convert_old_log()

    def _convert_old_log(self) -> None:
        """Turn the Change nodes of a store written before the log was kept in sets (one
        node per change) into sets, once, in one transaction: each run of one account's
        changes with one date, actor and recording time becomes a set, every change
        keeping its number. A store without any costs one indexed read."""
        if not self._read(cypher.OLD_CHANGES, after=0, limit=1):
            return
        with self.engine.transaction() as tx:
            rows: list[dict[str, Any]] = []
            current: history.ChangeSet | None = None
            for old in _old_changes(tx):
                seq = int(old["seq"])
                stamp = (old["account_id"], old["at"], old.get("actor"), old.get("recorded_at"))
                if (
                    current is None
                    or stamp != current.row_stamp()
                    or seq - current.first_seq >= BATCH_SIZE
                ):
                    if current is not None:
                        rows.append(current.row())
                    current = history.ChangeSet(
                        old["account_id"],
                        seq,
                        dt.date.fromisoformat(old["at"]),
                        old.get("actor"),
                        old.get("recorded_at"),
                        [],
                    )
                # An erasure left a gap in the numbers: a null keeps them, as erasure now does.
                current.entries.extend([None] * (seq - current.first_seq - len(current.entries)))
                current.entries.append(
                    [
                        old["kind"],
                        old["collection"],
                        old["subject_id"],
                        old.get("counterpart_id"),
                        old.get("field"),
                        *(
                            None if old.get(k) is None else json.loads(old[k])
                            for k in ("before", "after")
                        ),
                    ]
                )
                if len(rows) >= 100:
                    tx.run(cypher.RECORD_CHANGE_SETS, {"rows": rows}, write=True)
                    rows = []
            if current is not None:
                rows.append(current.row())
            if rows:
                tx.run(cypher.RECORD_CHANGE_SETS, {"rows": rows}, write=True)

    def describe(self) -> str:
        """Which engine and where, for messages."""
        return self.engine.describe()

    def close(self) -> None:
        """Release the engine (the embedded one stops when its last user closes it)."""
        self.engine.close()

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _read(self, query: str, **params: Any) -> list[dict]:
        return self._runner.run(query, params, write=False)

    # --- writes ------------------------------------------------------------------------

    def atomic(
        self, *, on_wait: Callable[[], None] | None = None, stamp: Stamp | None = None
    ) -> AbstractContextManager[GraphStore]:
        """Hold the writer lock for a block; the store it yields writes all or nothing.

        Everything read through the yielded store sees the block's writes and no other
        writer's, so checks made in the block still hold when it writes. Its writes
        land together when the block ends cleanly; an exception, or the death of this
        process or of the embedded engine, leaves the store as it was. Nested use joins
        the open block. ``on_wait`` is called once if another writer holds the lock.

        What the block changes is recorded in the change log with it, stamped with
        ``stamp`` (by default: kamgraph, today); see :mod:`graph.history`.
        """
        return self._transaction(one_statement=False, on_wait=on_wait, stamp=stamp)

    @contextlib.contextmanager
    def _transaction(
        self,
        *,
        one_statement: bool,
        on_wait: Callable[[], None] | None = None,
        stamp: Stamp | None = None,
    ) -> Iterator[GraphStore]:
        if self._runner is not self.engine:
            yield self
            return
        settled = self._settled
        try:
            with self.engine.transaction(one_statement=one_statement, on_wait=on_wait) as tx:
                # Under the writer lock: the version read here is the one the block writes on.
                warm = settled.at(lambda: _version(tx.run(cypher.STORE_VERSION, {}, write=False)))
                target = copy.copy(self)
                target._recorder = recorder = Recorder(stamp or Stamp.today(), warm)
                target._runner = recorder.watch(tx)  # keeps the touched accounts current
                yield target
                target._record()
                # Last, in the same transaction: a reader that saw the new version sees the
                # write. A block that wrote nothing (a dry run, a refused edit) leaves it, and
                # costs no staged copy.
                bumped = None
                if tx.writes:
                    bumped = tx.run(
                        cypher.BUMP_STORE_VERSION, {"epoch": secrets.token_hex(8)}, write=True
                    )
        except BaseException:
            settled.forget()
            raise
        if bumped is not None:
            settled.keep(_version(bumped), recorder.settled)

    def _record(self) -> None:
        """Append what this block changed to the change log (in the same transaction)."""
        recorder = self._recorder
        assert recorder is not None
        at = recorder.stamp.at
        if at > dt.date.today():
            raise InvalidData(
                [
                    f"changes dated {at} would be recorded in the future: an effective date "
                    "is today or before"
                ]
            )
        newest = self.history_newest()

        def in_order() -> Iterator[tuple[str, Change]]:
            for n, entry in enumerate(recorder.changes(self)):
                if n == 0 and newest is not None and at < newest:
                    raise InvalidData([history.out_of_order(at, newest)])
                yield entry

        self._append(in_order())

    def _append(self, entries: Iterable[tuple[str, Change]]) -> None:
        """Number (account id, change) entries on from the log's clock, write them as
        sets — a run of one account's changes with one date and actor, up to
        :data:`BATCH_SIZE` of them — and move the clock on. Streams: a first import records
        every record it adds, which need not fit in memory at once."""
        clock = self._read(cypher.HISTORY_CLOCK)[0]
        seq, newest = int(clock["seq"] or 0), clock["newest"]
        recorded_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        first = seq
        rows: list[dict[str, Any]] = []
        pending = 0  # changes in rows
        run: tuple[str, str | None, str | None] | None = None
        held: list[history.Entry] = []

        def close_set() -> None:
            nonlocal pending, rows
            if run is not None and held:
                account_id, at, actor = run
                first_seq = seq - len(held) + 1
                rows.append(history.set_row(account_id, first_seq, at, actor, recorded_at, held))
                pending += len(held)
            if pending >= BATCH_SIZE:
                self._runner.run(cypher.RECORD_CHANGE_SETS, {"rows": rows}, write=True)
                rows, pending = [], 0

        for account_id, change in entries:
            at = change.at.isoformat() if change.at is not None else None
            if (account_id, at, change.actor) != run or len(held) == BATCH_SIZE:
                close_set()
                run, held = (account_id, at, change.actor), []
            seq += 1
            held.append(history.entry(change))
            if at is not None:
                newest = max(newest or "", at)
        close_set()
        if rows:
            self._runner.run(cypher.RECORD_CHANGE_SETS, {"rows": rows}, write=True)
        if seq != first:
            self._runner.run(cypher.SET_HISTORY_CLOCK, {"seq": seq, "newest": newest}, write=True)

    def write(
        self, portfolio: Portfolio, *, visible: frozenset[str] | None = None, edit: bool = False
    ) -> WriteSummary:
        """Validate every reference in ``portfolio``, then upsert it kind by kind.

        Raises :class:`InvalidData` listing every problem, before anything is written.
        Checks and writes hold the writer lock; the write lands whole or not at all.
        ``visible`` (a caller's accounts; None: all) makes the accounts outside it, and
        the people on them, unknown to the checks, exactly as if they did not exist.
        ``edit`` (a hand edit, not an import) refuses an interaction newly naming a
        stakeholder of another account: an import's meetings are history, whose people
        may have moved since.
        """
        p = portfolio
        # Never one statement: the change log is written with the change.
        with self._transaction(one_statement=False) as target:
            target._touch_named(p)
            known = target._check(p, Pending(), visible, edit=edit)
            moves = target._moves(p, Pending(), known)
            moving = {m.stakeholder_id for m in moves}
            stored = known
            if visible is not None:  # an id unknown here may be stored on an unseen account
                moving |= {s.id for s in p.stakeholders if s.id not in known.stakeholders}
                stored = target._existing(p)  # whose accounts history must record, unseen too
            written = target._upsert(p, stored, moving)
        created = {
            "accounts": sum(a.id not in known.accounts for a in p.accounts),
            "team_members": sum(m.id not in known.members for m in p.team_members),
            "competitors": sum(c.id not in known.competitors for c in p.competitors),
            "stakeholders": sum(s.id not in known.stakeholders for s in p.stakeholders),
        }
        return WriteSummary(written=dict(written), created=created, moves=moves)

    def write_checked(self, portfolio: Portfolio, known: _Known) -> None:
        """Write a batch that :meth:`check` passed just now in this :meth:`atomic` block,
        with what that check found stored (``known``).

        The block's writer lock has held since the check, so its verdict stands and is not
        reached again: the stakeholders it found stored at another account move (only
        their rows run the move clauses), and the records it found absent are created.
        """
        if self._recorder is None:
            raise RuntimeError("write_checked() runs inside the atomic() block of its check")
        moving = {
            s.id
            for s in portfolio.stakeholders
            if known.stakeholders.get(s.id, s.account_id) != s.account_id
        }
        self._upsert(portfolio, known, moving)

    def _upsert(self, p: Portfolio, known: _Known, moving: Set[str]) -> Counter[str]:
        """Record the accounts ``p`` touches as they are, then upsert ``p`` kind by kind;
        the rows of the stakeholders in ``moving`` run the move clauses, and the nodes
        ``known`` (what is stored, unfiltered) does not hold are created."""

        def node_rows(records: Iterable[Any], stored: Set[str], *, new: bool) -> list[dict]:
            return [
                {"id": r.id, "props": _props(r, "id")}
                for r in records
                if (r.id not in stored) == new
            ]

        stakeholders: dict[str, list[dict]] = {"new": [], "moving": [], "in place": []}
        for s in p.stakeholders:
            where = (
                "new"
                if s.id not in known.stakeholders
                else "moving"
                if s.id in moving
                else "in place"
            )
            stakeholders[where].append(
                {"id": s.id, "account_id": s.account_id, "props": _props(s, "id", "account_id")}
            )
        # Where the stored ones among the interactions are filed (the rest are new).
        filed = {
            r["id"]: r["account_id"]
            for batch in _batches(sorted({i.id for i in p.interactions}))
            for r in self._read(cypher.INTERACTION_ACCOUNTS, ids=batch)
        }
        interactions: dict[bool, list[dict]] = {True: [], False: []}
        for i in p.interactions:
            interactions[i.id not in filed].append(
                {
                    "id": i.id,
                    "account_id": i.account_id,
                    "member_ids": list(i.member_ids),
                    "stakeholder_ids": list(i.stakeholder_ids),
                    "props": _props(i, "id", "account_id", "member_ids", "stakeholder_ids"),
                }
            )
        steps: list[tuple[str, str, list[dict]]] = [
            ("accounts", cypher.CREATE_ACCOUNTS, node_rows(p.accounts, known.accounts, new=True)),
            (
                "accounts",
                cypher.UPSERT_ACCOUNTS,
                node_rows(p.accounts, known.accounts, new=False),
            ),
            (
                "team_members",
                cypher.CREATE_TEAM_MEMBERS,
                node_rows(p.team_members, known.members, new=True),
            ),
            (
                "team_members",
                cypher.UPSERT_TEAM_MEMBERS,
                node_rows(p.team_members, known.members, new=False),
            ),
            (
                "competitors",
                cypher.CREATE_COMPETITORS,
                node_rows(p.competitors, known.competitors, new=True),
            ),
            (
                "competitors",
                cypher.UPSERT_COMPETITORS,
                node_rows(p.competitors, known.competitors, new=False),
            ),
            ("stakeholders", cypher.CREATE_STAKEHOLDERS, stakeholders["new"]),
            ("stakeholders", cypher.UPSERT_STAKEHOLDERS, stakeholders["moving"]),
            ("stakeholders", cypher.UPSERT_STAKEHOLDERS_IN_PLACE, stakeholders["in place"]),
            ("team", cypher.UPSERT_TEAM_ASSIGNMENTS, [t.model_dump(mode="json") for t in p.team]),
            (
                "knows",
                cypher.UPSERT_KNOWS,
                [
                    {
                        "member_id": k.member_id,
                        "stakeholder_id": k.stakeholder_id,
                        "props": _props(k, "member_id", "stakeholder_id"),
                    }
                    for k in p.knows
                ],
            ),
            (
                "reports_to",
                cypher.UPSERT_REPORTS_TO,
                [r.model_dump() for r in p.reports_to if r.manager_id is not None],
            ),
            (
                "reports_to_removed",
                cypher.REMOVE_REPORTING_LINES,
                [r.model_dump() for r in p.reports_to if r.manager_id is None],
            ),
            ("influences", cypher.UPSERT_INFLUENCES, [r.model_dump() for r in p.influences]),
            ("conflicts", cypher.UPSERT_CONFLICTS, [r.model_dump() for r in p.conflicts]),
            ("owners", cypher.SET_OWNERS, [r.model_dump() for r in p.owners]),
            ("favors", cypher.UPSERT_FAVORS, [r.model_dump() for r in p.favors]),
            ("interactions", cypher.CREATE_INTERACTIONS, interactions[True]),
            ("interactions", cypher.UPSERT_INTERACTIONS, interactions[False]),
        ]
        assert self._recorder is not None
        self._recorder.touch(self, self._affected(p, known, filed))
        written: Counter[str] = Counter()
        for kind, query, rows in steps:
            for batch in _batches(rows):
                result = self._runner.run(query, {"rows": batch}, write=True)
                written[kind] += int(result[0]["written"]) if result else 0
        return written

    def _affected(self, p: Portfolio, known: _Known, filed: Mapping[str, str]) -> set[str]:
        """The accounts whose graphs writing ``p`` may change: where its records are, where
        the people it names work (or worked: a move changes both), where its interactions
        are filed (``filed``: the stored ones), and where the team members and competitors
        it updates appear."""
        accounts = _named_accounts(p) | set(known.stakeholders.values()) | set(filed.values())
        # A team member or competitor appears on every account they touch, but only one
        # whose stored fields change alters those accounts: an import that repeats the
        # shared team unchanged must not read (and diff) every account of the store.
        for batch in _batches(sorted(self._changing(cypher.FIND_TEAM_MEMBERS, p.team_members))):
            for row in self._read(cypher.MEMBER_ACCOUNTS, ids=batch):
                for key in ("on_team", "known", "attended"):
                    accounts.update(a for a in row[key] if a is not None)
        for batch in _batches(sorted(self._changing(cypher.FIND_COMPETITORS, p.competitors))):
            accounts.update(
                r["account_id"] for r in self._read(cypher.COMPETITOR_ACCOUNTS, ids=batch)
            )
        return accounts

    def _touch_named(self, p: Portfolio) -> None:
        """Record the accounts ``p`` names as they are, before its check: what the write
        records anyway, read once for both (see :meth:`_existing`)."""
        if self._recorder is None:
            raise RuntimeError("a check to write runs inside an atomic() block")
        self._recorder.touch(self, _named_accounts(p))

    def _changing(self, find: str, records: Sequence[TeamMember | Competitor]) -> set[str]:
        """The ids of ``records`` whose write changes what is stored of them (``SET +=``:
        a field given with another value than the stored one; new records included)."""
        wanted = {r.id: _props(r, "id") for r in records}
        stored: dict[str, dict[str, Any]] = {}
        for batch in _batches(sorted(wanted)):
            stored.update((row["id"], row["props"]) for row in self._read(find, ids=batch))
        return {
            record_id
            for record_id, props in wanted.items()
            if record_id not in stored
            or any(stored[record_id].get(k) != v for k, v in props.items())
        }

    def check(
        self,
        portfolio: Portfolio,
        *,
        pending: Pending | None = None,
        visible: frozenset[str] | None = None,
        edit: bool = False,
        to_write: bool = False,
    ) -> _Known:
        """Raise :class:`InvalidData` listing all that ``write`` would refuse; write nothing.

        ``pending`` holds what earlier batches of the same import will have written, so a
        whole import can be checked batch by batch before its first write; ``portfolio``
        is then added to it (refused or not, so later batches are judged in context).
        ``visible`` and ``edit`` are as for :meth:`write`. ``to_write`` (in an
        :meth:`atomic` block that writes ``portfolio`` next, with :meth:`write_checked`)
        records the accounts it names as they are first, as the write would, and takes
        from those records which ids are stored and where people work. Returns the referenced ids
        found stored, for :meth:`changes` and :meth:`write_checked`.
        """
        if to_write:
            self._touch_named(portfolio)
        try:
            known = self._check(portfolio, pending or Pending(), visible, edit=edit)
            if pending is not None:
                pending.moves += self._moves(portfolio, pending, known)
        finally:
            if pending is not None:
                pending.add(portfolio)
        return known

    def changes(self, portfolio: Portfolio, known: _Known | None = None) -> dict[str, Changes]:
        """Per node kind, how many records writing ``portfolio`` would create, change or leave.

        A record is unchanged when every field it sets already holds that value, so a
        re-run import reports nothing to do (and a dry run says what would happen).
        ``known`` (what :meth:`check` found stored) spares reading the records it did not
        find: they are new. Only the fields the records set are read.
        """
        kinds: list[tuple[str, str, Sequence[Any], tuple[str, ...], Set[str] | None]] = [
            (
                "accounts",
                cypher.STORED_ACCOUNT_VALUES,
                portfolio.accounts,
                ("id",),
                known and known.accounts,
            ),
            (
                "team_members",
                cypher.STORED_TEAM_MEMBER_VALUES,
                portfolio.team_members,
                ("id",),
                known and known.members,
            ),
            (
                "competitors",
                cypher.STORED_COMPETITOR_VALUES,
                portfolio.competitors,
                ("id",),
                known and known.competitors,
            ),
            (
                "stakeholders",
                cypher.STORED_STAKEHOLDER_VALUES,
                portfolio.stakeholders,
                ("id",),
                known and known.stakeholders.keys(),
            ),
            (
                "interactions",
                cypher.STORED_INTERACTION_VALUES,
                portfolio.interactions,
                ("id", "member_ids", "stakeholder_ids"),
                None,
            ),
        ]
        result: dict[str, Changes] = {}
        for kind, query, records, keys, stored_ids in kinds:
            if not records:
                continue
            wanted = [(r.id, _props(r, *keys)) for r in records]
            fields = sorted({name for _, props in wanted for name in props})
            ids = [i for i, _ in wanted if stored_ids is None or i in stored_ids]
            stored = {
                r["id"]: dict(zip(fields, r["stored"], strict=True))
                for batch in _batches(ids)
                for r in self._read(query, ids=batch, fields=fields)
            }
            defaults = _json_defaults(type(records[0]))  # what an absent property reads as
            changes = Changes()
            for record_id, props in wanted:
                old = stored.get(record_id)
                if old is None:
                    changes.created += 1
                elif all(
                    (old[k] if old[k] is not None else defaults.get(k)) == v
                    for k, v in props.items()
                ):
                    changes.unchanged += 1
                else:
                    changes.updated += 1
            result[kind] = changes
        return result

    def _check(
        self,
        p: Portfolio,
        pending: Pending,
        visible: frozenset[str] | None = None,
        *,
        edit: bool = False,
    ) -> _Known:
        """Every problem with ``p``'s references (each naming its field), or the ids that
        already exist (of them, only those on ``visible`` accounts when it is given).
        ``edit`` is as for :meth:`write`."""
        problems: list[str] = []
        for kind, ids in (
            ("account", [a.id for a in p.accounts]),
            ("stakeholder", [s.id for s in p.stakeholders]),
            ("team member", [m.id for m in p.team_members]),
            ("competitor", [c.id for c in p.competitors]),
            ("interaction", [i.id for i in p.interactions]),
        ):
            problems += [
                Problem(f"{kind} id {i!r} appears {n} times", "id")
                for i, n in Counter(ids).items()
                if n > 1
            ]
        owners = Counter(o.stakeholder_id for o in p.owners)
        problems += [
            Problem(f"stakeholder {s!r} is given {n} owners", "member_id")
            for s, n in owners.items()
            if n > 1
        ]
        managers = Counter(r.stakeholder_id for r in p.reports_to)
        problems += [
            Problem(f"stakeholder {s!r} is given {n} managers", "manager_id")
            for s, n in managers.items()
            if n > 1
        ]

        known = self._existing(p, visible)
        pending.left.update(
            known.stakeholders[s.id]
            for s in p.stakeholders
            if known.stakeholders.get(s.id, s.account_id) != s.account_id
        )
        account_of = ChainMap(
            {s.id: s.account_id for s in p.stakeholders}, pending.stakeholders, known.stakeholders
        )
        accounts = known.accounts | pending.accounts | {a.id for a in p.accounts}
        members = known.members | pending.members | {m.id for m in p.team_members}
        competitors = known.competitors | pending.competitors | {c.id for c in p.competitors}
        both_sides = {s.id for s in p.stakeholders if s.id in members}
        both_sides |= {m.id for m in p.team_members if m.id in account_of}
        problems += [
            Problem(f"id {i!r} names both a stakeholder and a team member", "id")
            for i in sorted(both_sides)
        ]

        def need(
            ids: Iterable[str],
            pool: set[str] | Mapping[str, str],
            kind: str,
            where: str,
            field: str,
        ) -> None:
            problems.extend(
                Problem(f"{where}: unknown {kind} {i!r}", field) for i in ids if i not in pool
            )

        def same_account(a: str, b: str, where: str, fields: tuple[str, str]) -> None:
            need((a,), account_of, "stakeholder", where, fields[0])
            need((b,), account_of, "stakeholder", where, fields[1])
            if a in account_of and b in account_of and account_of[a] != account_of[b]:
                problems.append(
                    Problem(
                        f"{where}: {a!r} works at {account_of[a]!r} but {b!r} at {account_of[b]!r}",
                        fields[1],
                    )
                )

        for s in p.stakeholders:
            need([s.account_id], accounts, "account", f"stakeholder {s.id!r}", "account_id")
        for t in p.team:
            where = f"team role on {t.account_id!r}"
            need([t.member_id], members, "team member", where, "member_id")
            need([t.account_id], accounts, "account", f"team role of {t.member_id!r}", "account_id")
        for k in p.knows:
            where = f"relationship with {k.stakeholder_id!r}"
            need([k.member_id], members, "team member", where, "member_id")
            where = f"relationship of {k.member_id!r}"
            need([k.stakeholder_id], account_of, "stakeholder", where, "stakeholder_id")
        for r in p.reports_to:
            where = f"reporting line {r.stakeholder_id!r}"
            if r.manager_id is None:
                need([r.stakeholder_id], account_of, "stakeholder", where, "stakeholder_id")
            else:
                same_account(
                    r.stakeholder_id, r.manager_id, where, ("stakeholder_id", "manager_id")
                )
        for r in p.influences:
            where = f"influence line {r.source_id!r}"
            same_account(r.source_id, r.target_id, where, ("source_id", "target_id"))
        for r in p.conflicts:
            where = f"conflict line {r.stakeholder_id!r}"
            same_account(r.stakeholder_id, r.other_id, where, ("stakeholder_id", "other_id"))
        for o in p.owners:
            where = f"owner of {o.stakeholder_id!r}"
            need([o.member_id], members, "team member", where, "member_id")
            where = f"ownership by {o.member_id!r}"
            need([o.stakeholder_id], account_of, "stakeholder", where, "stakeholder_id")
        for f in p.favors:
            where = f"preference for {f.competitor_id!r}"
            need([f.stakeholder_id], account_of, "stakeholder", where, "stakeholder_id")
            where = f"preference of {f.stakeholder_id!r}"
            need([f.competitor_id], competitors, "competitor", where, "competitor_id")
        # An import carries history: people on its meetings may have moved since (a
        # backup, a CRM export). An edit may not newly name someone of another account;
        # someone a stored meeting already had stays when it is rewritten.
        attended = {
            (r["id"], s)
            for batch in _batches([i.id for i in p.interactions] if edit else [])
            for r in self._read(cypher.INTERACTION_PARTICIPANTS, ids=batch)
            for s in r["stakeholder_ids"]
        }
        for i in p.interactions:
            where = f"interaction {i.id!r}"
            need([i.account_id], accounts, "account", where, "account_id")
            need(i.member_ids, members, "team member", where, "member_ids")
            need(i.stakeholder_ids, account_of, "stakeholder", where, "stakeholder_ids")
            problems += [
                Problem(
                    f"{where}: stakeholder {s!r} works at {account_of[s]!r}, not {i.account_id!r}",
                    "stakeholder_ids",
                )
                for s in i.stakeholder_ids
                if edit
                and s in account_of
                and account_of[s] != i.account_id
                and (i.id, s) not in attended
            ]
        # Unfiltered, what was found stored is where the people of the lines work.
        stored = known.stakeholders if visible is None else None
        problems += self._reporting_cycles(p, pending, stored)
        if problems:
            raise InvalidData(problems)
        return known

    def _existing(self, p: Portfolio, visible: frozenset[str] | None = None) -> _Known:
        """Which referenced ids are already stored (one query per node kind, for the ids
        the block's recorder does not answer for); with ``visible``, only the accounts in
        it and the stakeholders on them."""

        def ids(*groups: Iterable[str]) -> list[str]:
            return sorted({i for group in groups for i in group})

        accounts = ids(
            (a.id for a in p.accounts),
            (s.account_id for s in p.stakeholders),
            (t.account_id for t in p.team),
            (i.account_id for i in p.interactions),
        )
        stakeholders = ids(
            (s.id for s in p.stakeholders),
            (k.stakeholder_id for k in p.knows),
            (r.stakeholder_id for r in p.reports_to),
            (r.manager_id for r in p.reports_to if r.manager_id is not None),
            (r.source_id for r in p.influences),
            (r.target_id for r in p.influences),
            (r.stakeholder_id for r in p.conflicts),
            (r.other_id for r in p.conflicts),
            (o.stakeholder_id for o in p.owners),
            (f.stakeholder_id for f in p.favors),
            (s for i in p.interactions for s in i.stakeholder_ids),
            (m.id for m in p.team_members),  # to refuse an id on both sides
        )
        members = ids(
            (s.id for s in p.stakeholders),  # to refuse an id on both sides
            (m.id for m in p.team_members),
            (t.member_id for t in p.team),
            (k.member_id for k in p.knows),
            (o.member_id for o in p.owners),
            (m for i in p.interactions for m in i.member_ids),
        )
        competitors = ids((c.id for c in p.competitors), (f.competitor_id for f in p.favors))

        def found(query: str, wanted: list[str]) -> list[dict]:
            return self._read(query, ids=wanted) if wanted else []

        def shown(account_id: str) -> bool:
            return visible is None or account_id in visible

        # Inside a block, the accounts its recorder holds answer for themselves: a
        # re-import names mostly records of the accounts it has just read.
        held = self._recorder if self._recorder is not None else _HOLDS_NOTHING
        answered = {a: held.account_stored(a) for a in accounts}
        stored_accounts = {a for a, stored in answered.items() if stored}
        accounts = [a for a, stored in answered.items() if stored is None]
        at = {s: a for s in stakeholders if (a := held.works_at(s)) is not None}
        stakeholders = [s for s in stakeholders if s not in at]
        stored_members = {m for m in members if held.member_stored(m)}
        # Asked of every id a member could hold, people at held accounts too: an edit
        # limited to some accounts can store a member under the id of someone it does
        # not see.
        members = [m for m in members if m not in stored_members]
        stored_competitors = {c for c in competitors if held.competitor_stored(c)}
        competitors = [c for c in competitors if c not in stored_competitors]
        at.update(
            (r["id"], r["account_id"])
            for r in found(cypher.FIND_STAKEHOLDER_ACCOUNTS, stakeholders)
        )
        stored_accounts.update(r["id"] for r in found(cypher.EXISTING_ACCOUNTS, accounts))
        stored_members.update(r["id"] for r in found(cypher.EXISTING_TEAM_MEMBERS, members))
        stored_competitors.update(r["id"] for r in found(cypher.EXISTING_COMPETITORS, competitors))
        return _Known(
            accounts={a for a in stored_accounts if shown(a)},
            stakeholders={s: a for s, a in at.items() if shown(a)},
            members=stored_members,
            competitors=stored_competitors,
        )

    def _reporting_cycles(
        self, p: Portfolio, pending: Pending, stored: Mapping[str, str] | None
    ) -> list[str]:
        """Reporting lines that would form a loop once ``pending`` and then ``p`` are
        written. Every new loop runs through one of ``p``'s lines. ``stored`` (None: read
        here) says where the people of ``p``'s lines work as stored.

        Who works where is judged as it will be then (``p``, then ``pending``, then the
        store), and stored lines between people no longer at one account are left out:
        writing a move drops them (see ``UPSERT_STAKEHOLDERS``).
        """
        if not any(r.manager_id for r in p.reports_to):
            return []  # removing lines never closes a loop
        incoming = {s.id: s.account_id for s in p.stakeholders}
        people = {r.stakeholder_id for r in p.reports_to}
        people |= {r.manager_id for r in p.reports_to if r.manager_id is not None}
        if stored is None:
            stored = self._stored_accounts(people)
        else:
            stored = {x: stored[x] for x in people if x in stored}

        def works_at(person: str, stored_account: str | None) -> str | None:
            return incoming.get(person) or pending.stakeholders.get(person) or stored_account

        touched = {works_at(x, stored.get(x)) for x in people} | set(stored.values())
        touched |= pending.left
        manager: dict[str, str | None] = {}
        # Read, not taken from the recorder's states: those list the lines within an
        # account, and a store may hold one between two (written before moves dropped
        # them, or by hand) that this batch's moves bring within one.
        for batch in _batches(sorted(a for a in touched if a is not None)):
            for r in self._read(cypher.REPORTING_LINES, account_ids=batch):
                here = works_at(r["stakeholder_id"], r["stakeholder_account"])
                if here == works_at(r["manager_id"], r["manager_account"]):
                    manager[r["stakeholder_id"]] = r["manager_id"]
        manager.update(pending.managers)
        _apply_reporting_lines(manager, p)
        problems, reported = [], set()
        for start in sorted({r.stakeholder_id for r in p.reports_to if r.manager_id}):
            seen: list[str] = []
            node: str | None = start
            while node is not None and node not in seen:
                seen.append(node)
                node = manager.get(node)
            if node == start and frozenset(seen) not in reported:
                reported.add(frozenset(seen))
                cycle = " → ".join([*seen, start])
                problems.append(Problem(f"reporting lines form a cycle: {cycle}", "manager_id"))
        return problems

    def _moves(self, p: Portfolio, pending: Pending, known: _Known) -> list[Move]:
        """The stakeholders ``p`` moves to another account, and the stored lines that
        drops (see ``UPSERT_STAKEHOLDERS``), judged as the write of ``p`` will see them:
        after ``pending``, before the lines ``p`` itself writes."""
        incoming = {s.id: s.account_id for s in p.stakeholders}
        now = ChainMap(pending.stakeholders, known.stakeholders)
        moves = {
            s.id: Move(stakeholder_id=s.id, from_account=now[s.id], to_account=s.account_id)
            for s in p.stakeholders
            if now.get(s.id, s.account_id) != s.account_id
        }
        for batch in _batches(sorted(moves)):
            for r in self._read(cypher.STAKEHOLDER_LINES, ids=batch):
                move = moves[r["stakeholder_id"]]
                other = r["other_id"]
                there = incoming.get(other) or pending.stakeholders.get(other) or r["other_account"]
                kind = _LINE_KINDS[r["type"]]
                line = DroppedLine(kind=kind, from_id=r["from_id"], to_id=r["to_id"])
                key = (line.kind, line.from_id, line.to_id)
                if there != move.to_account and key not in pending.dropped:
                    pending.dropped.add(key)
                    move.dropped.append(line)
        for move in moves.values():
            move.dropped.sort(key=lambda d: (d.kind, d.from_id, d.to_id))
        return [moves[i] for i in sorted(moves)]

    def _stored_accounts(self, stakeholder_ids: Iterable[str]) -> dict[str, str]:
        """Where each of these stakeholders works, as stored (the unknown are left out)."""
        wanted = sorted(set(stakeholder_ids))
        return {
            r["id"]: r["account_id"]
            for batch in _batches(wanted)
            for r in self._read(cypher.FIND_STAKEHOLDER_ACCOUNTS, ids=batch)
        }

    # --- reads -------------------------------------------------------------------------

    def account_graph(self, account_id: str, *, as_of: dt.date | None = None) -> AccountGraph:
        """Everything about one account, now or as it was at the end of ``as_of``.

        :class:`NotFound` if unknown; :class:`~graph.errors.NotRecorded` (a NotFound) if
        its history starts after ``as_of``. An account stored before kamgraph kept
        history has none, and reads as it is now on any date.
        """
        if as_of is None:
            graphs = self.account_graphs([account_id])
            if not graphs:
                raise NotFound("account", account_id)
            return graphs[0]
        with _COLLECTOR.paused():
            stored = self._stored([account_id]).get(account_id)
            if stored is None:
                raise NotFound("account", account_id)
            log = self._logs([account_id], after=as_of).get(account_id)
            if log is None:
                return _graph(stored)
            first, later = log
            if as_of < first:
                raise NotRecorded(account_id, first, as_of)
            records = history.keyed(stored)
            _undo(records, later)
            return _graph_of(records)

    def account_between(
        self,
        account_id: str,
        since: dt.date,
        until: dt.date,
        *,
        news_since: dt.date | None = None,
    ) -> Between:
        """The account at the end of ``since`` and of ``until``, the changes between them,
        and (from the end of ``news_since``, by default ``since``) the log a diff's
        stale-map news reads for both dates: one read of the account and one of its log,
        both dates rewound from the same records (what a diff needs)."""
        news_since = min(news_since or since, since)
        with _COLLECTOR.paused():
            stored = self._stored([account_id]).get(account_id)
            if stored is None:
                raise NotFound("account", account_id)
            log = self._logs([account_id], after=news_since).get(account_id)
            if log is None:
                graph = _graph(stored)
                return Between(graph, graph, [], None, [])
            first, read = log
            if until < first:
                raise NotRecorded(account_id, first, until)
            later = [s for s in read if s.at > since]
            within = [s for s in later if s.at <= until]
            records = history.keyed(stored)
            _undo(records, [s for s in later if s.at > until])
            after = _graph_of(records)
            _undo(records, within)
            before = _graph_of(records) if since >= first else None
            news = history.changes([s for s in read if s.at <= until])
            return Between(before, after, history.changes(within), first, news)

    def changes_between(
        self, account_id: str, since: dt.date, until: dt.date | None = None
    ) -> list[Change]:
        """The account's recorded changes after the end of ``since`` and by the end of
        ``until`` (no end: up to now), oldest first."""
        return self.history_between(account_id, since, until)[1]

    def history_between(
        self, account_id: str, since: dt.date, until: dt.date | None = None
    ) -> tuple[dt.date | None, list[Change]]:
        """When the account's history starts (None: nothing recorded) and
        :meth:`changes_between`, in one read."""
        log = self._logs([account_id], after=since, until=until).get(account_id)
        return (log[0], history.changes(log[1])) if log else (None, [])

    def _stored(self, account_ids: Sequence[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """The accounts' records as stored, not validated (what a past read rewinds)."""
        found: dict[str, dict[str, list[dict[str, Any]]]] = {}
        for batch in _batches(sorted(set(account_ids))):
            rows = self._read(cypher.ACCOUNT_RECORDS, account_ids=batch, **_RECORD_FIELDS)
            found.update(_stored_records(rows))
        return found

    def _logs(
        self, account_ids: Sequence[str], *, after: dt.date, until: dt.date | None = None
    ) -> dict[str, tuple[dt.date, list[history.ChangeSet]]]:
        """Per account with history: the date it starts, and its sets dated after the end
        of ``after`` (and by the end of ``until``), oldest first; one statement."""
        logs = {}
        for batch in _batches(list(account_ids)):
            rows = self._read(
                cypher.ACCOUNTS_LOG,
                account_ids=batch,
                after=after.isoformat(),
                until=until.isoformat() if until else None,
            )
            for r in rows:
                sets = sorted(
                    (history.ChangeSet.of(s) for s in r["sets"]), key=lambda s: s.first_seq
                )
                logs[r["account_id"]] = (dt.date.fromisoformat(r["first"]), sets)
        return logs

    def history_newest(self) -> dt.date | None:
        """The date of the newest change the store records (None: none yet)."""
        newest = self._read(cypher.HISTORY_CLOCK)[0]["newest"]
        return dt.date.fromisoformat(newest) if newest else None

    def history_span(self, account_id: str) -> tuple[dt.date | None, int]:
        """When the account's history starts (None: nothing recorded) and how many
        changes it holds."""
        span = self._read(cypher.ACCOUNT_HISTORY_SPAN, account_id=account_id)[0]
        first = dt.date.fromisoformat(span["first"]) if span["first"] else None
        return first, int(span["changes"] or 0)

    def history_page(self, account_id: str, *, page: int, per_page: int) -> list[Change]:
        """One page (from 1) of the account's change log, newest first: the sizes of its
        sets say which hold the page, and only those are read."""
        sizes = sorted(
            (
                (int(r["first_seq"]), int(r["count"]))
                for r in self._read(cypher.ACCOUNT_CHANGE_SET_SIZES, account_id=account_id)
            ),
            reverse=True,
        )
        skip, wanted, seen = (page - 1) * per_page, [], 0
        for first_seq, count in sizes:
            if seen + count > skip and seen < skip + per_page:
                wanted.append(first_seq)
            seen += count
        if not wanted:
            return []
        rows = self._read(cypher.ACCOUNT_CHANGE_SETS, account_id=account_id, first_seqs=wanted)
        sets = sorted((history.ChangeSet.of(r["set"]) for r in rows), key=lambda s: s.first_seq)
        newest_first = [(s, e) for s in sets for _, e in s.numbered()][::-1]
        start = skip - sum(count for first_seq, count in sizes if first_seq > wanted[0])
        return history.as_changes(newest_first[start : start + per_page])

    def account_graphs(self, account_ids: Sequence[str] | None = None) -> list[AccountGraph]:
        """The graphs of the given accounts, or of every account (portfolio-wide read), in
        id order: one statement per :data:`BATCH_SIZE` accounts."""
        if account_ids is None:
            ids, after = [], None
            while page := self.account_ids(after=after, limit=BATCH_SIZE):
                ids += page
                after = page[-1]
        else:
            ids = sorted(set(account_ids))
        graphs: list[AccountGraph] = []
        for batch in _batches(ids):
            with _COLLECTOR.paused():
                rows = self._read(cypher.ACCOUNT_RECORDS, account_ids=batch, **_RECORD_FIELDS)
                graphs += _account_graphs(rows)
        return graphs

    def account_states(self, account_ids: Sequence[str]) -> dict[str, history.State]:
        """The records of these accounts as stored, by account id (the unknown left out):
        what recording compares before and after a write.

        The records :meth:`account_graphs` reads, each as :func:`_account_graph` hands it
        to its model (less the properties the model ignores), but read flat, in one
        statement, and not validated: several times cheaper, for a step every import
        takes twice.
        """
        states: dict[str, history.State] = {}
        rows: dict[str, list[tuple[str, list[Any]]]] = defaultdict(list)
        with _COLLECTOR.paused():
            for row in self._read(cypher.ACCOUNT_STATES, account_ids=list(account_ids)):
                rows[row["kind"]].append((row["account_id"], row["records"]))
            for account_id, _ in rows["accounts"]:
                states[account_id] = {c.field: {} for c in history.COLLECTIONS}

            def put(account_id: str, kind: str, record: dict[str, Any]) -> None:
                states[account_id][kind][history.BY_FIELD[kind].key(record)] = record

            def records(kind: str) -> Iterator[tuple[str, Any]]:
                for account_id, found in rows[kind]:
                    for record in found:
                        yield account_id, record

            for account_id, stored in records("accounts"):
                put(account_id, "accounts", history.known(Account, stored))
            for account_id, stored in records("stakeholders"):
                put(account_id, "stakeholders", history.known(Stakeholder, stored))
            for line_type, (kind, ends) in _STATE_LINES.items():
                for account_id, (from_id, to_id, weight) in records(line_type):
                    line = dict(zip(ends, (from_id, to_id), strict=True))
                    put(
                        account_id,
                        kind,
                        {**line, "weight": weight} if kind == "influences" else line,
                    )
            for account_id, stored in records("knows"):
                put(account_id, "knows", history.known(Knows, stored))
            for account_id, (member_id, stakeholder_id) in records("owners"):
                put(
                    account_id, "owners", {"member_id": member_id, "stakeholder_id": stakeholder_id}
                )
            for account_id, (stakeholder_id, competitor_id, name) in records("favors"):
                favors = {"stakeholder_id": stakeholder_id, "competitor_id": competitor_id}
                put(account_id, "favors", favors)
                put(account_id, "competitors", {"id": competitor_id, "name": name})
            for account_id, (member_id, role) in records("team"):
                put(
                    account_id,
                    "team",
                    {"member_id": member_id, "role": role, "account_id": account_id},
                )
            sides = ("member_ids", "stakeholder_ids")
            participants: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
            for side in sides:
                for _, (interaction_id, person_id) in records(side):
                    participants[interaction_id][side].add(person_id)
            for account_id, stored in records("interactions"):
                interaction = {
                    k: v for k, v in history.known(Interaction, stored).items() if k not in sides
                }
                held = participants[interaction["id"]]
                put(
                    account_id,
                    "interactions",
                    {**interaction, **{k: sorted(held[k]) for k in sides}},
                )
            # Team members: on the team, knowing or owning a stakeholder, or at a meeting.
            members: dict[str, set[str]] = defaultdict(set)
            for account_id, state in states.items():
                for kind in ("team", "knows", "owners"):
                    for record in state[kind].values():
                        members[record["member_id"]].add(account_id)
                for record in state["interactions"].values():
                    for member_id in record["member_ids"]:
                        members[member_id].add(account_id)
            for batch in _batches(sorted(members)):
                for r in self._read(cypher.FIND_TEAM_MEMBERS, ids=batch):
                    known = history.known(TeamMember, r["props"])
                    for account_id in members[r["id"]]:
                        put(account_id, "team_members", known)
        return states

    def account_ids(self, *, after: str | None = None, limit: int) -> list[str]:
        """Up to ``limit`` account ids after ``after`` (None: from the first), in id order."""
        return [r["id"] for r in self._read(cypher.ACCOUNT_IDS, after=after, limit=limit)]

    def account_graphs_as_of(
        self, account_ids: Sequence[str], as_of: dt.date
    ) -> list[AccountGraph]:
        """The graphs of these accounts as they were at the end of ``as_of``, in id order:
        one read of the records and one of their log for the whole chunk. An account whose
        history starts after ``as_of`` was not there yet and is left out; one stored before
        kamgraph kept history reads as it is now (as :meth:`account_graph` does)."""
        with _COLLECTOR.paused():
            stored = self._stored(account_ids)
            logs = self._logs(list(stored), after=as_of)
            graphs = []
            for account_id in sorted(stored):
                if account_id not in logs:
                    graphs.append(_graph(stored[account_id]))
                    continue
                first, later = logs[account_id]
                if first <= as_of:
                    records = history.keyed(stored[account_id])
                    _undo(records, later)
                    graphs.append(_graph_of(records))
            return graphs

    def list_accounts(
        self, query: str | None = None, *, visible: frozenset[str] | None = None
    ) -> list[AccountSummary]:
        """Accounts whose name or id contains ``query`` (case-insensitive), by name;
        ``visible`` (a caller's account ids; None: all) leaves out the others."""
        rows = self._read(
            cypher.LIST_ACCOUNTS,
            search=query or None,
            visible=None if visible is None else sorted(visible),
        )
        return [
            AccountSummary(
                account=_load(Account, r["account"]), stakeholder_count=int(r["stakeholder_count"])
            )
            for r in rows
        ]

    def addressed_people(self) -> list[Addressed]:
        """Every team member, then every stakeholder, with an e-mail address or alias: whom
        a calendar or mail import can recognise (one small row each, not whole records)."""
        rows = [*self._read(cypher.MEMBER_ADDRESSES), *self._read(cypher.STAKEHOLDER_ADDRESSES)]
        return [
            Addressed(
                id=r["id"],
                account_id=r.get("account_id"),
                addresses=tuple(a for a in (r["email"], *(r["aliases"] or ())) if a),
            )
            for r in rows
        ]

    def read_portfolio(self, account_ids: Sequence[str] | None = None) -> Portfolio:
        """The stored graph as one document; the whole store when ``account_ids`` is None.

        Lists are sorted, so the same data always gives the same document.
        """
        graphs = self.account_graphs(account_ids)
        if account_ids is not None and len(graphs) != len(set(account_ids)):
            missing = sorted(set(account_ids) - {g.account.id for g in graphs})
            raise NotFound("account", ", ".join(missing))
        merged: dict[str, dict[Any, BaseModel]] = defaultdict(dict)
        for graph in graphs:
            for kind in Portfolio.model_fields:
                for record in getattr(graph, kind):
                    merged[kind][record_key(record)] = record
        if account_ids is None:
            for r in self._read(cypher.LIST_TEAM_MEMBERS):
                member = _load(TeamMember, r["member"])
                merged["team_members"][member.id] = member
            for r in self._read(cypher.LIST_COMPETITORS):
                competitor = _load(Competitor, r["competitor"])
                merged["competitors"][competitor.id] = competitor
        return Portfolio(
            **{field: [merged[field][k] for k in sorted(merged[field])] for field in merged}
        )

    def version(self) -> str:
        """The store's version: a token every write transaction changes, in the store
        itself, so every process and API worker on it sees a write by any other ("" before
        the first write). Token and session writes, which change nothing an analysis or
        page shows, leave it alone.

        Cache by it, reading it *before* the data: a write landing in between then leaves
        newer data under the older token, never older data under the newer one.
        """
        return _version(self._read(cypher.STORE_VERSION))

    def count_nodes(self) -> int:
        """How many nodes the store holds (all kinds)."""
        return int(self._read(cypher.COUNT_NODES)[0]["nodes"])

    # --- records of one kind (the write API) --------------------------------------------

    def records(
        self,
        kind: str,
        *,
        filters: Mapping[str, str | None] | None = None,
        visible: frozenset[str] | None = None,
        offset: int = 0,
        limit: int = BATCH_SIZE,
    ) -> tuple[list[BaseModel], int]:
        """A page of the stored records of one kind (a :class:`Portfolio` field), in key
        order, and how many match; each filter (see :data:`RECORD_FILTERS`) None or an
        exact id (``search``: part of a name or id). ``visible`` (account ids) leaves out
        the records on other accounts; team members and competitors are everyone's."""
        query, model = _RECORD_LISTS[kind]
        unknown = set(filters or {}) - set(RECORD_FILTERS[kind])
        if unknown:
            raise ValueError(f"no filter {sorted(unknown)} on {kind}")
        params: dict[str, Any] = {name: None for name in RECORD_FILTERS[kind]}
        params.update(filters or {})
        params.update(
            visible=None if visible is None else sorted(visible),
            offset=offset,
            stop=offset + limit,
        )
        row = self._read(query, **params)[0]
        items = row["items"]
        if kind == "interactions" and items:
            taking = {
                r["id"]: r
                for r in self._read(cypher.INTERACTION_PARTICIPANTS, ids=[i["id"] for i in items])
            }
            items = [
                {
                    **i,
                    "member_ids": sorted(taking[i["id"]]["member_ids"]),
                    "stakeholder_ids": sorted(taking[i["id"]]["stakeholder_ids"]),
                }
                for i in items
            ]
        return [_load(model, item) for item in items], int(row["total"])

    def record(self, kind: str, key: Mapping[str, str]) -> BaseModel | None:
        """The stored record of a kind with this key (``{"id": …}``, or the ids an edge
        joins: a conflict either way round), or None."""
        found, _ = self.records(kind, filters=key, limit=1)
        return found[0] if found else None

    # --- deletes -----------------------------------------------------------------------

    def delete_account(self, account_id: str) -> None:
        """Delete an account and everything on it: its people (and their edges), its
        interactions, its team's roles. Team members and competitors stay."""
        with self.atomic() as target:
            people = [s.id for s in target.account_graph(account_id).stakeholders]
            target._remove(
                "account",
                account_id,
                cypher.DELETE_ACCOUNT,
                {"account_id": account_id},
                accounts=[account_id],
                people=(cypher.STAKEHOLDER_INTERACTIONS, people),
            )

    def delete_stakeholder(self, stakeholder_id: str) -> None:
        """Delete a stakeholder (a plain delete, not erasure: history keeps what they
        were): their edges go, and the interactions left with nobody on their side."""
        with self.atomic() as target:
            account_id = target.stakeholder_account(stakeholder_id)
            target._remove(
                "stakeholder",
                stakeholder_id,
                cypher.DELETE_STAKEHOLDER,
                {"stakeholder_id": stakeholder_id},
                accounts=[account_id] if account_id else [],
                people=(cypher.STAKEHOLDER_INTERACTIONS, [stakeholder_id]),
            )

    def delete_team_member(self, member_id: str) -> None:
        """Delete a team member: their roles, relationships and ownerships go, and the
        interactions left with nobody on our side."""
        with self.atomic() as target:
            accounts = [
                a
                for row in target._read(cypher.MEMBER_ACCOUNTS, ids=[member_id])
                for key in ("on_team", "known", "attended")
                for a in row[key]
                if a is not None
            ]
            target._remove(
                "team member",
                member_id,
                cypher.DELETE_TEAM_MEMBER,
                {"member_id": member_id},
                accounts=accounts,
                people=(cypher.MEMBER_INTERACTIONS, [member_id]),
            )

    def delete_competitor(self, competitor_id: str) -> None:
        """Delete a competitor, and with it who favours them."""
        with self.atomic() as target:
            rows = target._read(cypher.COMPETITOR_ACCOUNTS, ids=[competitor_id])
            target._remove(
                "competitor",
                competitor_id,
                cypher.DELETE_COMPETITOR,
                {"competitor_id": competitor_id},
                accounts=[r["account_id"] for r in rows],
            )

    def delete_interaction(self, interaction_id: str) -> None:
        """Delete a logged interaction."""
        with self.atomic() as target:
            rows = target._read(cypher.FIND_INTERACTIONS, ids=[interaction_id])
            target._remove(
                "interaction",
                interaction_id,
                cypher.DELETE_INTERACTION,
                {"interaction_id": interaction_id},
                accounts=[r["props"]["account_id"] for r in rows],
            )

    def end_relationship(self, member_id: str, stakeholder_id: str) -> None:
        """Remove a team member's relationship with a stakeholder (and its rating)."""
        self._remove_line(
            "relationship",
            stakeholder_id,
            cypher.END_RELATIONSHIP,
            {"member_id": member_id, "stakeholder_id": stakeholder_id},
        )

    def unassign_owner(self, stakeholder_id: str) -> None:
        """Leave a stakeholder without an owner."""
        self._remove_line(
            "owner", stakeholder_id, cypher.UNASSIGN_OWNER, {"stakeholder_id": stakeholder_id}
        )

    def drop_reporting_line(self, stakeholder_id: str) -> None:
        """Record that a stakeholder reports to nobody at the account."""
        self._remove_line(
            "reporting line",
            stakeholder_id,
            cypher.DROP_REPORTING_LINE,
            {"stakeholder_id": stakeholder_id},
        )

    def drop_influence_line(self, source_id: str, target_id: str) -> None:
        """Remove the line saying ``source_id`` influences ``target_id``."""
        self._remove_line(
            "influence line",
            source_id,
            cypher.DROP_INFLUENCE_LINE,
            {"source_id": source_id, "target_id": target_id},
        )

    def drop_conflict_line(self, stakeholder_id: str, other_id: str) -> None:
        """Remove the conflict between two stakeholders (either way round)."""
        self._remove_line(
            "conflict line",
            stakeholder_id,
            cypher.DROP_CONFLICT_LINE,
            {"stakeholder_id": stakeholder_id, "other_id": other_id},
        )

    def remove_team_role(self, account_id: str, member_id: str, role: str) -> None:
        """Take a team member's role on an account away."""
        self._remove(
            "team role",
            f"{account_id}/{member_id}/{role}",
            cypher.REMOVE_TEAM_ROLE,
            {"account_id": account_id, "member_id": member_id, "role": role},
            accounts=[account_id],
        )

    def remove_favor(self, stakeholder_id: str, competitor_id: str) -> None:
        """Record that a stakeholder no longer favours a competitor."""
        self._remove_line(
            "preference",
            stakeholder_id,
            cypher.REMOVE_FAVOR,
            {"stakeholder_id": stakeholder_id, "competitor_id": competitor_id},
        )

    def _remove_line(self, kind: str, stakeholder_id: str, query: str, params: dict) -> None:
        """Remove an edge that starts at a stakeholder (it is on their account)."""
        with self.atomic() as target:
            account_id = target.stakeholder_account(stakeholder_id)
            accounts = [account_id] if account_id else []
            target._remove(kind, "/".join(params.values()), query, params, accounts=accounts)

    def _remove(
        self,
        kind: str,
        record_id: str,
        query: str,
        params: dict[str, Any],
        *,
        accounts: Iterable[str],
        people: tuple[str, list[str]] | None = None,
    ) -> None:
        """Run one removal in an atomic block that history records, touching the accounts
        it changes first; :class:`NotFound` if it removed nothing. ``people`` (a query and
        ids) names whose interactions may be left with nobody on one side: those go too,
        and the accounts they are filed under are touched as well."""
        with self.atomic() as target:
            assert target._recorder is not None
            touched = set(accounts)
            interactions: list[str] = []
            if people is not None:
                query_of, ids = people
                for batch in _batches(ids):
                    for row in target._read(query_of, ids=batch):
                        interactions.append(row["id"])
                        touched.add(row["account_id"])
            target._recorder.touch(target, touched)
            rows = target._runner.run(query, params, write=True)
            if not rows or not int(rows[0]["removed"]):
                raise NotFound(kind, record_id)
            for batch in _batches(interactions):
                target._runner.run(cypher.DELETE_EMPTY_INTERACTIONS, {"ids": batch}, write=True)

    def erase_stakeholder(self, stakeholder_id: str, *, scrub: bool = False) -> Erasure:
        """Erase a stakeholder: every edge touching them, the interactions only they
        attended on the customer's side, and their place in shared ones; keep the salted
        hash of their id so imports skip them. :class:`NotFound` if unknown.

        The free-text fields of other records that mention them are listed; ``scrub``
        redacts them (except other people's names and e-mails, see
        :data:`~graph.erasure.PROSE_FIELDS`). All of it lands at once or not at all. The
        engine's files still hold the person until :meth:`purge_deleted`.
        """
        with self.atomic() as target:
            mentions: list[Mention] = []
            scrubs: dict[str, list[dict]] = defaultdict(list)
            person, found = target._mentions(stakeholder_id)
            phrases = Phrases.of(*_identity(person))
            for mention, row in found:
                scrubbed = scrub and not mention.identity
                mentions.append(mention.model_copy(update={"scrubbed": scrubbed}))
                if not scrubbed:
                    continue
                text = phrases.redact(row["fields"][mention.field])
                if mention.kind == "relationship":
                    key = {"member_id": row["id"], "stakeholder_id": row["stakeholder_id"]}
                else:
                    key = {"id": row["id"]}
                scrubs[mention.kind].append({**key, "props": {mention.field: text}})
            run = target._runner.run
            for kind, rows in scrubs.items():
                for batch in _batches(rows):
                    run(_SCRUB[kind], {"rows": batch}, write=True)
            salt = run(cypher.ERASURE_SALT, {"salt": secrets.token_hex(32)}, write=True)[0]["salt"]
            # A one-word name ("Bob") is too common to redact in every later import's text.
            names = [n for n in _identity(person) if n and ("@" in n or len(normal(n).split()) > 1)]
            marked = run(
                cypher.MARK_ERASED,
                {
                    "stakeholder_id": stakeholder_id,
                    "erased_hash": salted_hash(salt, stakeholder_id),
                    "erased_names": [phrase_hashes(salt, n) for n in names],
                },
                write=True,
            )
            if not marked:  # erased by someone else meanwhile
                raise NotFound("stakeholder", stakeholder_id)
            rows = run(cypher.ERASE_STAKEHOLDER, {"stakeholder_id": stakeholder_id}, write=True)
            target._forget(stakeholder_id, person, phrases)
        return Erasure(
            stakeholder_id=stakeholder_id,
            interactions_deleted=int(rows[0]["interactions_deleted"]),
            interactions_kept=int(rows[0]["interactions_kept"]),
            mentions=mentions,
        )

    def _forget(self, stakeholder_id: str, person: dict[str, Any], phrases: Phrases) -> None:
        """Take an erased person out of the change log; only the fact of an erasure stays.

        Their own records' entries go; their id leaves the participant lists of logged
        interactions (an interaction that named only them goes too); their name and
        e-mail are redacted in the values that remain (other people's notes, say). The
        sets whose text may hold them are read, decided entry by entry and written back.
        """
        quoted_id = json.dumps(stakeholder_id, ensure_ascii=False)
        terms = search_terms(*_identity(person))
        rows = self._read(cypher.HISTORY_NAMING, quoted_id=quoted_id, **terms)
        # Every set read, by (account id, first_seq); an entry is (account id, seq).
        sets = {(s.account_id, s.first_seq): s for s in _change_sets(rows)}
        drop: set[tuple[str, int]] = set()
        rewrite: dict[tuple[str, int], history.Entry] = {}
        interactions: set[str] = set()
        for logged in list(sets.values()):
            for seq, entry in logged.numbered():
                where = (logged.account_id, seq)
                _kind, collection, subject, counterpart, _field, before, after = entry
                if stakeholder_id in (subject, counterpart):
                    drop.add(where)
                elif not _may_name(entry, quoted_id, terms):
                    continue
                elif collection == "interactions":
                    interactions.add(subject)
                else:
                    scrubbed = [
                        *entry[:5],
                        None if before is None else _redacted(before, phrases),
                        None if after is None else _redacted(after, phrases),
                    ]
                    if scrubbed != entry:
                        rewrite[where] = scrubbed
        if interactions:
            quoted = [json.dumps(i, ensure_ascii=False) for i in sorted(interactions)]
            for logged in _change_sets(self._read(cypher.INTERACTION_CHANGE_SETS, quoted=quoted)):
                sets.setdefault((logged.account_id, logged.first_seq), logged)
        added: dict[tuple[str, int], history.Entry] = {}
        for interaction_id in sorted(interactions):
            # A meeting they attended is kept (if it still exists) with one entry, dated
            # when it was first recorded, as it is now: undoing its old entries one by one
            # could bring back a meeting whose only customer-side attendee was them.
            logged_at = sorted(
                (
                    (seq, s)
                    for s in sets.values()
                    for seq, e in s.numbered()
                    if e[1] == "interactions" and e[2] == interaction_id
                ),
                key=lambda found: found[0],
            )
            drop.update((s.account_id, seq) for seq, s in logged_at)
            now = self._read(cypher.FIND_INTERACTIONS, ids=[interaction_id])
            if not now or not logged_at:
                continue
            account_id = now[0]["props"]["account_id"]
            (graph,) = self.account_graphs([account_id])
            record = next((i for i in graph.interactions if i.id == interaction_id), None)
            if record is None:
                continue
            seq, first = logged_at[0]
            if account_id != first.account_id:
                # Re-filed since: the entry goes to the account it is filed under now, in a
                # set of its own with the first entry's number, date and actor.
                sets[(account_id, seq)] = dataclasses.replace(
                    first, account_id=account_id, first_seq=seq, entries=[]
                )
            added[(account_id, seq)] = history.entry(
                Change(
                    kind="interaction_added",
                    collection="interactions",
                    subject_id=interaction_id,
                    after=_redacted(record.model_dump(mode="json"), phrases),
                )
            )
        self._rewrite_sets(sets.values(), drop, rewrite, added)
        today, newest = dt.date.today(), self.history_newest()
        erased = Change(
            kind="stakeholder_erased",
            collection="stakeholders",
            subject_id="[erased]",
            at=max(today, newest or today),  # the log stays in date order
            actor="erase",
        )
        self._append([(person["account_id"], erased)])

    def _rewrite_sets(
        self,
        sets: Iterable[history.ChangeSet],
        drop: Set[tuple[str, int]],
        rewrite: Mapping[tuple[str, int], history.Entry],
        added: Mapping[tuple[str, int], history.Entry],
    ) -> None:
        """Write back the sets in which erasure dropped entries (account id, seq), rewrote
        them or put one in a dropped one's place; a dropped entry leaves a null, so every
        other keeps its number. A set left with none is deleted; a new one is created."""
        created, changed, emptied = [], [], []
        for logged in sets:
            entries: list[history.Entry | None] = list(logged.entries) or [None]
            for n in range(len(entries)):
                where = (logged.account_id, logged.first_seq + n)
                if where in added:
                    entries[n] = added[where]
                elif where in drop:
                    entries[n] = None
                elif where in rewrite:
                    entries[n] = rewrite[where]
            if entries == logged.entries:
                continue
            row = dataclasses.replace(logged, entries=entries).row()
            if not logged.entries:
                created.append(row)
            elif row["count"]:
                changed.append(row)
            else:
                emptied.append(row)
        for statement, rows in (
            (cypher.DELETE_CHANGE_SETS, emptied),
            (cypher.REWRITE_CHANGE_SETS, changed),
            (cypher.RECORD_CHANGE_SETS, created),
        ):
            for batch in _batches(rows, 100):
                self._runner.run(statement, {"rows": batch}, write=True)

    def mentions_of(self, stakeholder_id: str) -> list[Mention]:
        """The free-text fields of other records that mention a stakeholder (their full
        name or e-mail, whole words, any case); :class:`NotFound` if unknown."""
        return [mention for mention, _ in self._mentions(stakeholder_id)[1]]

    def _mentions(self, stakeholder_id: str) -> tuple[dict, list[tuple[Mention, dict]]]:
        """The person's stored properties, and each mention with its record's row."""
        found = self._read(cypher.FIND_STAKEHOLDERS, ids=[stakeholder_id])
        if not found:
            raise NotFound("stakeholder", stakeholder_id)
        person = found[0]["props"]
        phrases = Phrases.of(*_identity(person))
        rows = self._read(
            cypher.MENTION_CANDIDATES,
            stakeholder_id=stakeholder_id,
            **search_terms(*_identity(person)),
        )
        out = []
        for row in rows:
            kind = row["kind"]
            shown = (
                row["id"] if kind != "relationship" else f"{row['id']} → {row['stakeholder_id']}"
            )
            for field_name, text in row["fields"].items():
                if phrases.mentions(text):
                    identity = field_name not in PROSE_FIELDS[_KINDS[kind]]
                    mention = Mention(
                        kind=kind, id=shown, field=field_name, identity=identity, scrubbed=False
                    )
                    out.append((mention, row))
        return person, sorted(out, key=lambda m: (m[0].kind, m[0].id, m[0].field))

    def erased(self) -> Erased:
        """What the store remembers of the people it erased (salted hashes only)."""
        rows = self._read(cypher.ERASED)
        if not rows:
            return Erased(None, frozenset())
        names = rows[0]["names"]
        return Erased(
            rows[0]["salt"],
            frozenset(rows[0]["ids"]),
            frozenset(n["hash"] for n in names),
            frozenset(n["first"] for n in names),
            tuple(sorted({int(n["words"]) for n in names}, reverse=True)),
        )

    # --- access: tokens and sessions (not account records: no history) -----------------

    def add_token(self, token: Token, secret_digest: str) -> None:
        """Keep a new token: its record and the hash of its secret, never the secret."""
        self._runner.run(
            cypher.ADD_TOKEN,
            {
                **token.model_dump(mode="json", exclude={"revoked_at"}),
                "hash": secret_digest,
            },
            write=True,
        )

    def token_by_hash(self, secret_digest: str) -> Token | None:
        """The live (unrevoked) token whose secret hashes so."""
        rows = self._read(cypher.TOKEN_BY_HASH, hash=secret_digest)
        return Token.model_validate(rows[0]["token"]) if rows else None

    def token_by_id(self, token_id: str) -> Token | None:
        """The live (unrevoked) token with this id."""
        rows = self._read(cypher.TOKEN_BY_ID, id=token_id)
        return Token.model_validate(rows[0]["token"]) if rows else None

    def tokens(self) -> list[Token]:
        """Every token, revoked ones too, oldest first."""
        return [Token.model_validate(r["token"]) for r in self._read(cypher.TOKENS)]

    def revoke_token(self, token_id: str) -> None:
        """Revoke a live token at once; :class:`NotFound` if there is none with that id."""
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        if not self._runner.run(cypher.REVOKE_TOKEN, {"id": token_id, "at": at}, write=True):
            raise NotFound("token", token_id)

    def revoke_labelled_tokens(self, label: str) -> int:
        """Revoke every live token with this label (the previous serve's login token)."""
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        rows = self._runner.run(
            cypher.REVOKE_LABELLED_TOKENS, {"label": label, "at": at}, write=True
        )
        return int(rows[0]["revoked"]) if rows else 0

    def stakeholder_account(self, stakeholder_id: str) -> str | None:
        """The account a stakeholder works at, or None if there is no such stakeholder."""
        rows = self._read(cypher.FIND_STAKEHOLDERS, ids=[stakeholder_id])
        return rows[0]["props"]["account_id"] if rows else None

    def team_member_exists(self, member_id: str) -> bool:
        """Whether a team member with this id is stored."""
        return bool(self._read(cypher.FIND_TEAM_MEMBERS, ids=[member_id]))

    def team_accounts(self, member_id: str) -> frozenset[str]:
        """The accounts whose team the member is on."""
        return frozenset(r["id"] for r in self._read(cypher.TEAM_ACCOUNTS, member_id=member_id))

    def session_secret(self) -> str:
        """The key that signs session cookies: made once per store, so every worker and
        every restart shares it (revoking the token still ends the session)."""
        return self._runner.run(
            cypher.SESSION_SECRET, {"secret": secrets.token_urlsafe(32)}, write=True
        )[0]["secret"]

    def purge_deleted(self) -> str:
        """Have the engine rewrite its files so deleted records leave the disk, as far as
        the engine allows; says what it did."""
        return self.engine.purge_deleted()

    def dump(self) -> list[str]:
        """Every node and relationship with all its properties, one JSON text each, sorted:
        equal dumps are equal stores (tokens, history and secrets included)."""
        rows = self._read(cypher.DUMP_NODES) + self._read(cypher.DUMP_RELATIONSHIPS)
        return sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)

    def delete_everything(self) -> None:
        """Empty the store (tests, and importing into a clean store)."""
        self._runner.run(cypher.DELETE_EVERYTHING, write=True)


@dataclass
class Pending:
    """The ids an import's earlier batches will have written when a later one is.

    Lets :meth:`GraphStore.check` judge a streamed import batch by batch before its
    first write: a stakeholder batch may name accounts that only an earlier batch holds.
    """

    accounts: set[str] = field(default_factory=set)
    stakeholders: dict[str, str] = field(default_factory=dict)  # id → account id
    members: set[str] = field(default_factory=set)
    competitors: set[str] = field(default_factory=set)
    #: stakeholder id → manager id, or None for a line the import removes
    managers: dict[str, str | None] = field(default_factory=dict)
    #: accounts people move away from: their stored lines may come along (a cycle check
    #: must read them)
    left: set[str] = field(default_factory=set)
    #: the moves of the batches checked so far, and the lines they drop (kind, from, to)
    moves: list[Move] = field(default_factory=list)
    dropped: set[tuple[str, str, str]] = field(default_factory=set)

    def add(self, p: Portfolio) -> None:
        """Count ``p`` as written."""
        _apply_reporting_lines(self.managers, p)
        self.accounts.update(a.id for a in p.accounts)
        self.stakeholders.update((s.id, s.account_id) for s in p.stakeholders)
        self.members.update(m.id for m in p.team_members)
        self.competitors.update(c.id for c in p.competitors)


def _apply_reporting_lines(manager: dict[str, str | None], p: Portfolio) -> None:
    """Update a stakeholder → manager map with ``p``'s lines (None: reports to nobody)."""
    manager.update((r.stakeholder_id, r.manager_id) for r in p.reports_to)


#: Relationship type → the Portfolio field of its lines.
_LINE_KINDS: dict[str, str] = {
    "REPORTS_TO": "reports_to",
    "INFLUENCES": "influences",
    "CONFLICTS_WITH": "conflicts",
}


#: Relationship type → the Portfolio field of its lines and the names of their two ends.
_STATE_LINES: dict[str, tuple[str, tuple[str, str]]] = {
    "REPORTS_TO": ("reports_to", ("stakeholder_id", "manager_id")),
    "INFLUENCES": ("influences", ("source_id", "target_id")),
    "CONFLICTS_WITH": ("conflicts", ("stakeholder_id", "other_id")),
}

#: The record kinds :meth:`GraphStore.records` reads: statement and model.
_RECORD_LISTS: dict[str, tuple[str, type[BaseModel]]] = {
    "accounts": (cypher.LIST_ACCOUNT_RECORDS, Account),
    "stakeholders": (cypher.LIST_STAKEHOLDER_RECORDS, Stakeholder),
    "team_members": (cypher.LIST_TEAM_MEMBER_RECORDS, TeamMember),
    "competitors": (cypher.LIST_COMPETITOR_RECORDS, Competitor),
    "interactions": (cypher.LIST_INTERACTION_RECORDS, Interaction),
    "knows": (cypher.LIST_KNOWS_RECORDS, Knows),
    "team": (cypher.LIST_TEAM_RECORDS, TeamAssignment),
    "reports_to": (cypher.LIST_REPORTS_TO_RECORDS, ReportsTo),
    "influences": (cypher.LIST_INFLUENCES_RECORDS, Influences),
    "conflicts": (cypher.LIST_CONFLICTS_RECORDS, ConflictsWith),
    "owners": (cypher.LIST_OWNERS_RECORDS, Ownership),
    "favors": (cypher.LIST_FAVORS_RECORDS, Favors),
}

#: The filters each kind of record can be listed by (the parameters of its statement).
RECORD_FILTERS: dict[str, tuple[str, ...]] = {
    "accounts": ("id", "search"),
    "stakeholders": ("id", "account_id", "search"),
    "team_members": ("id", "search"),
    "competitors": ("id", "search"),
    "interactions": ("id", "account_id", "member_id", "stakeholder_id"),
    "knows": ("member_id", "stakeholder_id", "account_id"),
    "team": ("account_id", "member_id", "role"),
    "reports_to": ("stakeholder_id", "manager_id", "account_id"),
    "influences": ("source_id", "target_id", "account_id"),
    "conflicts": ("stakeholder_id", "other_id", "account_id"),
    "owners": ("stakeholder_id", "member_id", "account_id"),
    "favors": ("stakeholder_id", "competitor_id", "account_id"),
}


def _named_accounts(p: Portfolio) -> set[str]:
    """The accounts ``p``'s records name: its accounts, and where its people, team roles
    and interactions are."""
    accounts = {a.id for a in p.accounts} | {s.account_id for s in p.stakeholders}
    return accounts | {t.account_id for t in p.team} | {i.account_id for i in p.interactions}


class _Known(BaseModel):
    accounts: set[str]
    stakeholders: dict[str, str]  # id → account id
    members: set[str]
    competitors: set[str]


class _Collector:
    """Python's cyclic garbage collector, held off while a bulk read builds its results.

    Reading 100 accounts builds some 100,000 small lists, dicts and records, none of
    them in a reference cycle (reference counting frees them all); every collection
    that ran meanwhile traversed all that were alive again, which tripled the Python
    time of a 100-account read. The collector is process-wide, so pauses in several
    threads share one: it resumes when the last ends, if it was running before the first.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pauses = 0
        self._resume = False

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        with self._lock:
            if not self._pauses:
                self._resume = gc.isenabled()
                gc.disable()
            self._pauses += 1
        try:
            yield
        finally:
            with self._lock:
                self._pauses -= 1
                if not self._pauses and self._resume:
                    gc.enable()


_COLLECTOR: Final = _Collector()

#: The fields ACCOUNT_RECORDS reads of each kind of record, in the order it lists them.
_RECORD_FIELDS: Final = {
    "account_fields": list(Account.model_fields),
    "stakeholder_fields": list(Stakeholder.model_fields),
    "member_fields": list(TeamMember.model_fields),
    "knows_fields": [f for f in Knows.model_fields if f not in ("member_id", "stakeholder_id")],
    "interaction_fields": [
        f for f in Interaction.model_fields if f not in ("member_ids", "stakeholder_ids")
    ],
}

#: How ACCOUNT_RECORDS lists each kind: the Portfolio field and the names of its values
#: (None: a value the kind does not keep, the weight every line is read with).
_RECORD_VALUES: Final[dict[str, tuple[str, list[str | None]]]] = {
    "accounts": ("accounts", _RECORD_FIELDS["account_fields"]),
    "stakeholders": ("stakeholders", _RECORD_FIELDS["stakeholder_fields"]),
    "team_members": ("team_members", _RECORD_FIELDS["member_fields"]),
    "REPORTS_TO": ("reports_to", ["stakeholder_id", "manager_id", None]),
    "INFLUENCES": ("influences", ["source_id", "target_id", "weight"]),
    "CONFLICTS_WITH": ("conflicts", ["stakeholder_id", "other_id", None]),
    "knows": ("knows", ["member_id", "stakeholder_id", *_RECORD_FIELDS["knows_fields"]]),
    "owners": ("owners", ["member_id", "stakeholder_id"]),
    "favors": ("favors", ["stakeholder_id", "competitor_id", "name"]),
    "team": ("team", ["member_id", "role"]),
    "interactions": ("interactions", _RECORD_FIELDS["interaction_fields"]),
}


def _account_graphs(rows: list[dict]) -> list[AccountGraph]:
    """ACCOUNT_RECORDS rows → one :class:`AccountGraph` per account, in id order, with
    de-duplicated lists sorted by :func:`record_key`."""
    found = _stored_records(rows)
    return [_graph(found[account_id]) for account_id in sorted(found)]


def _stored_records(rows: list[dict]) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """ACCOUNT_RECORDS rows → per account, its records by Portfolio field, as stored (not
    validated): what :func:`_graph` validates, and what a read of the past rewinds first."""
    found: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    participants: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for row in rows:
        account_id, kind = row["account_id"], row["kind"]
        if kind in ("member_ids", "stakeholder_ids"):
            for interaction_id, person_id in row["records"]:
                participants[interaction_id][kind].add(person_id)
            continue
        field, names = _RECORD_VALUES[kind]
        for values in row["records"]:
            # An engine stores no nulls: a null is a property not set.
            record = {
                n: v for n, v in zip(names, values, strict=True) if n is not None and v is not None
            }
            if kind == "favors":
                found[account_id]["competitors"].append(
                    {"id": record["competitor_id"], "name": record.pop("name")}
                )
            elif kind == "team":
                record["account_id"] = account_id
            elif kind == "interactions":
                held = participants[record["id"]]
                record["member_ids"] = held["member_ids"]
                record["stakeholder_ids"] = held["stakeholder_ids"]
            found[account_id][field].append(record)
    for records in found.values():
        for interaction in records["interactions"]:  # every participant is read by now
            interaction["member_ids"] = sorted(interaction["member_ids"])
            interaction["stakeholder_ids"] = sorted(interaction["stakeholder_ids"])
    return found


def _graph(records: Mapping[str, Iterable[dict[str, Any]]]) -> AccountGraph:
    """One account's records (stored or JSON form, by Portfolio field) validated as one
    document, its lists de-duplicated and sorted by :func:`record_key`.

    One call into pydantic-core (about 0.6 ms for 40 people), where record by record cost
    several times as much. It stays validated rather than ``model_construct``-ed: the
    engines hand back dates as text, enums as strings and tuples as lists, which only
    validation turns back into the model's types (a constructed graph would neither equal
    the one written nor behave like it: ``Seniority.rank``, date arithmetic).
    """
    graph = AccountGraph.model_validate(
        {field: list(records.get(field, ())) for field in AccountGraph.model_fields},
        context=STORED,
    )
    return graph.model_copy(
        update={f: _in_order(getattr(graph, f)) for f in AccountGraph.model_fields}
    )


def _old_changes(tx: Runner) -> Iterator[dict[str, Any]]:
    """The Change nodes of a log kept one node per change, in log order, a page at a time,
    each page deleted once read."""
    after = 0
    while page := tx.run(cypher.OLD_CHANGES, {"after": after, "limit": BATCH_SIZE}, write=False):
        yield from (r["change"] for r in page)
        through = int(page[-1]["change"]["seq"])
        tx.run(cypher.DELETE_OLD_CHANGES, {"after": after, "through": through}, write=True)
        after = through


def _change_sets(rows: Iterable[dict[str, Any]]) -> Iterator[history.ChangeSet]:
    """Rows of ``c {.*} AS set`` as decoded sets."""
    return (history.ChangeSet.of(r["set"]) for r in rows)


def _may_name(entry: history.Entry, quoted_id: str, terms: Mapping[str, Any]) -> bool:
    """Whether a logged change's values may hold a person: their id as JSON (exactly), every
    word of their name (a name without words matches nothing), or an address of theirs (the
    coarse filter; :class:`Phrases` decides)."""
    text = " ".join(
        "" if value is None else json.dumps(value, ensure_ascii=False) for value in entry[5:]
    )
    lowered = text.lower()
    words = terms["words"]
    return (
        quoted_id in text
        or (bool(words) and all(w in lowered for w in words))
        or any(e in lowered for e in terms["emails"])
    )


def _graph_of(records: history.Keyed) -> AccountGraph:
    """:func:`_graph` of keyed records."""
    return _graph({field: held.values() for field, held in records.items()})


def _undo(records: history.Keyed, later: list[history.ChangeSet]) -> None:
    """Undo the sets' changes (oldest first, as read) on an account's keyed records."""
    history.undo(
        records, (e for s in reversed(later) for e in reversed(s.entries) if e is not None)
    )


def _in_order(records: tuple[M, ...]) -> tuple[M, ...]:
    """Records de-duplicated and sorted by :func:`record_key`, so an account always reads
    the same."""
    unique = {record_key(r): r for r in records}
    return tuple(unique[k] for k in sorted(unique))


def open_store(settings: Settings | None = None) -> GraphStore:
    """Open the store the settings name: the embedded engine or a Neo4j server."""
    settings = settings or Settings.from_env()
    engine: Engine
    if settings.is_neo4j:
        from graph.engine_neo4j import Neo4jEngine

        engine = Neo4jEngine(
            settings.store,
            settings.neo4j_user,
            settings.neo4j_password,
            settings.neo4j_database,
        )
    else:
        from graph.engine_embedded import EmbeddedEngine

        engine = EmbeddedEngine(settings.data_dir)
    try:
        return GraphStore(engine, default_currency=settings.currency)
    except BaseException:
        engine.close()
        raise
