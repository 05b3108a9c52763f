"""``kamgraph analyze``: one account's relationship analysis, as a report or as JSON."""

from __future__ import annotations

from typing import Annotated

import networkx as nx
import typer

from api import service
from api.cli_common import AsOf, cli_store
from graph.access import LOCAL
from graph.analysis.result import AccountAnalysis
from graph.network import MEMBER
from visual.amounts import money


def analyze(
    ctx: typer.Context,
    account_id: Annotated[str, typer.Argument(help="The account's id.")],
    as_of: AsOf = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the whole analysis as one JSON object.")
    ] = False,
) -> None:
    """Analyse one account: health, threads to power, gaps, key people and next moves."""
    with cli_store(ctx) as store:
        G, result = service.analyzed_account(
            store, LOCAL, account_id, as_of.date() if as_of else None
        )
    typer.echo(result.model_dump_json(indent=2) if as_json else report(G, result))


def report(G: nx.MultiDiGraph, a: AccountAnalysis) -> str:
    """The analysis as a readable plain-text report, most telling parts first; people by
    name (``G`` names them), ids only in the JSON."""

    def who(node: str) -> str:
        return _who(G, node)

    account, currency = G.graph["account"], G.graph["currency"]
    lines = [f"account {account.name} as of {a.as_of.isoformat()}"]
    amounts = [
        f"{label} {money(value, currency)}"
        for label, value in (("revenue", account.annual_revenue), ("profit", account.profit))
        if value is not None
    ]
    lines += [", ".join(amounts), ""] if amounts else [""]
    lines.append(f"health {a.health_score}/100")
    lines += [
        f"  {c.name:<17} {c.score:>5.1f}  (weight {c.weight:g})  {c.explanation}"
        for c in a.health_components
    ]
    carrier = a.thread_carrier
    lines += [
        "",
        f"single-threaded: yes, carried by {who(carrier.id)}"
        if a.single_threaded and carrier
        else "single-threaded: no",
    ]
    lines += _section(
        "threads to power",
        [
            f"{who(t.stakeholder_id)}: {t.threads} ({t.status}"
            + (f", {t.direct or 'none'} direct)" if t.threads else ")")
            for t in a.threads_to_power
        ],
    )
    lines += _section(
        "coverage gaps",
        [f"[{g.severity}] {g.kind}: {g.reason}" for g in a.coverage_gaps],
    )
    lines += _section(
        "paths to power",
        [
            f"{who(p.target_id)}: {' → '.join(map(who, p.path)) if p.path else 'no path'}"
            f" — {p.reason}"
            for p in a.paths_to_power
        ],
    )
    lines += _section("key people", [f"{who(r.id)}: {r.reason}" for r in a.key_person_risks])
    lines += _section(
        "hidden influencers", [f"{who(h.stakeholder_id)}: {h.reason}" for h in a.hidden_influencers]
    )
    lines += _section("ownership issues", [f"{i.kind}: {i.reason}" for i in a.ownership_issues])
    lines += _section(
        "next moves",
        [f"{m.priority}. {m.action}\n     why: {m.reason}" for m in a.next_moves],
    )
    return "\n".join(lines)


def _section(title: str, items: list[str]) -> list[str]:
    return ["", f"{title}:", *(f"  {item}" for item in items or ["none"])]


def _who(G: nx.MultiDiGraph, node: str) -> str:
    """A person for the report: "Jonas Lindqvist (ours)", "Philippe Moreau (CFO)"."""
    attrs = G.nodes[node]
    if attrs["kind"] == MEMBER:
        return f"{attrs['name']} (ours)"
    return f"{attrs['name']} ({attrs['title']})" if attrs.get("title") else attrs["name"]
