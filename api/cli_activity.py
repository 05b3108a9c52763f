"""``kamgraph import calendar`` and ``kamgraph import mail``: meetings and e-mails in.

Registered on :data:`api.cli_io.import_app`. The people are read from the store first
(whom an address belongs to), under the writer lock the import then holds: every
occurrence or message is matched and checked before the first write, and the import
lands whole or not at all; ``--dry-run`` stops before writing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from api.cli_common import cli_store
from api.cli_io import DryRun, Effective, load_with_progress
from graph.history import Stamp
from importers import calendar, mail
from importers.activity import Directory
from importers.load import Parsed

Subjects = Annotated[
    bool,
    typer.Option(
        "--subjects",
        help="Keep each subject as the interaction's summary (addresses kamgraph does not "
        "know are left out); without it only the date, channel and people are stored.",
    ),
]


def _run(
    ctx: typer.Context,
    source: str,
    paths: list[Path],
    parse: Callable[[Directory], Parsed],
    dry_run: bool,
    effective: dt.datetime | None,
) -> None:
    at = effective.date() if effective else dt.date.today()
    stamp = Stamp(actor=f"import {source} {', '.join(str(p) for p in paths)}", at=at)
    with cli_store(ctx) as store:

        def waiting() -> None:
            typer.echo(f"waiting for another import into {store.describe()} to finish…", err=True)

        with store.atomic(on_wait=waiting, stamp=stamp) as target:
            parsed = parse(Directory.of(target.addressed_people()))
            report = load_with_progress(target, parsed, dry_run, stamp)
    typer.echo("\n".join(report.summary()))


def import_calendar(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            help="iCalendar exports (.ics) from Outlook, Google Calendar or Apple Calendar.",
            exists=True,
            dir_okay=False,
        ),
    ],
    until: Annotated[
        dt.datetime | None,
        typer.Option(
            "--until", formats=["%Y-%m-%d"], help="Occurrences up to this day (default: today)."
        ),
    ] = None,
    subjects: Subjects = False,
    dry_run: DryRun = False,
    effective: Effective = None,
) -> None:
    """Import meetings from calendar exports: one per occurrence per account, matched to
    team members and stakeholders by e-mail (and aliases)."""
    last = until.date() if until else dt.date.today()
    _run(
        ctx,
        "calendar",
        files,
        lambda people: calendar.read(files, people, until=last, subjects=subjects),
        dry_run,
        effective,
    )


def import_mail(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="mbox files, or folders of .eml files.", exists=True),
    ],
    subjects: Subjects = False,
    dry_run: DryRun = False,
    effective: Effective = None,
) -> None:
    """Import e-mails from mailboxes: one per message per account, matched to team members
    and stakeholders by From, To and Cc (and aliases); automated mail is skipped."""
    _run(
        ctx,
        "mail",
        paths,
        lambda people: mail.read(paths, people, subjects=subjects),
        dry_run,
        effective,
    )
