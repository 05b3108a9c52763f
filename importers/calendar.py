"""iCalendar exports in (Outlook, Google Calendar, Apple): a meeting per occurrence per account.

The organizer and attendees (``mailto:`` addresses, any case) are matched to team members
and stakeholders by :class:`~importers.activity.Directory`; recurring events are expanded
by recurring-ical-events — RRULE, RDATE, EXDATE, instances moved or cancelled by a
RECURRENCE-ID, VTIMEZONE and Google's X-WR-TIMEZONE — up to ``until``. An occurrence is
dated on its own local day; its id comes from its UID and original start (a moved
instance keeps its id), so importing the same export again changes nothing. Cancelled
events and instances, and declined attendees, are left out.

Files are streamed, never held whole. Of each VEVENT only the lines that matter are kept
(:data:`KEPT`: no description, location, alarm or attachment is kept or parsed), and an
event that names no known stakeholder is counted and goes no further: parsing and
expanding every event of a large calendar is what costs. A first, cheap pass checks the
structure and gathers the time zones and the moved instances (which may come before or
after their series); every later pass parses and expands the events that can match.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import icalendar
import recurring_ical_events
from icalendar.timezone import tzp

from graph.model import Interaction, Portfolio
from importers.activity import ADDRESS, CANCELLED, Activity, Directory, Matcher, address
from importers.load import Parsed, batches_of
from importers.problems import Problems

#: The VEVENT properties kamgraph reads; every other one is dropped unread.
KEPT: Final = frozenset(
    {
        "UID",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "EXRULE",
        "RECURRENCE-ID",
        "STATUS",
        "SUMMARY",
        "ORGANIZER",
        "ATTENDEE",
    }
)
#: What the report calls events that name no known stakeholder (counted, not expanded).
UNKNOWN_EVENTS: Final = "events naming no known stakeholder"
_EARLIEST: Final = dt.date(1900, 1, 1)


@dataclass
class _Event:
    """One VEVENT as read: where it starts, its kept lines, and the addresses it names."""

    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)
    uid: str | None = None
    moved: bool = False  # a RECURRENCE-ID instance of a series
    addresses: set[str] = field(default_factory=set)

    def text(self) -> str:
        return "BEGIN:VEVENT\r\n" + "".join(f"{t}\r\n" for _, t in self.lines) + "END:VEVENT\r\n"

    def line_of(self, prop: str) -> int:
        """The line of ``prop`` (or of the event, if it has none)."""
        return next((n for n, t in self.lines if _name(t) == prop), self.line)


@dataclass
class _Index:
    """What the first pass learns of a file: its time zones and moved instances by UID."""

    path: Path
    timezones: dict[str, str] = field(default_factory=dict)  # TZID → the VTIMEZONE's text
    wr_timezone: str | None = None
    moved: dict[str, list[_Event]] = field(default_factory=lambda: defaultdict(list))
    series: set[str] = field(default_factory=set)
    events: int = 0


def read(files: list[Path], directory: Directory, *, until: dt.date, subjects: bool) -> Parsed:
    """Check iCalendar files and match their occurrences up to ``until`` (a first pass that
    raises :class:`~graph.errors.InvalidData` naming file and line); the result streams the
    meeting interactions. ``subjects`` keeps each event's SUMMARY as the summary."""
    problems = Problems()
    source = ", ".join(str(f) for f in files)
    indexes = [_index(path, problems) for path in files]
    problems.raise_if_errors(source)
    matcher = Matcher(directory, prefix="cal", subjects=subjects)
    records = sum(1 for _ in _interactions(indexes, matcher, until, problems))
    problems.raise_if_errors(source)

    def batches() -> Iterator[Portfolio]:
        again = Problems()
        fresh = Matcher(directory, prefix="cal", subjects=subjects)
        yield from batches_of("interactions", _interactions(indexes, fresh, until, again))
        again.raise_if_errors(source)

    events = sum(i.events for i in indexes)
    head = f"  read {events:,} event{'s' * (events != 1)}, occurrences up to {until.isoformat()}"
    return Parsed(
        source=source,
        batches=batches,
        records=records,
        summary=[head, *matcher.tally.lines("meeting")],
    )


def _interactions(
    indexes: list[_Index], matcher: Matcher, until: dt.date, problems: Problems
) -> Iterator[Interaction]:
    for index in indexes:
        for activity in _occurrences(index, matcher, until, problems):
            yield from matcher.file(activity)


def _occurrences(
    index: _Index, matcher: Matcher, until: dt.date, problems: Problems
) -> Iterator[Activity]:
    """Every occurrence up to ``until`` of the file's events that name a known stakeholder."""
    name = index.path.name
    # icalendar resolves a TZID it knows (an IANA or Windows name: Outlook's "W. Europe
    # Standard Time") to the zoneinfo zone; only the others need the file's VTIMEZONE,
    # which icalendar then uses. (A VTIMEZONE's rules from 1601 cost a whole rule
    # expansion per occurrence: 20x slower.)
    custom = [text for tzid, text in index.timezones.items() if tzp.timezone(tzid) is None]
    if custom:
        icalendar.Calendar.from_ical("BEGIN:VCALENDAR\r\n" + "".join(custom) + "END:VCALENDAR\r\n")
    for event in _events(index.path, Problems()):
        if event.moved and event.uid in index.series:
            continue  # expanded with its series
        group = [event, *index.moved.get(event.uid or "", ())] if not event.moved else [event]
        if not matcher.directory.knows(a for e in group for a in e.addresses):
            matcher.tally.skip(None, UNKNOWN_EVENTS)
            continue
        calendar = _parse(name, group, index.wr_timezone, problems)
        if calendar is None:
            continue
        try:
            found = list(
                recurring_ical_events.of(calendar).between(_EARLIEST, until + dt.timedelta(days=1))
            )
        except (recurring_ical_events.InvalidCalendar, ValueError) as error:
            problems.error(name, event.line, None, event.uid, f"cannot expand the event: {error}")
            continue
        for occurrence in found:
            yield _activity(event.uid or "", occurrence)


def _parse(
    name: str, group: list[_Event], wr_timezone: str | None, problems: Problems
) -> icalendar.Calendar | None:
    """A calendar of one series and its moved instances, or None (the problems recorded)."""
    head = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//kamgraph//EN\r\n"
    if wr_timezone:
        head += f"X-WR-TIMEZONE:{wr_timezone}\r\n"
    text = head + "".join(e.text() for e in group) + "END:VCALENDAR\r\n"
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except ValueError as error:
        problems.error(name, group[0].line, None, None, f"not a valid VEVENT: {error}")
        return None
    components = calendar.walk("VEVENT")
    if len(components) != len(group):
        problems.error(name, group[0].line, None, None, "not a valid VEVENT")
        return None
    ok = True
    for event, component in zip(group, components, strict=True):
        for prop, why in component.errors:
            problems.error(name, event.line_of(prop), prop, None, f"not valid: {why}")
            ok = False
        if "DTSTART" not in component:
            problems.error(name, event.line, "DTSTART", None, "a VEVENT needs a DTSTART")
            ok = False
    return calendar if ok else None


def _activity(uid: str, occurrence: icalendar.Event) -> Activity:
    start = occurrence["DTSTART"].dt
    original = occurrence.get("RECURRENCE-ID")
    attendees = occurrence.get("ATTENDEE", [])
    attendees = attendees if isinstance(attendees, list) else [attendees]
    said_no = (x for x in attendees if x.params.get("PARTSTAT", "").upper() == "DECLINED")
    declined = tuple(sorted({a for a in map(_address, said_no) if a}))
    present = {_address(x) for x in attendees}
    if "ORGANIZER" in occurrence:
        present.add(_address(occurrence["ORGANIZER"]))
    present -= {None, *declined}
    status = str(occurrence.get("STATUS", "")).upper()
    subject = occurrence.get("SUMMARY")
    return Activity(
        key=f"{uid}\n{_instant(original.dt if original else start)}",
        date=start.date() if isinstance(start, dt.datetime) else start,
        addresses=tuple(sorted(present)),  # type: ignore[arg-type]
        declined=declined,
        subject=str(subject) if subject is not None else None,
        skip=CANCELLED if status == "CANCELLED" else None,
    )


def _address(value: icalendar.vCalAddress) -> str | None:
    """A ``mailto:`` address (any case), or the EMAIL parameter of another kind of URI."""
    text = str(value)
    if text[:7].lower() == "mailto:":
        return address(text)
    email = value.params.get("EMAIL")
    return address(email) if email else None


def _instant(when: dt.date) -> str:
    """An occurrence's start in one form whatever the zone it was written in."""
    if isinstance(when, dt.datetime):
        if when.tzinfo is not None:
            return when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        return when.strftime("%Y%m%dT%H%M%S")
    return when.strftime("%Y%m%d")


def _index(path: Path, problems: Problems) -> _Index:
    """The first pass over a file: its structure checked, time zones and moved instances."""
    index = _Index(path)
    for item in _components(path, problems, index):
        if item.uid is None:
            problems.error(path.name, item.line, "UID", None, "a VEVENT needs a UID")
        elif item.moved:
            index.moved[item.uid].append(item)
        else:
            index.series.add(item.uid)
        index.events += 1
    if index.events == 0 and not problems.errors:
        problems.error(path.name, None, None, None, "no events in this file")
    return index


def _events(path: Path, problems: Problems) -> Iterator[_Event]:
    yield from _components(path, problems, None)


def _components(path: Path, problems: Problems, index: _Index | None) -> Iterator[_Event]:
    """The file's VEVENTs as read; with ``index``, also gathers its VTIMEZONEs and
    X-WR-TIMEZONE. Structural problems (an unbalanced BEGIN/END, a line that is not
    ``NAME:value``, a file that is not a calendar) are recorded, naming the line."""
    name = path.name
    stack: list[tuple[str, int]] = []
    event: _Event | None = None
    zone: list[str] | None = None
    try:
        for n, line in _unfolded(path):
            if not stack and line.upper() != "BEGIN:VCALENDAR":
                problems.error(name, n, None, None, "not an iCalendar file (no BEGIN:VCALENDAR)")
                return
            _, colon, value = line.partition(":")
            prop = _name(line)
            if not colon:
                problems.error(name, n, None, line[:40], "not an iCalendar line (NAME:value)")
                continue
            if prop == "BEGIN":
                stack.append((value.strip().upper(), n))
                if len(stack) == 2 and stack[-1][0] == "VEVENT":
                    event = _Event(line=n)
                    continue
                if len(stack) == 2 and stack[-1][0] == "VTIMEZONE":
                    zone = [line]
                    continue
            elif prop == "END":
                kind = value.strip().upper()
                if not stack or stack[-1][0] != kind:
                    opened = f"BEGIN:{stack[-1][0]} of line {stack[-1][1]}" if stack else "nothing"
                    problems.error(name, n, None, None, f"END:{kind} closes {opened}")
                    return
                stack.pop()
                if len(stack) == 1 and event is not None:
                    yield event
                    event = None
                    continue
                if len(stack) == 1 and zone is not None:
                    tzid = next((z.partition(":")[2] for z in zone if _name(z) == "TZID"), "")
                    if index is not None and tzid:
                        index.timezones[tzid.strip()] = "".join(f"{z}\r\n" for z in [*zone, line])
                    zone = None
                    continue
            if zone is not None:
                zone.append(line)
            elif event is not None and len(stack) == 2 and prop in KEPT:
                event.lines.append((n, line))
                if prop == "UID":
                    event.uid = value.strip()
                elif prop == "RECURRENCE-ID":
                    event.moved = True
                elif prop in ("ORGANIZER", "ATTENDEE"):
                    event.addresses |= {a.lower() for a in ADDRESS.findall(line)}
            elif index is not None and len(stack) == 1 and prop == "X-WR-TIMEZONE":
                index.wr_timezone = value.strip()
    except OSError as error:
        problems.error(name, None, None, None, f"cannot read: {error.strerror or error}")
        return
    if stack:
        kind, n = stack[-1]
        problems.error(name, n, None, None, f"BEGIN:{kind} is never closed by END:{kind}")


def _name(line: str) -> str:
    """A content line's property name, upper case."""
    end = min((i for i in (line.find(";"), line.find(":")) if i >= 0), default=len(line))
    return line[:end].upper()


def _unfolded(path: Path) -> Iterator[tuple[int, str]]:
    """The file's content lines, unfolded (RFC 5545 §3.1), each with its first line number."""
    with path.open(encoding="utf-8-sig", errors="replace") as file:
        current: str | None = None
        start = 0
        for n, raw in enumerate(file, 1):
            line = raw.rstrip("\r\n")
            if current is not None and line[:1] in (" ", "\t"):
                current += line[1:]
                continue
            if current:
                yield start, current
            current, start = line, n
        if current:
            yield start, current
