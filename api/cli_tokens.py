"""``kamgraph token create|list|revoke``: who may use the web app and the HTTP API."""

from __future__ import annotations

from typing import Annotated

import typer

from api import service
from api.cli_common import cli_store
from graph.access import LOCAL, Role

token_app = typer.Typer(
    help="Manage the tokens that log people into the web app and the HTTP API.",
    no_args_is_help=True,
)


@token_app.command("create")
def create(
    ctx: typer.Context,
    member: Annotated[str, typer.Option("--member", help="The team member's id.")],
    role: Annotated[
        Role,
        typer.Option(
            "--role",
            help="admin (everything), leader (reads every account), kam (reads and writes "
            "the accounts whose team the member is on), viewer (reads those).",
        ),
    ],
    label: Annotated[
        str | None, typer.Option("--label", help="What the token is for (shown in lists).")
    ] = None,
) -> None:
    """Issue a token and print it alone on stdout (it is shown this once)."""
    with cli_store(ctx) as store:
        issued = service.create_token(store, LOCAL, member, role, label)
    typer.echo(
        f"token {issued.record.id} for {member} ({role.value}); it is not shown again", err=True
    )
    typer.echo(issued.token)


@token_app.command("list")
def list_tokens(ctx: typer.Context) -> None:
    """List the tokens (never their secrets): id, member, role, created, revoked."""
    with cli_store(ctx) as store:
        tokens = service.list_tokens(store, LOCAL)
    if not tokens:
        typer.echo("no tokens")
    for t in tokens:
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "live"
        label = f"  {t.label}" if t.label else ""
        typer.echo(
            f"{t.id}  {t.member_id:<16} {t.role.value:<7} created {t.created_at:%Y-%m-%d %H:%M}"
            f"  {state}{label}"
        )


@token_app.command("revoke")
def revoke(
    ctx: typer.Context,
    token_id: Annotated[str, typer.Argument(help="The token's id (from token list).")],
) -> None:
    """Revoke a token: its holder is out at their next request, browser sessions too."""
    with cli_store(ctx) as store:
        service.revoke_token(store, LOCAL, token_id)
    typer.echo(f"revoked token {token_id}")
