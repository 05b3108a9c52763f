"""``kamgraph map`` and ``kamgraph review``: an account's board or review, written to a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from api import service
from api.cli_common import AsOf, cli_store, write_file
from graph.access import LOCAL
from visual.layout import Layout

FORMATS = {".html": "html", ".htm": "html", ".svg": "svg"}


def map_board(
    ctx: typer.Context,
    account_id: Annotated[str, typer.Argument(help="The account's id.")],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="board.html (interactive, offline) or board.svg (static, for slides and print).",
        ),
    ],
    layout: Annotated[
        Layout,
        typer.Option(
            help="board (chess grid), org (reporting tree) or network (force-directed); "
            "an SVG is always the board."
        ),
    ] = Layout.board,
    as_of: AsOf = None,
) -> None:
    """Draw an account's board: interactive HTML or static SVG, by OUTPUT's extension."""
    kind = FORMATS.get(output.suffix.lower())
    if kind is None:
        raise typer.BadParameter(
            f"{output.name!r}: name an .html or .svg file", param_hint="'--output'"
        )
    if kind == "svg" and layout is not Layout.board:
        raise typer.BadParameter(
            "the SVG draws the board layout; write an .html file for org or network",
            param_hint="'--layout'",
        )
    day = as_of.date() if as_of else None
    with cli_store(ctx) as store:
        if kind == "svg":
            text = service.account_board_svg(store, LOCAL, account_id, as_of=day)
        else:
            text = service.account_board(store, LOCAL, account_id, layout=layout, as_of=day)
    write_file(output, text)


def review(
    ctx: typer.Context,
    account_id: Annotated[str, typer.Argument(help="The account's id.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The review page to write (an .html file).")
    ],
    as_of: AsOf = None,
    since: Annotated[
        dt.datetime | None,
        typer.Option(
            "--since",
            formats=["%Y-%m-%d"],
            metavar="YYYY-MM-DD",
            help="Add what changed since this date (e.g. the last review).",
        ),
    ] = None,
) -> None:
    """Write an account's review page: board, health, threads, gaps, key people, next moves,
    and with --since what changed since the last review."""
    if output.suffix.lower() not in (".html", ".htm"):
        raise typer.BadParameter(
            f"{output.name!r}: the review is an HTML page (print it to PDF from a browser); "
            "name an .html file",
            param_hint="'--output'",
        )
    with cli_store(ctx) as store:
        text = service.account_review(
            store,
            LOCAL,
            account_id,
            as_of=as_of.date() if as_of else None,
            since=since.date() if since else None,
        )
    write_file(output, text)
