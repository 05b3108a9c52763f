"""Writing what an importer read: validated first, then in batches, with a report.

An importer works in two passes. The first validates everything and raises
:class:`~graph.errors.InvalidData` listing every problem, so a bad input writes nothing.
The second (:attr:`Parsed.batches`) streams :class:`~graph.model.Portfolio` batches in
dependency order (accounts and people before the lines between them) — the CRM exports
and the sheet unpacking the records the first pass validated
(:class:`~importers.packed.Packed`), calendars and mail matching their events again — so
a 200,000-contact export never sits in memory as Python objects whole. :func:`load`
reads them once, checking each against the store and writing it, in one
:meth:`~graph.store.GraphStore.atomic` block: one writer at a time, and the import lands
whole or not at all (a batch refused late discards the batches written before it).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Final

from pydantic import BaseModel

from graph import history
from graph.erasure import Erased, Skipped, without_erased
from graph.errors import InvalidData
from graph.history import Stamp
from graph.model import Portfolio
from graph.store import Changes, GraphStore, Move, Pending
from importers.problems import Problems

#: Portfolio fields that are nodes (reported as created/updated/unchanged).
NODE_KINDS = ("accounts", "team_members", "competitors", "stakeholders", "interactions")


#: Records per Portfolio batch written to the store.
BATCH: Final = 5000


@dataclass
class Parsed:
    """A validated input, ready to write; ``summary`` says what the importer read and left
    out (calendar and mail imports: per account), for the report."""

    source: str
    batches: Callable[[], Iterator[Portfolio]]
    records: int
    problems: Problems = field(default_factory=Problems)
    summary: list[str] = field(default_factory=list)


class ImportReport(BaseModel):
    """What an import did (or, in a dry run, would do).

    ``lines`` counts the edges written per kind; ``no_manager`` counts the people the
    input says report to nobody (a stored reporting line of theirs is removed).
    ``moves`` names each stakeholder who moves to another account and the stored lines
    that drops (with people not at the new account). ``read`` is the importer's own
    summary of its input.
    """

    source: str
    dry_run: bool
    read: list[str] = []
    nodes: dict[str, Changes]
    lines: dict[str, int]
    moves: list[Move] = []
    skipped: dict[str, int]
    warnings: list[str]

    def summary(self) -> list[str]:
        """The report as lines of text for the terminal."""
        verb = "would import" if self.dry_run else "imported"
        out = [f"{verb} {self.source}", *self.read]
        for kind, c in self.nodes.items():
            out.append(
                f"  {kind:<14} {c.created:>7} new {c.updated:>7} changed {c.unchanged:>7} unchanged"
            )
        written = "to write" if self.dry_run else "written"
        for kind, n in self.lines.items():
            out.append(f"  {kind:<14} {n:>7} {written}")
        moved, drops = ("would move", "would drop") if self.dry_run else ("moved", "dropped")
        for m in self.moves:
            line = f"  {moved} {m.stakeholder_id} from {m.from_account} to {m.to_account}"
            if m.dropped:
                lines = ", ".join(f"{d.kind} {d.from_id} → {d.to_id}" for d in m.dropped)
                line += f"; {drops} {len(m.dropped)} line{'s' * (len(m.dropped) != 1)}: {lines}"
            out.append(line)
        for kind, n in self.skipped.items():
            out.append(f"  skipped {n} {kind}")
        out += [f"  warning: {w}" for w in self.warnings]
        return out


def load(
    store: GraphStore,
    parsed: Parsed,
    *,
    dry_run: bool = False,
    on_batch: Callable[[int], None] | None = None,
    on_wait: Callable[[], None] | None = None,
    stamp: Stamp | None = None,
) -> ImportReport:
    """Check every batch of ``parsed`` against the store and write it (unless ``dry_run``).

    The importer has validated the input itself; the checks find what only the store
    can tell (an id stored as the other kind of person, a reporting cycle through stored
    lines), in *every* batch: once one is refused, no later batch is written, the rest
    are still checked (against the store and what the earlier batches write) so the
    refusal lists every problem, and the block discards what was written, leaving the
    store unchanged. The block holds the store's writer lock (``on_wait`` is called once
    if another writer holds it), so what each check saw is what its write changes, and
    the import lands whole or not at all, even if the process is killed. The batches are
    read once (each is written right after its check), and ``on_batch`` is told how many
    records each held (a progress bar spans ``parsed.records``). People erased from the
    store are skipped with every record naming them, and counted. The history records
    the changes with ``stamp`` (who, and the date they take effect; default: kamgraph,
    today).
    """
    with store.atomic(on_wait=on_wait, stamp=stamp) as target:
        return _load(target, parsed, dry_run=dry_run, on_batch=on_batch, stamp=stamp)


def _load(
    store: GraphStore,
    parsed: Parsed,
    *,
    dry_run: bool,
    on_batch: Callable[[int], None] | None,
    stamp: Stamp | None,
) -> ImportReport:
    nodes: dict[str, Changes] = {}
    lines: Counter[str] = Counter()
    pending = Pending()
    problems: list[str] = []
    erased = store.erased()
    skipped = Skipped()
    seen: dict[str, set[str]] = {}  # a dry run's node ids counted so far, by kind
    for batch in _skip_erased(parsed.batches(), erased, skipped):
        known = None
        try:
            # Counts it into pending; a batch to be written has its accounts recorded first.
            known = store.check(batch, pending=pending, to_write=not (dry_run or problems))
        except InvalidData as refused:
            problems += refused.problems
        counted, repeats = _first_seen(batch, seen) if dry_run else (batch, Counter[str]())
        for kind, change in store.changes(counted, known).items():
            total = nodes.setdefault(kind, Changes())
            total.created += change.created
            total.updated += change.updated
            total.unchanged += change.unchanged
        for kind, n in repeats.items():
            if n:
                nodes.setdefault(kind, Changes()).unchanged += n
        for kind in Portfolio.model_fields:
            if kind not in NODE_KINDS and getattr(batch, kind):
                lines[kind] += len(getattr(batch, kind))
        if nobody := sum(r.manager_id is None for r in batch.reports_to):
            lines["reports_to"] -= nobody
            lines["no_manager"] += nobody
        if known is not None and not problems and not dry_run:
            # Judged by its own check: the batches before it are written, the store as
            # the check saw it (the writer lock holds).
            store.write_checked(batch, known)
        if on_batch:
            on_batch(_size(batch))
    problems += _out_of_order(store, stamp, nodes)
    if problems:
        raise InvalidData(problems, parsed.source)
    return ImportReport(
        source=parsed.source,
        dry_run=dry_run,
        read=parsed.summary,
        nodes=nodes,
        lines={kind: n for kind, n in lines.items() if n > 0},
        moves=pending.moves,
        skipped=dict(parsed.problems.warning_counts) | _erased_count(skipped.people),
        warnings=[str(p) for p in parsed.problems.warnings] + _redacted(skipped.redacted),
    )


def _first_seen(batch: Portfolio, seen: dict[str, set[str]]) -> tuple[Portfolio, Counter[str]]:
    """A dry run's batch less the node records an earlier batch counted already, and how
    many per kind it left out. A real import has written them by then, so a repeat counts
    as unchanged there (a team member on every account's batch is new once); a dry run
    writes nothing, so it counts a repeat as unchanged itself."""
    update: dict[str, list[Any]] = {}
    repeats: Counter[str] = Counter()
    for kind in NODE_KINDS:
        records = getattr(batch, kind)
        ids = seen.setdefault(kind, set())
        fresh = [r for r in records if r.id not in ids]
        repeats[kind] = len(records) - len(fresh)
        ids.update(r.id for r in fresh)
        update[kind] = fresh
    return batch.model_copy(update=update), repeats


def _out_of_order(store: GraphStore, stamp: Stamp | None, nodes: dict[str, Changes]) -> list[str]:
    """The history's date-order refusal, found before the import lands (and by a dry run): an
    import that creates or changes records, dated before the newest recorded change.
    (The write itself checks every change, lines included.)"""
    newest = store.history_newest()
    at = stamp.at if stamp else None
    changing = any(c.created or c.updated for c in nodes.values())
    if at is None or newest is None or at >= newest or not changing:
        return []
    return [history.out_of_order(at, newest)]


def _skip_erased(
    batches: Iterator[Portfolio], erased: Erased, skipped: Skipped
) -> Iterator[Portfolio]:
    """The batches without the erased people, what names them and their names in its
    text (counted into ``skipped``: ids in memory only, the store keeps hashes)."""
    for batch in batches:
        yield without_erased(batch, erased, skipped)


def _erased_count(people: set[str]) -> dict[str, int]:
    """The report's count of skipped erased people ("skipped 1 erased person")."""
    if not people:
        return {}
    return {"erased person" if len(people) == 1 else "erased people": len(people)}


def _redacted(fields: int) -> list[str]:
    """The report's warning for erased people's names found in the imported text."""
    if not fields:
        return []
    return [f"redacted the name or e-mail of an erased person in {fields} text field(s)"]


def _size(batch: Portfolio) -> int:
    return sum(len(getattr(batch, kind)) for kind in Portfolio.model_fields)


def batches_of(kind: str, records: Iterable[BaseModel]) -> Iterator[Portfolio]:
    """``records`` as Portfolio batches of :data:`BATCH` records of one ``kind``."""
    iterator = iter(records)
    while chunk := list(islice(iterator, BATCH)):
        yield Portfolio(**{kind: chunk})
