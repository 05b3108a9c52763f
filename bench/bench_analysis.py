"""How fast every account of a portfolio is analysed, against just reading its graphs.

Generates ``--accounts`` accounts of ``--stakeholders`` people each (the generator of
``bench_board.py``: a reporting pyramid, DMU roles, stances, influence and conflict
lines, a team of 12 with rated relationships, plus an interaction log), writes them to
a fresh embedded store, then times, in the same run:

- reading: each account's graph from the store, one round trip per account (baseline);
- analysing: building the NetworkX graph and running every analysis, per account.

    .venv/bin/python bench/bench_analysis.py [--accounts 1000] [--stakeholders 40]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from bench_board import AS_OF, account

from graph.analysis import analyze
from graph.model import Interaction, Portfolio
from graph.network import to_networkx
from graph.settings import Settings
from graph.store import AccountGraph, open_store


def generated_portfolio(accounts: int, stakeholders: int) -> Portfolio:
    """``accounts`` generated accounts with a monthly meeting or call log each."""
    graphs = [account(stakeholders, f"a{n}") for n in range(accounts)]
    interactions = [
        Interaction(
            id=f"ix-a{n}-{k}",
            account_id=f"a{n}",
            date=AS_OF - dt.timedelta(days=30 * k + n % 30),
            channel=("meeting", "call", "email")[k % 3],
            member_ids=[f"t{(n + k) % 12}"],
            stakeholder_ids=[f"a{n}-s{(k * 5) % stakeholders}"],
        )
        for n in range(accounts)
        for k in range(10)
    ]
    merged: dict[str, list] = {field: [] for field in Portfolio.model_fields}
    for graph in graphs:
        for field in Portfolio.model_fields:
            merged[field].extend(getattr(graph, field))
    merged["team_members"] = list(graphs[0].team_members)
    merged["interactions"] = interactions
    return Portfolio(**merged)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--stakeholders", type=int, default=40)
    args = parser.parse_args()
    data = generated_portfolio(args.accounts, args.stakeholders)
    ids = [a.id for a in data.accounts]
    with (
        tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp,
        open_store(Settings(store=f"embedded:{Path(tmp) / 'store'}")) as store,
    ):
        start = time.perf_counter()
        store.write(data)
        write_s = time.perf_counter() - start

        start = time.perf_counter()
        graphs: list[AccountGraph] = [store.account_graph(i) for i in ids]
        read_s = time.perf_counter() - start

    start = time.perf_counter()
    results = [analyze(to_networkx(g), as_of=AS_OF) for g in graphs]
    analyse_s = time.perf_counter() - start

    n = len(ids)
    gaps = sum(len(r.coverage_gaps) for r in results)
    print(
        f"portfolio: {n} accounts × {args.stakeholders} stakeholders, "
        f"{len(data.interactions)} interactions (written in {write_s:.1f} s)"
    )
    print(f"read each account's graph (baseline): {read_s:6.2f} s  {n / read_s:7.0f} accounts/s")
    print(
        f"graph + every analysis:               {analyse_s:6.2f} s  {n / analyse_s:7.0f} accounts/s"
        f"  (ratio to reading: {analyse_s / read_s:.2f}x)"
    )
    print(f"found {gaps} coverage gaps, mean health {sum(r.health_score for r in results) / n:.0f}")


if __name__ == "__main__":
    main()
