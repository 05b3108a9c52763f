"""The ``kamgraph`` command: thin shells over the library, one per job.

Every command opens the store named by ``--store`` (or ``KAMGRAPH_STORE``; the
embedded store in the user's data folder by default) and turns kamgraph's errors into
a one-line message and an exit code.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from api import (
    cli_activity,
    cli_analysis,
    cli_crm,
    cli_history,
    cli_io,
    cli_portfolio,
    cli_tokens,
    cli_visual,
    service,
)
from api.cli_common import AsOf, cli_store, handle_errors
from graph.access import LOCAL

#: Addresses that mean "every interface": no request names them as its host.
WILDCARD_HOSTS = ("0.0.0.0", "::", "")

app = typer.Typer(
    name="kamgraph",
    help="Relationship maps for key account management.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main_options(
    ctx: typer.Context,
    store: Annotated[
        str | None,
        typer.Option(
            "--store",
            envvar="KAMGRAPH_STORE",
            help="embedded:PATH (default: ~/.local/share/kamgraph) or neo4j://HOST:PORT.",
        ),
    ] = None,
) -> None:
    """Relationship maps for key account management."""
    ctx.obj = {"store": store}


@app.command()
def info(ctx: typer.Context) -> None:
    """Show which store is in use and how much it holds."""
    with cli_store(ctx) as store:
        accounts = store.list_accounts()
        typer.echo(f"store: {store.describe()}")
        typer.echo(f"accounts: {len(accounts)}")
        typer.echo(f"nodes: {store.count_nodes()}")


@app.command()
def demo(ctx: typer.Context) -> None:
    """Load the built-in sample portfolio (idempotent) and list its accounts."""
    with cli_store(ctx) as store:
        summary = service.load_sample(store)
        typer.echo(f"loaded the sample portfolio into {store.describe()}")
        typer.echo("  " + ", ".join(f"{kind} {n}" for kind, n in summary.written.items()))
        _print_accounts(store.list_accounts())


@app.command()
def accounts(
    ctx: typer.Context,
    search: Annotated[str | None, typer.Argument(help="Part of a name or id.")] = None,
) -> None:
    """List accounts, optionally those whose name or id contains SEARCH."""
    with cli_store(ctx) as store:
        _print_accounts(store.list_accounts(search))


@app.command()
def show(
    ctx: typer.Context,
    account_id: Annotated[str, typer.Argument(help="The account's id.")],
    as_of: AsOf = None,
) -> None:
    """Print one account's whole graph as JSON, now or as it was on a date."""
    with cli_store(ctx) as store:
        graph = service.account_graph(store, LOCAL, account_id, as_of.date() if as_of else None)
        typer.echo(graph.model_dump_json(indent=2, exclude_defaults=True))


@app.command()
def erase(
    ctx: typer.Context,
    stakeholder_id: Annotated[str, typer.Argument(help="The stakeholder's id.")],
    scrub: Annotated[
        bool, typer.Option("--scrub", help="Redact the mentions of them in other records.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Erase a stakeholder (right to erasure): from the graph, the engine's files and
    later imports; list (--scrub: redact) the mentions of them in other records."""
    with cli_store(ctx) as store:
        if not yes:
            if stakeholder_id not in store.erased():
                _print_mentions(store.mentions_of(stakeholder_id), done=False)
            typer.confirm(f"Erase stakeholder {stakeholder_id!r}?", abort=True)
        report = service.erase_stakeholder(store, LOCAL, stakeholder_id, scrub=scrub)
        if report.already_erased:
            typer.echo(f"{stakeholder_id} was erased before")
        else:
            typer.echo(
                f"erased {stakeholder_id}: deleted {report.interactions_deleted} interaction(s) "
                f"only they attended, removed them from {report.interactions_kept} shared one(s)"
            )
            _print_mentions(report.mentions, done=True)
        typer.echo(report.files)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo", help="Load the sample portfolio first (as `demo` does).")
    ] = False,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (each opens the store).")
    ] = 1,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            help="A host name requests may use besides localhost, 127.0.0.1 and ::1 (a "
            "reverse proxy's, or *.example.com); repeatable, added to KAMGRAPH_ALLOWED_HOSTS.",
        ),
    ] = None,
) -> None:
    """Serve the web app and the HTTP API on HOST:PORT (loopback only by default), and
    print a login URL holding a fresh admin token (the previous start's is revoked)."""
    import os

    import uvicorn

    from graph.settings import Settings
    from graph.store import open_store

    with handle_errors():
        settings = Settings.from_env(ctx.obj.get("store"))
        hosts = [*settings.allowed_hosts, *(allowed_host or [])]
        if host not in WILDCARD_HOSTS:
            hosts.append(f"[{host}]" if ":" in host else host)
        settings = settings.model_copy(update={"allowed_hosts": tuple(hosts)})
        settings.check()
        if not _is_loopback(host):
            names = ", ".join(["localhost", "127.0.0.1", "::1", *hosts])
            typer.secho(
                f"warning: serving on {host}, reachable from other machines over plain HTTP: "
                "tokens and session cookies cross the network readable. Put a TLS proxy in "
                f"front. Only requests naming {names} are answered (--allowed-host or "
                "KAMGRAPH_ALLOWED_HOSTS adds a name).",
                err=True,
                fg=typer.colors.YELLOW,
            )
        # The workers are fresh processes: they read the settings from the environment.
        os.environ["KAMGRAPH_STORE"] = settings.store
        os.environ["KAMGRAPH_ALLOWED_HOSTS"] = ",".join(settings.allowed_hosts)
        # Held open while serving, so the workers share one running engine.
        with open_store(settings) as store:
            if demo:
                service.load_sample(store)
            secret = service.serve_login(store)
            shown = "127.0.0.1" if host in WILDCARD_HOSTS else host
            shown = f"[{shown}]" if ":" in shown else shown
            typer.echo(f"kamgraph: {store.describe()}", err=True)
            typer.echo(f"log in at http://{shown}:{port}/login?token={secret}")
            uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to anything
        return False


app.command("analyze")(cli_analysis.analyze)
app.command("diff")(cli_history.diff)
app.command("history")(cli_history.history)
app.command("map")(cli_visual.map_board)
app.command("portfolio")(cli_portfolio.portfolio)
app.command("review")(cli_visual.review)
app.command("template")(cli_io.template)
app.add_typer(cli_io.import_app, name="import")
app.add_typer(cli_io.export_app, name="export")
app.add_typer(cli_tokens.token_app, name="token")
cli_io.import_app.command("salesforce")(cli_crm.import_salesforce)
cli_io.import_app.command("hubspot")(cli_crm.import_hubspot)
cli_io.import_app.command("calendar")(cli_activity.import_calendar)
cli_io.import_app.command("mail")(cli_activity.import_mail)


def _print_mentions(mentions: list[service.Mention], *, done: bool) -> None:
    """The fields of other records that mention the person, and what became of them."""
    if not mentions:
        typer.echo("no other record mentions them")
        return
    typer.echo(f"{len(mentions)} field(s) of other records mention them:")
    for m in mentions:
        if m.scrubbed:
            what = "scrubbed"
        elif m.identity:
            what = "another person's own: erase that record too if it is them"
        else:
            what = "left as it is" if done else "--scrub redacts it"
        typer.echo(f"  {m.kind} {m.id} {m.field}: {what}")


def _print_accounts(summaries: list[service.AccountSummary]) -> None:
    if not summaries:
        typer.echo("no accounts")
        return
    for s in summaries:
        tier = s.account.tier.value if s.account.tier else "-"
        typer.echo(
            f"{s.account.id:<16} {tier:<7} {s.stakeholder_count:>4} stakeholders  {s.account.name}"
        )


def main() -> None:
    """Entry point of the ``kamgraph`` console script."""
    app()


if __name__ == "__main__":
    main()
