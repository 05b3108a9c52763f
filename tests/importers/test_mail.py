"""Mail imports on a real-format mbox and a folder of .eml files, on both engines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.errors import InvalidData
from graph.history import Stamp
from graph.model import Interaction, Portfolio
from graph.store import GraphStore
from importers import mail
from importers.activity import Directory
from importers.load import Parsed, load

from ..conftest import write_recorded
from .conftest import store_json

DATA = Path(__file__).parent / "data" / "activity"
MAILBOXES = [DATA / "inbox.mbox", DATA / "eml"]
ON = Stamp("test import", dt.date(2026, 11, 25))


@pytest.fixture
def known(store: GraphStore) -> GraphStore:
    write_recorded(store, Portfolio.model_validate_json((DATA / "people.json").read_text()))
    return store


def read(store: GraphStore, paths: list[Path] = MAILBOXES, *, subjects: bool = False) -> Parsed:
    return mail.read(paths, Directory.of(store.addressed_people()), subjects=subjects)


def email(id: str, account: str, day: str, members: str, stakeholders: str) -> Interaction:
    return Interaction(
        id=id,
        account_id=account,
        date=dt.date.fromisoformat(day),
        channel="email",
        member_ids=members.split(),
        stakeholder_ids=stakeholders.split(),
    )


EXPECTED = [
    # Encoded-word names, a mixed-case From and a Cc (the unknown address in it is dropped).
    email("mail-442f4e9aa09c4bb11e7f9919", "acme", "2026-03-03", "tm-kim", "st-jane st-omar"),
    email("mail-7d83a522291c4186905d532a", "acme", "2026-03-03", "tm-kim", "st-jane"),
    # No Message-ID: an id from its headers; Kim by her alias; the day the Date header says.
    email("mail-75463e924abbd298737a3f80", "globex", "2026-03-06", "tm-kim tm-raj", "st-lee"),
    # The .eml folder (its notes.txt is not a message).
    email("mail-aa4792fbcaae7acbddc959cc", "acme", "2026-04-02", "tm-kim tm-raj", "st-omar"),
    email("mail-7ed065dbb6cf43826bd493c2", "acme", "2026-04-03", "tm-kim", "st-jane"),
]

SUMMARY = [
    "  read 11 messages",
    # the list mail and the no-reply notice; the same Message-ID in another folder
    "  acme                    4 emails; skipped 2 automated, 1 duplicate",
    # an out-of-office reply (Auto-Submitted) and a Precedence: bulk invitation
    "  globex                  1 email; skipped 2 automated",
    # Raj to Kim: nobody at a customer
    "  (no account)              skipped 1 no known counterpart",
]


def by_id(interactions: tuple[Interaction, ...] | list[Interaction]) -> list[Interaction]:
    return sorted(interactions, key=lambda i: i.id)


def test_the_mailboxes_become_exactly_these_emails(known: GraphStore) -> None:
    parsed = read(known)
    assert parsed.summary == SUMMARY
    report = load(known, parsed, stamp=ON)
    assert by_id(known.read_portfolio().interactions) == by_id(EXPECTED)
    assert report.nodes["interactions"].created == len(EXPECTED)


def test_importing_again_changes_nothing_and_records_no_history(known: GraphStore) -> None:
    load(known, read(known), stamp=ON)
    before = store_json(known), known.history_span("acme"), known.history_span("globex")
    again = load(known, read(known), stamp=ON)
    assert again.nodes["interactions"].unchanged == len(EXPECTED)
    assert (store_json(known), known.history_span("acme"), known.history_span("globex")) == before


def test_subjects_are_decoded_and_kept_only_when_asked(known: GraphStore) -> None:
    load(known, read(known), stamp=ON)
    assert {i.summary for i in known.read_portfolio().interactions} == {None}
    load(known, read(known, subjects=True), stamp=ON)
    assert {i.summary for i in known.read_portfolio().interactions} == {
        "Angebot für 2026",
        "Re: Angebot für 2026",
        "Rollout plan",
        "Budget approved",
        "Following up",
    }


def test_no_body_attachment_or_unknown_address_is_stored(known: GraphStore) -> None:
    load(known, read(known, subjects=True), stamp=ON)
    stored = store_json(known) + "".join(
        str(c) for a in ("acme", "globex") for c in known.history_page(a, page=1, per_page=500)
    )
    for secret in ("twelve percent", "stranger@elsewhere.example", "offer.pdf", "JVBERi0"):
        assert secret not in stored


def test_a_file_that_is_not_a_mailbox_names_file_and_line(
    known: GraphStore, tmp_path: Path
) -> None:
    bad = tmp_path / "notes.mbox"
    bad.write_text("\nDear Jane,\nFrom the top.\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    before = store_json(known)
    with pytest.raises(InvalidData) as refused:
        read(known, [DATA / "inbox.mbox", bad, empty])
    assert refused.value.problems == [
        "notes.mbox line 2: not an mbox mailbox (no 'From ' line)",
        "empty: no .eml files in this folder",
    ]
    assert store_json(known) == before


def test_a_message_between_known_people_needs_a_date(known: GraphStore, tmp_path: Path) -> None:
    box = tmp_path / "box.mbox"
    box.write_text(
        "From x Mon Mar  9 09:00:00 2026\nFrom: kim@ours.example\nDate: whenever\n\nBody\n"
        "From y Mon Mar  9 09:00:00 2026\nFrom: kim@ours.example\nTo: lee.chen@globex.example\n"
        "Date: someday\n\nBody\n"
    )
    with pytest.raises(InvalidData) as refused:
        read(known, [box])
    assert refused.value.problems == [
        "box.mbox line 6, column Date: a message needs a readable Date header"
    ]
