"""``kamgraph import …``, ``kamgraph export …`` and ``kamgraph template``: data in and out.

Each import reads and validates its whole input first (every problem listed, nothing
written), then checks and writes it whole or not at all, one import at a time per store
(a second one waits, saying so), and prints what changed and who moved account;
``--dry-run`` stops before writing. Exports print to stdout or write one file whole.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from api.cli_common import cli_store, handle_errors, write_file, writing
from graph.history import Stamp
from graph.store import GraphStore
from importers import exports, json_document, sheet
from importers.load import ImportReport, Parsed, load

import_app = typer.Typer(
    help="Import accounts from a CRM export, a spreadsheet or JSON; meetings and e-mails "
    "from calendar exports and mailboxes."
)
export_app = typer.Typer(help="Export accounts as JSON, GraphML, CSV or a Cypher script.")

DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Validate and show what would change; write nothing.")
]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")
]
Effective = Annotated[
    dt.datetime | None,
    typer.Option(
        "--effective",
        formats=["%Y-%m-%d"],
        help="The date the import's changes take effect in the history (default: today); "
        "load older exports first.",
    ),
]
AccountIds = Annotated[
    list[str] | None,
    typer.Option("--account", "-a", help="Only this account (repeatable; default: all)."),
]


def run_import(
    ctx: typer.Context,
    source: str,
    parse: Callable[[], Parsed],
    dry_run: bool,
    effective: dt.datetime | None,
) -> None:
    """Parse (validating everything), then load into the store with a progress bar; the
    history records the changes as made by ``import SOURCE FILE`` on ``effective``."""
    with handle_errors():
        parsed = parse()
    at = effective.date() if effective else dt.date.today()
    stamp = Stamp(actor=f"import {source} {parsed.source}", at=at)
    with cli_store(ctx) as store:
        report = load_with_progress(store, parsed, dry_run, stamp)
    typer.echo("\n".join(report.summary()))


def load_with_progress(
    store: GraphStore, parsed: Parsed, dry_run: bool, stamp: Stamp
) -> ImportReport:
    """:func:`~importers.load.load`, with a progress bar on a terminal."""

    def waiting() -> None:
        typer.echo(f"waiting for another import into {store.describe()} to finish…", err=True)

    if not sys.stderr.isatty():
        return load(store, parsed, dry_run=dry_run, on_wait=waiting, stamp=stamp)
    label = "checking" if dry_run else "checking and writing"
    with typer.progressbar(length=parsed.records, label=label, file=sys.stderr) as bar:
        return load(
            store, parsed, dry_run=dry_run, on_batch=bar.update, on_wait=waiting, stamp=stamp
        )


def write_output(text: str, output: Path | None) -> None:
    """Write ``text`` to ``output`` whole, or to stdout."""
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_file(output, text)


@import_app.command("json")
def import_json(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A kamgraph JSON document.", exists=True)],
    dry_run: DryRun = False,
    effective: Effective = None,
) -> None:
    """Import a kamgraph JSON document (from `kamgraph export json`)."""
    run_import(ctx, "json", lambda: json_document.read(file), dry_run, effective)


@export_app.command("json")
def export_json(ctx: typer.Context, output: Output = None, account: AccountIds = None) -> None:
    """Export the whole store, or some accounts, as one lossless JSON document."""
    with cli_store(ctx) as store:
        text = json_document.dumps(store.read_portfolio(account or None))
    write_output(text, output)


@import_app.command("sheet")
def import_sheet(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="A filled-in template: an .xlsx workbook or a folder of CSV files.", exists=True
        ),
    ],
    dry_run: DryRun = False,
    effective: Effective = None,
) -> None:
    """Import kamgraph's spreadsheet template (from `kamgraph template`)."""
    run_import(ctx, "sheet", lambda: sheet.read(file), dry_run, effective)


def template(
    out: Annotated[Path, typer.Argument(help="OUT.xlsx for a workbook; else a folder of CSVs.")],
    as_csv: Annotated[
        bool, typer.Option("--csv", help="Write a folder of CSV files even for OUT.xlsx.")
    ] = False,
    example: Annotated[
        bool,
        typer.Option("--example", help="Add an example row to each sheet (one small account)."),
    ] = False,
) -> None:
    """Write the spreadsheet template to fill in: a sheet per kind, blank unless --example."""
    with writing(out):
        sheet.write_template(out, as_csv=as_csv, example=example)


@export_app.command("graphml")
def export_graphml(ctx: typer.Context, output: Output = None, account: AccountIds = None) -> None:
    """Export the graph as GraphML (opens in Gephi and yEd)."""
    with cli_store(ctx) as store:
        text = exports.graphml(store.read_portfolio(account or None))
    write_output(text, output)


@export_app.command("csv")
def export_csv(
    ctx: typer.Context,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write one CSV per kind into.")
    ],
    account: AccountIds = None,
) -> None:
    """Export one CSV file per kind: the template's columns, so `import sheet` reads it back."""
    with cli_store(ctx) as store:
        portfolio = store.read_portfolio(account or None)
    with writing(output):
        exports.write_csv(portfolio, output)


@export_app.command("cypher")
def export_cypher(ctx: typer.Context, output: Output = None, account: AccountIds = None) -> None:
    """Export a Cypher script that recreates the accounts in Neo4j 5 (cypher-shell -f)."""
    with cli_store(ctx) as store:
        text = exports.cypher_script(store.read_portfolio(account or None))
    write_output(text, output)
