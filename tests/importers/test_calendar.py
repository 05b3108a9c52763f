"""Calendar imports on real-format Outlook and Google Calendar exports, on both engines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.errors import InvalidData
from graph.history import Stamp
from graph.model import Interaction, Portfolio
from graph.store import GraphStore
from importers import calendar
from importers.activity import Directory
from importers.load import Parsed, load

from ..conftest import write_recorded
from .conftest import store_json

DATA = Path(__file__).parent / "data" / "activity"
EXPORTS = [DATA / "outlook.ics", DATA / "google.ics"]
UNTIL = dt.date(2026, 11, 25)
ON = Stamp("test import", dt.date(2026, 11, 25))


def people() -> Portfolio:
    return Portfolio.model_validate_json((DATA / "people.json").read_text())


@pytest.fixture
def known(store: GraphStore) -> GraphStore:
    write_recorded(store, people())
    return store


def read(store: GraphStore, files: list[Path] = EXPORTS, **options: object) -> Parsed:
    options = {"until": UNTIL, "subjects": False, **options}
    return calendar.read(files, Directory.of(store.addressed_people()), **options)  # type: ignore[arg-type]


def meeting(id: str, account: str, day: str, members: str, stakeholders: str) -> Interaction:
    return Interaction(
        id=id,
        account_id=account,
        date=dt.date.fromisoformat(day),
        channel="meeting",
        member_ids=members.split(),
        stakeholder_ids=stakeholders.split(),
    )


#: Every meeting both exports hold up to UNTIL, as the store keeps them.
EXPECTED = [
    # Outlook: a weekly series (COUNT=6) less an EXDATE, with one instance moved by
    # RECURRENCE-ID to a Wednesday (where Omar, who declines the series, accepts).
    meeting("cal-6293b919eda235b5cff0e9ba", "acme", "2026-01-05", "tm-kim", "st-jane"),
    meeting("cal-2abb8463938af3d42bf1bae7", "acme", "2026-01-21", "tm-kim", "st-jane st-omar"),
    meeting("cal-d9d6ca31ab8b1964cd05d3bc", "acme", "2026-01-26", "tm-kim", "st-jane"),
    meeting("cal-068f8c641416d39ce3c6e79b", "acme", "2026-02-02", "tm-kim", "st-jane"),
    meeting("cal-5f07f4da4bbcda2cda7f2e8f", "acme", "2026-02-09", "tm-kim", "st-jane"),
    # 00:30 in Berlin: the local day, not the UTC one (10 February).
    meeting("cal-3e6651b14a506d84058b74cb", "globex", "2026-02-11", "tm-raj", "st-lee"),
    # One meeting with two accounts' people (Jane by her alias): one interaction each;
    # the Google export holds it too, and it counts once.
    meeting("cal-da5486ef0405becbf9458ac3", "acme", "2026-03-02", "tm-kim", "st-jane"),
    meeting("cal-e3ef2803706fc551a62398a1", "globex", "2026-03-02", "tm-kim", "st-lee"),
    # Google: weekly until 10 March less an EXDATE (17 Feb) and a cancelled instance
    # (24 Feb), one moved from 3 to 5 March; the instances come before their series.
    meeting("cal-1dd0f50217e7d07becbc3f81", "globex", "2026-02-03", "tm-raj", "st-lee"),
    meeting("cal-2d852e33f024818aa86a8c35", "globex", "2026-02-10", "tm-raj", "st-lee"),
    meeting("cal-38e1a16c9abb1eec246c1441", "globex", "2026-03-05", "tm-raj", "st-lee"),
    meeting("cal-d6d64d6f90e09ae17b604cb2", "globex", "2026-03-10", "tm-raj", "st-lee"),
    # 02:00 UTC on 1 April is 31 March in the calendar's X-WR-TIMEZONE (New York).
    meeting("cal-c4eea5034c84d430a73e63df", "acme", "2026-03-31", "tm-kim", "st-jane"),
]

SUMMARY = [
    "  read 13 events, occurrences up to 2026-11-25",
    "  acme                    7 meetings; skipped 1 cancelled, 1 declined, 1 duplicate",
    "  globex                  6 meetings; skipped 1 cancelled, 1 duplicate",
    "  (no account)              skipped 1 events naming no known stakeholder",
]


def by_id(interactions: tuple[Interaction, ...] | list[Interaction]) -> list[Interaction]:
    return sorted(interactions, key=lambda i: i.id)


def test_the_exports_become_exactly_these_meetings(known: GraphStore) -> None:
    parsed = read(known)
    assert parsed.summary == SUMMARY
    report = load(known, parsed, stamp=ON)

    assert by_id(known.read_portfolio().interactions) == by_id(EXPECTED)
    assert report.nodes["interactions"].created == len(EXPECTED)
    assert report.summary()[1:5] == SUMMARY


def test_importing_again_changes_nothing_and_records_no_history(known: GraphStore) -> None:
    load(known, read(known), stamp=ON)
    before = store_json(known), known.history_span("acme"), known.history_span("globex")

    again = load(known, read(known), stamp=ON)

    assert again.nodes["interactions"].unchanged == len(EXPECTED)
    assert (again.nodes["interactions"].created, again.nodes["interactions"].updated) == (0, 0)
    assert (store_json(known), known.history_span("acme"), known.history_span("globex")) == before


def test_a_dry_run_reports_the_same_and_writes_nothing(known: GraphStore) -> None:
    before = store_json(known)
    report = load(known, read(known), dry_run=True, stamp=ON)
    assert report.summary()[0].startswith("would import")
    assert report.summary()[1:5] == SUMMARY
    assert report.nodes["interactions"].created == len(EXPECTED)
    assert store_json(known) == before


def test_until_stops_the_expansion(known: GraphStore) -> None:
    load(known, read(known, [EXPORTS[0]], until=dt.date(2026, 1, 26)), stamp=ON)
    assert sorted(str(i.date) for i in known.read_portfolio().interactions) == [
        "2026-01-05",
        "2026-01-21",
        "2026-01-26",
    ]


def test_subjects_are_kept_only_when_asked_and_never_an_unknown_address(known: GraphStore) -> None:
    load(known, read(known, [EXPORTS[0]], subjects=True), stamp=ON)
    summaries = {i.summary for i in known.read_portfolio().interactions}
    assert summaries == {
        "Acme weekly sync",
        "Acme weekly sync (moved)",
        "Globex intro with [address]",
        "Joint roadmap: Acme and Globex",
    }


def test_no_description_location_or_unknown_address_is_stored(known: GraphStore) -> None:
    load(known, read(known, subjects=True), stamp=ON)
    stored = store_json(known) + "".join(
        str(c) for a in ("acme", "globex") for c in known.history_page(a, page=1, per_page=500)
    )
    for secret in ("twelve percent", "stranger@elsewhere.example", "Room 4.12", "room412", "meet."):
        assert secret not in stored


MALFORMED = {
    "bad value": (
        "BEGIN:VEVENT\nUID:x\nDTSTART:2026-03-01\nORGANIZER:mailto:kim@ours.example\n"
        "ATTENDEE:mailto:lee.chen@globex.example\nEND:VEVENT\n",
        "bad.ics line 6, column DTSTART: not valid",
    ),
    "bad rule": (
        "BEGIN:VEVENT\nUID:x\nDTSTART:20260301T100000Z\nRRULE:FREQ=SOMETIMES\n"
        "ATTENDEE:mailto:lee.chen@globex.example\nEND:VEVENT\n",
        "bad.ics line 7, column RRULE: not valid",
    ),
    "no UID": (
        "BEGIN:VEVENT\nDTSTART:20260301T100000Z\nEND:VEVENT\n",
        "bad.ics line 4, column UID: a VEVENT needs a UID",
    ),
    "unclosed": (
        "BEGIN:VEVENT\nUID:x\nDTSTART:20260301T100000Z\n",
        "bad.ics line 7: END:VCALENDAR closes BEGIN:VEVENT of line 4",
    ),
    "crossed": (
        "BEGIN:VEVENT\nUID:x\nBEGIN:VALARM\nEND:VEVENT\n",
        "bad.ics line 7: END:VEVENT closes BEGIN:VALARM of line 6",
    ),
    "not a line": (
        "BEGIN:VEVENT\nUID:x\nDTSTART:20260301T100000Z\njust text\nEND:VEVENT\n",
        "bad.ics line 7, value 'just text': not an iCalendar line (NAME:value)",
    ),
}


@pytest.mark.parametrize("body, problem", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_event_names_file_and_line_and_nothing_is_written(
    known: GraphStore, tmp_path: Path, body: str, problem: str
) -> None:
    bad = tmp_path / "bad.ics"
    bad.write_text("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n" + body + "END:VCALENDAR\n")
    before = store_json(known)
    with pytest.raises(InvalidData) as refused:
        read(known, [EXPORTS[0], bad])
    assert any(p.startswith(problem) for p in refused.value.problems), refused.value.problems
    assert store_json(known) == before


def test_a_file_that_is_not_a_calendar_is_refused(known: GraphStore, tmp_path: Path) -> None:
    bad = tmp_path / "notes.ics"
    bad.write_text("Meeting with Jane on Monday\n")
    with pytest.raises(InvalidData) as refused:
        read(known, [bad])
    assert refused.value.problems == [
        "notes.ics line 1: not an iCalendar file (no BEGIN:VCALENDAR)"
    ]


def test_an_erased_stakeholder_leaves_these_meetings_as_any_other(known: GraphStore) -> None:
    load(known, read(known), stamp=ON)
    known.erase_stakeholder("st-jane")
    load(known, read(known), stamp=Stamp("test import", dt.date.today()))
    kept = known.read_portfolio().interactions
    assert [(str(i.date), i.stakeholder_ids) for i in kept if i.account_id == "acme"] == [
        ("2026-01-21", ("st-omar",))
    ]
    assert "jane" not in store_json(known).lower()
