"""What every CLI command shares: opening the store, and turning errors into exit codes."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from graph.errors import (
    ConfigError,
    InvalidData,
    KamgraphError,
    NotFound,
    StoreUnavailable,
)
from graph.settings import Settings
from graph.store import GraphStore, open_store

#: ``--as-of``: every command that reads the past takes it the same way.
AsOf = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of",
        formats=["%Y-%m-%d"],
        metavar="YYYY-MM-DD",
        help="As recorded by the end of this date, YYYY-MM-DD (default: now).",
        show_default=False,
    ),
]

#: Exit codes by error kind (sqlite-utils style: the CLI holds no logic, only translation).
EXIT_CODES: dict[type[KamgraphError], int] = {
    InvalidData: 2,
    NotFound: 3,
    ConfigError: 4,
    StoreUnavailable: 5,
}


def exit_code(error: KamgraphError) -> int:
    """The exit code for a kamgraph error (1 for kinds without their own)."""
    for kind, code in EXIT_CODES.items():
        if isinstance(error, kind):
            return code
    return 1


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    """Print a kamgraph error as one clear message and exit with its code (no traceback)."""
    try:
        yield
    except KamgraphError as error:
        typer.secho(f"error: {error}", err=True, fg=typer.colors.RED)
        raise typer.Exit(exit_code(error)) from None


@contextlib.contextmanager
def cli_store(ctx: typer.Context) -> Iterator[GraphStore]:
    """Open the store chosen by ``--store``/``KAMGRAPH_STORE`` for one command."""
    with handle_errors():
        settings = Settings.from_env(ctx.obj.get("store") if ctx.obj else None)
        with open_store(settings) as store:
            yield store


@contextlib.contextmanager
def writing(path: Path) -> Iterator[None]:
    """Say ``path`` was written, or why it could not be (exit code 1, no traceback)."""
    try:
        yield
    except OSError as error:
        typer.secho(f"error: cannot write {path}: {error.strerror or error}", err=True, fg="red")
        raise typer.Exit(1) from None
    typer.echo(f"wrote {path}", err=True)


def write_file(path: Path, text: str) -> None:
    """Write ``text`` whole or not at all (a temporary file renamed over ``path``)."""
    with writing(path):
        tmp: Path | None = None
        try:
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
            ) as file:
                tmp = Path(file.name)
                file.write(text)
            umask = os.umask(0)  # temporary files are private; the output gets the usual mode
            os.umask(umask)
            tmp.chmod(0o666 & ~umask)
            os.replace(tmp, path)
        except OSError:
            if tmp:
                tmp.unlink(missing_ok=True)
            raise
