"""``kamgraph import salesforce`` and ``kamgraph import hubspot``: CRM exports in.

Registered on :data:`api.cli_io.import_app`; each validates the whole export first
(every problem listed, nothing written), then writes in batches and prints a summary.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api.cli_io import DryRun, Effective, run_import
from importers import hubspot, salesforce


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
) -> None:
    """Import a Salesforce export folder; Salesforce ids stay the records' ids."""
    run_import(ctx, "salesforce", lambda: salesforce.read(folder), dry_run, effective)


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
