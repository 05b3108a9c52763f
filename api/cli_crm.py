"""``kamgraph import salesforce`` and ``kamgraph import hubspot``: CRM exports in.

Registered on :data:`api.cli_io.import_app`; each validates the whole export first
(every problem listed, nothing written), then writes in batches and prints a summary.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from api.cli_io import DryRun, Effective, run_import
from importers import hubspot, salesforce
from importers.load import Parsed


def import_salesforce(
    ctx: typer.Context,
    folder: Annotated[
        Path,
        typer.Argument(
            help="Folder of Data Export / Data Loader CSVs (Account.csv, Contact.csv, …).",
            exists=True,
            file_okay=False,
        ),
    ],
    dry_run: DryRun = False,
    effective: Effective = None,
    maps: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="Feed a selection fact from an Account field, e.g. "
            "Account.Gross_Margin__c=profit (repeatable; targets: "
            f"{', '.join(salesforce.MAP_TARGETS)}; margin is a percentage of our revenue).",
        ),
    ] = None,
) -> None:
    """Import a Salesforce export folder; Salesforce ids stay the records' ids. Our revenue
    from an account is what its opportunities won in the 12 months up to the import's date."""

    def parse() -> Parsed:
        on = effective.date() if effective else dt.date.today()
        return salesforce.read(folder, on=on, mapping=salesforce.parse_mapping(maps or []))

    run_import(ctx, "salesforce", parse, dry_run, effective)


def import_hubspot(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(help="HubSpot contacts and companies exports (CSV).", exists=True),
    ],
    dry_run: DryRun = False,
    effective: Effective = None,
) -> None:
    """Import HubSpot contacts and companies exports (told apart by their columns)."""
    run_import(ctx, "hubspot", lambda: hubspot.read(files), dry_run, effective)
