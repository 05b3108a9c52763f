"""``kamgraph diff`` and ``kamgraph history``: what changed on an account, and who did it."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from api import service
from api.cli_common import cli_store
from graph.access import LOCAL
from graph.history import Change


def diff(
    ctx: typer.Context,
    account_id: Annotated[str, typer.Argument(help="The account's id.")],
    since: Annotated[
        dt.datetime,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="From the end of this date (e.g. the last account review).",
        ),
    ],
    until: Annotated[
        dt.datetime | None,
        typer.Option(
            "--until",
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="To the end of this date (default: today).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the diff as one JSON object.")
    ] = False,
) -> None:
    """What changed on an account since a date: people, relationships, ownership, lines,
    and the gaps and health the analyses see at both ends."""
    with cli_store(ctx) as store:
        compared = service.account_diff(
            store, LOCAL, account_id, since.date(), until.date() if until else None
        )
    if as_json:
        typer.echo(compared.diff.model_dump_json(indent=2))
    else:
        typer.echo(service.diff_text(compared))


def history(
    ctx: typer.Context,
    account_id: Annotated[str, typer.Argument(help="The account's id.")],
    page: Annotated[int, typer.Option(min=1, help="Page, newest changes first.")] = 1,
    per_page: Annotated[int, typer.Option(min=1, max=1000, help="Changes per page.")] = 50,
) -> None:
    """Who changed what on an account, and when: its change log, newest first."""
    with cli_store(ctx) as store:
        log = service.account_history(store, LOCAL, account_id, page=page, per_page=per_page)
    if log.starts is None:
        typer.echo(f"{account_id}: no changes recorded")
        return
    pages = max(1, -(-log.total // per_page))
    typer.echo(
        f"{account_id}: {log.total} changes since {log.starts.isoformat()} "
        f"(page {page} of {pages}, newest first)"
    )
    for change in log.changes:
        typer.echo(_line(change))


def _line(change: Change) -> str:
    """One change as a log line: when, who, what, and the values."""
    what = change.subject_id + (f" → {change.counterpart_id}" if change.counterpart_id else "")
    if change.field is not None:
        values = f"{change.field}: {_value(change.before)} → {_value(change.after)}"
    else:
        values = ""
    at = change.at.isoformat() if change.at else "?"
    return f"{at}  {change.actor or '-'}  {change.kind} {what}  {values}".rstrip()


def _value(value: object) -> str:
    return "-" if value is None else json.dumps(value, ensure_ascii=False)
