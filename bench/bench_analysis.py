"""How fast accounts are read and analysed: one account, a portfolio, threads by size.

Generates ``--accounts`` accounts of ``--stakeholders`` people each (the generator of
``bench_board.py``: a reporting pyramid, DMU roles, stances, influence and conflict
lines, a team of 12 with rated relationships, plus an interaction log), writes them to
a fresh embedded store (and, when ``NEO4J_URI`` names an empty Neo4j server, to it as
well: printed beside, no target), then measures in the same run:

- one account: reading its graph (one round trip; the baseline) against reading it,
  building the NetworkX graph and running every analysis; medians over every account,
  best of ``--repeat`` rounds (target < 20 ms);
- the portfolio: every account read in the portfolio's chunks and analysed, scaled to
  10,000 accounts (target < 60 s), against reading them alone; on the embedded engine
  also the CPU time both processes used (the work, whatever the machine's load);
- threads to power on one account of 40, 400 and 1,000 people in which every tenth
  person is a decision maker (power targets grow with the account): the CPU time against
  the 40-person account's, and its growth exponent (target: about linear, <= 1.2).

Every figure goes through ``bench/results.py``.

    .venv/bin/python bench/bench_analysis.py [--accounts 1000] [--stakeholders 40]
    tools/neo4j/with-neo4j .venv/bin/python bench/bench_analysis.py --neo4j-accounts 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench_board import AS_OF, account
from results import report

from graph.analysis import analyze
from graph.analysis.facts import Facts
from graph.analysis.threads import threads_from
from graph.model import DmuRole, Interaction, Portfolio, Stakeholder
from graph.network import to_networkx
from graph.settings import Settings
from graph.store import AccountGraph, GraphStore, open_store

BENCH = "analysis"
#: Accounts read per round trip, as the portfolio view reads them.
CHUNK = 100
#: What a portfolio of this many accounts would take is scaled from the one measured.
PORTFOLIO = 10_000
THREAD_SIZES = (40, 400, 1000)


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


def powerful_account(stakeholders: int) -> AccountGraph:
    """The generated account with every tenth person a decision maker."""
    graph = account(stakeholders)
    people: list[Stakeholder] = [
        s.model_copy(update={"dmu_roles": (DmuRole.decision_maker,)}) if n % 10 == 0 else s
        for n, s in enumerate(graph.stakeholders)
    ]
    return graph.model_copy(update={"stakeholders": tuple(people)})


def median_ms(job: Callable[[str], object], ids: list[str]) -> float:
    """The median time of ``job`` over every id, in ms."""
    times = []
    for account_id in ids:
        start = time.perf_counter()
        job(account_id)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def cpu_seconds(store: GraphStore) -> float:
    """CPU time used so far by this process and, on the embedded engine, by the engine's
    process: the work, whatever the load (on a shared machine the wall time also holds
    the waits for a core)."""
    used = time.process_time()
    pid = getattr(store.engine, "pid", None)
    if pid is not None:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def read_and_analyse(store: GraphStore, account_id: str) -> object:
    return analyze(to_networkx(store.account_graph(account_id)), as_of=AS_OF)


def portfolio_seconds(store: GraphStore, ids: list[str], *, analyse: bool) -> float:
    """Every account read in chunks (and analysed), in seconds."""
    start = time.perf_counter()
    for first in range(0, len(ids), CHUNK):
        for graph in store.account_graphs(ids[first : first + CHUNK]):
            if analyse:
                analyze(to_networkx(graph), as_of=AS_OF)
    return time.perf_counter() - start


def measure_store(store: GraphStore, ids: list[str], repeat: int, engine: str) -> None:
    """The one-account and portfolio figures of one engine."""
    target = engine == "embedded"
    read_ms, full_ms, reads, fulls, full_cpu, fulls_cpu = [], [], [], [], [], []
    for _ in range(repeat):  # alternated, best of each: the machine is shared
        read_ms.append(median_ms(store.account_graph, ids))
        used = cpu_seconds(store)
        full_ms.append(median_ms(lambda i: read_and_analyse(store, i), ids))
        full_cpu.append((cpu_seconds(store) - used) / len(ids) * 1000)
        reads.append(portfolio_seconds(store, ids, analyse=False))
        used = cpu_seconds(store)
        fulls.append(portfolio_seconds(store, ids, analyse=True))
        fulls_cpu.append(cpu_seconds(store) - used)
    read, full = min(read_ms), min(full_ms)
    report(BENCH, "one account read", value=read, unit="ms", baseline="-", engine=engine)
    report(
        BENCH,
        "one account read + analysed",
        value=full,
        unit="ms",
        baseline=f"read alone {read:.1f} ms ({full / read:.2f}x)",
        target="< 20 ms" if target else "",
        met=full < 20 if target else None,
        engine=engine,
    )
    if engine == "embedded":
        report(
            BENCH,
            "one account read + analysed, CPU (kamgraph + engine)",
            value=min(full_cpu),
            unit="ms",
            baseline=f"wall {full:.1f} ms",
        )
    report(
        BENCH,
        "one account read + analysed / read alone",
        value=full / read,
        unit="x",
        baseline="read alone",
        engine=engine,
    )
    scale = PORTFOLIO / len(ids)
    read_s, full_s = min(reads) * scale, min(fulls) * scale
    report(
        BENCH,
        f"{PORTFOLIO:,} accounts read + analysed (scaled from {len(ids):,})",
        value=full_s,
        unit="s",
        baseline=f"read alone {read_s:.1f} s ({full_s / read_s:.2f}x)",
        target="< 60 s" if target else "",
        met=full_s < 60 if target else None,
        engine=engine,
    )
    if engine == "embedded":
        report(
            BENCH,
            f"{PORTFOLIO:,} accounts read + analysed, CPU (kamgraph + engine)",
            value=min(fulls_cpu) * scale,
            unit="s",
            baseline=f"wall {full_s:.1f} s",
        )


def measure_threads(repeat: int) -> None:
    """Threads to power by account size, and how it grows: the best CPU time of
    ``repeat`` runs (work, not waiting for a core: the machine is shared)."""
    took = {}
    for size in THREAD_SIZES:
        G = to_networkx(powerful_account(size))
        times = []
        for _ in range(repeat):
            facts = Facts.build(G, as_of=AS_OF)  # fresh: nothing computed for it yet
            start = time.process_time()
            threads_from(facts)
            times.append(time.process_time() - start)
        took[size] = min(times) * 1000
    small, large = THREAD_SIZES[0], THREAD_SIZES[-1]
    for size in THREAD_SIZES:
        report(
            BENCH,
            f"threads to power, {size} people ({size // 10} targets)",
            value=took[size],
            unit="ms CPU",
            baseline=f"{small} people {took[small]:.2f} ms ({took[size] / took[small]:.1f}x)",
        )
    exponent = math.log(took[large] / took[small]) / math.log(large / small)
    report(
        BENCH,
        f"threads to power growth exponent, {small} to {large} people",
        value=exponent,
        unit="",
        baseline=f"time ~ people^k (1 = linear; {large / small:.0f}x the people)",
        target="<= 1.2",
        met=exponent <= 1.2,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--neo4j-accounts", type=int, default=200)
    parser.add_argument("--stakeholders", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="Rounds of each, best kept.")
    args = parser.parse_args()
    measure_threads(max(args.repeat, 15))
    engines = {"embedded": (args.accounts, None)}
    if os.environ.get("NEO4J_URI"):
        engines["neo4j"] = (args.neo4j_accounts, Settings.from_env(os.environ["NEO4J_URI"]))
    for engine, (accounts, settings) in engines.items():
        data = generated_portfolio(accounts, args.stakeholders)
        ids = [a.id for a in data.accounts]
        with (
            tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp,
            open_store(settings or Settings(store=f"embedded:{Path(tmp) / 's'}")) as store,
        ):
            if store.count_nodes():
                raise SystemExit(f"{store.describe()} is not empty: the bench needs it empty")
            try:
                start = time.perf_counter()
                store.write(data)
                del data  # what a serving process holds: not the whole portfolio's records
                print(
                    f"[{BENCH}] {engine}: {accounts} accounts x {args.stakeholders} "
                    f"stakeholders written in {time.perf_counter() - start:.0f} s"
                )
                measure_store(store, ids, args.repeat, engine)
            finally:
                if settings is not None:
                    store.delete_everything()


if __name__ == "__main__":
    main()
