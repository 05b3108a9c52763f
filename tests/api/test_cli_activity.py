"""``kamgraph import calendar`` and ``import mail`` end to end, on both engines."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from graph.settings import Settings
from graph.store import open_store

runner = CliRunner()
DATA = Path(__file__).resolve().parents[1] / "importers" / "data" / "activity"
CALENDARS = [str(DATA / "outlook.ics"), str(DATA / "google.ics")]
MAILBOXES = [str(DATA / "inbox.mbox"), str(DATA / "eml")]
DATED = ["--effective", "2026-11-25"]


def kamgraph(settings: Settings, *args: str) -> str:
    result = runner.invoke(app, ["--store", settings.store, *args])
    assert result.exit_code == 0, result.output
    return result.output


def interactions(settings: Settings) -> list[tuple[str, str]]:
    with open_store(settings) as store:
        return sorted((i.channel.value, str(i.date)) for i in store.read_portfolio().interactions)


def test_import_calendar_and_mail_with_a_dry_run_first(store_settings: Settings) -> None:
    kamgraph(
        store_settings, "import", "json", str(DATA / "people.json"), "--effective", "2026-01-01"
    )

    dry = kamgraph(
        store_settings,
        "import",
        "calendar",
        *CALENDARS,
        "--until",
        "2026-11-25",
        "--dry-run",
        *DATED,
    )
    assert "would import" in dry
    assert "acme                    7 meetings; skipped 1 cancelled, 1 declined, 1 duplicate" in dry
    assert interactions(store_settings) == []

    done = kamgraph(
        store_settings, "import", "calendar", *CALENDARS, "--until", "2026-11-25", *DATED
    )
    assert "interactions        13 new       0 changed       0 unchanged" in done
    mailed = kamgraph(store_settings, "import", "mail", *MAILBOXES, "--subjects", *DATED)
    assert "globex                  1 email; skipped 2 automated" in mailed
    assert [c for c, _ in interactions(store_settings)].count("email") == 5

    again = kamgraph(store_settings, "import", "calendar", *CALENDARS, "--until", "2026-11-25")
    assert "interactions         0 new       0 changed      13 unchanged" in again
    history = kamgraph(store_settings, "history", "globex")
    assert "import calendar" in history and "import mail" in history


def test_a_malformed_calendar_exits_2_and_writes_nothing(
    store_settings: Settings, tmp_path: Path
) -> None:
    kamgraph(
        store_settings, "import", "json", str(DATA / "people.json"), "--effective", "2026-01-01"
    )
    bad = tmp_path / "bad.ics"
    bad.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nEND:VCALENDAR\n")
    result = runner.invoke(
        app, ["--store", store_settings.store, "import", "calendar", CALENDARS[0], str(bad)]
    )
    assert result.exit_code == 2
    assert "bad.ics line 4: END:VCALENDAR closes BEGIN:VEVENT of line 2" in result.output
    assert interactions(store_settings) == []


def test_the_engine_files_hold_no_body_and_no_unknown_address(data_dir: Path) -> None:
    settings = Settings(store=f"embedded:{data_dir}")
    kamgraph(settings, "import", "json", str(DATA / "people.json"), "--effective", "2026-01-01")
    kamgraph(settings, "import", "calendar", *CALENDARS, "--subjects", "--until", "2026-11-25")
    kamgraph(settings, "import", "mail", *MAILBOXES, "--subjects")
    # The append-only file holds every write's text as sent to the engine.
    files = b"".join(p.read_bytes() for p in data_dir.rglob("*") if p.is_file())
    assert b"Globex intro with [address]" in files  # what is stored is there
    for secret in (b"twelve percent", b"stranger@elsewhere", b"Room 4.12", b"offer.pdf"):
        assert secret not in files


def test_erasure_takes_a_person_out_of_imported_meetings_and_mail(store_settings: Settings) -> None:
    kamgraph(
        store_settings, "import", "json", str(DATA / "people.json"), "--effective", "2026-01-01"
    )
    kamgraph(store_settings, "import", "calendar", *CALENDARS, "--until", "2026-11-25")
    kamgraph(store_settings, "import", "mail", *MAILBOXES)
    kamgraph(store_settings, "erase", "st-omar", "--yes")
    kamgraph(store_settings, "import", "mail", *MAILBOXES)  # he is not brought back
    shown = kamgraph(store_settings, "show", "acme") + kamgraph(store_settings, "history", "acme")
    assert "st-omar" not in shown and "omar" not in shown.lower()
    with open_store(store_settings) as store:
        kept = [i for i in store.read_portfolio().interactions if i.account_id == "acme"]
    assert len(kept) == 10 and all(i.stakeholder_ids == ("st-jane",) for i in kept)


def test_the_readme_flow_on_the_sample(data_dir: Path) -> None:
    settings = Settings(store=f"embedded:{data_dir}")
    sample = Path(__file__).resolve().parents[2] / "graph" / "sample"
    kamgraph(settings, "demo")
    met = kamgraph(
        settings,
        "import",
        "calendar",
        str(sample / "calendar.ics"),
        "--until",
        "2026-11-25",
        *DATED,
    )
    assert met.splitlines()[1:5] == [
        "  read 5 events, occurrences up to 2026-11-25",
        "  northwind              15 meetings; skipped 1 cancelled",
        "  (no account)              skipped 1 events naming no known stakeholder",
        "  interactions        15 new       0 changed       0 unchanged",
    ]
    mailed = kamgraph(settings, "import", "mail", str(sample / "mailbox.mbox"), *DATED)
    assert mailed.splitlines()[1:5] == [
        "  read 5 messages",
        "  northwind               3 emails; skipped 1 duplicate",
        "  (no account)              skipped 1 automated",
        "  interactions         3 new       0 changed       0 unchanged",
    ]
    assert "health" in kamgraph(settings, "analyze", "northwind", "--as-of", "2026-11-25")
