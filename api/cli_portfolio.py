"""``kamgraph portfolio``: every account at once — tiers, the KAM matrix, Pareto, load, risk."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from api import service
from api.cli_common import AsOf, cli_store, handle_errors, write_file
from graph.access import LOCAL
from graph.portfolio import PortfolioView
from graph.portfolio.criteria import load_criteria
from visual import portfolio_svg
from visual.amounts import money

#: Rows of the long lists (revenue at risk, members) the text report shows.
SHOWN = 10


def portfolio(
    ctx: typer.Context,
    as_of: AsOf = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole portfolio view as one JSON object.")
    ] = False,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", help="Also write the matrix and Pareto curves as an A4 SVG."),
    ] = None,
    criteria_file: Annotated[
        Path | None,
        typer.Option(
            "--criteria",
            help="The selection criteria (TOML; default: kamgraph.toml here, else built-in).",
        ),
    ] = None,
) -> None:
    """The portfolio: selection scores and tiers, the KAM matrix, Pareto by revenue and
    profit, KAM load, revenue at risk per person and door openers."""
    with handle_errors():
        criteria = load_criteria(criteria_file)
    with cli_store(ctx) as store:
        view = service.portfolio(
            store, LOCAL, as_of=as_of.date() if as_of else None, criteria=criteria
        )
    if svg is not None:
        write_file(svg, portfolio_svg.render(view))
    typer.echo(view.model_dump_json(indent=2) if as_json else report(view))


def report(view: PortfolioView) -> str:
    """The portfolio as plain text: the accounts table, then each list, naming accounts and
    people (ids only in ``--json``)."""
    accounts = {a.account_id: a.name for a in view.accounts}

    def named(ids: list[str]) -> str:
        return ", ".join(accounts.get(i, i) for i in ids) or "none"

    def person(person_id: str, side: str) -> str:
        return f"{view.names.get(person_id, person_id)} ({side})"

    width = max([len("account"), *map(len, accounts.values())])
    lines = [
        f"portfolio as of {view.as_of.isoformat()}: {len(view.accounts)} accounts, "
        f"{len(view.key_accounts)} key (criteria: {view.criteria})",
        "",
        f"{'account':<{width}} {'score':>5} {'tier':<16} {'quadrant':<10} {'health':>6} "
        f"{'revenue':>7} {'profit':>7} {'currency':<8}",
    ]
    for a in view.accounts:
        tier = a.tier or "-"
        if a.tier_recorded and a.tier_computed != a.tier_recorded:
            tier += f" ({a.tier_computed or '-'})"
        score = "-" if a.score is None else f"{a.score:g}"
        lines.append(
            f"{a.name:<{width}} {score:>5} {tier:<16} {a.quadrant or '-':<10} "
            f"{a.health_score:>6} {_share(a.revenue_share):>7} {_share(a.profit_share):>7} "
            f"{a.currency:<8}{'  single-threaded' if a.single_threaded else ''}".rstrip()
        )
    p = view.pareto
    if view.currency_note:
        lines += ["", view.currency_note]
    lines += [
        "",
        f"top by revenue: {named(p.top_by_revenue)}",
        f"top by profit: {named(p.top_by_profit)}",
        f"revenue, not profit: {named(p.revenue_not_profit)}",
        f"profit, not revenue: {named(p.profit_not_revenue)}",
        f"dominant: {named(p.dominant)}",
        "",
        "KAM load (key accounts per quarterback):",
    ]
    lines += [
        f"  {person(k.member_id, 'ours')}: {len(k.key_accounts)} key of {len(k.accounts)} "
        f"({named(k.key_accounts)})" + ("  over the limit" if k.over_limit else "")
        for k in view.kam_load
    ] or ["  none"]
    lines += ["", "revenue at risk per person:"]
    lines += [
        f"  {person(r.person_id, r.side)}: revenue {money(r.revenue, r.currency)}, "
        f"profit {money(r.profit, r.currency)} on {named(r.accounts)}"
        for r in view.revenue_at_risk[:SHOWN]
    ] or ["  none"]
    if len(view.revenue_at_risk) > SHOWN:
        lines.append(f"  … {len(view.revenue_at_risk) - SHOWN} more (--json lists all)")
    lines += ["", "door openers:"]
    lines += [
        f"  {d.email}: "
        + ", ".join(dict.fromkeys(view.names.get(s, s) for s in d.stakeholder_ids))
        + f" at {named(d.account_ids)}"
        for d in view.door_openers
    ] or ["  none"]
    return "\n".join(lines)


def _share(share: float | None) -> str:
    return "-" if share is None else f"{share:.1%}"
