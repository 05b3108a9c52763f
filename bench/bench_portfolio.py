"""The portfolio view over many accounts: time against a plain read, and peak memory.

Generates ``--accounts`` accounts of ``--stakeholders`` people each (the generator of
``bench_analysis.py``: ``bench_board.py``'s accounts, a shared team of 12, ten
interactions per account) and writes them, a chunk at a time, to a fresh embedded
store, each account with revenue, profit and the four selection ratings. Then, in the
same run:

- reading (baseline): every account's graph, in the portfolio's chunks and id order;
- the portfolio: the same reads, each account analysed into its brief, and every
  portfolio function over the briefs (``service.portfolio``).

Each is run ``--repeat`` times, alternating, and the best time of each is kept.

Peak RSS is the high-water mark of this process plus the engine's (``/proc/PID/status``
VmHWM), both reset just before the portfolio runs, so it is the portfolio's own peak.

    .venv/bin/python bench/bench_portfolio.py [--accounts 10000] [--stakeholders 40]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from bench_board import AS_OF, account
from results import report

from api import service
from graph.access import LOCAL
from graph.history import Stamp
from graph.model import Account, Interaction, Portfolio
from graph.settings import Settings
from graph.store import GraphStore, open_store

#: Accounts generated and written per batch, so the generator never holds them all.
WRITE_CHUNK = 250


def generate(store: GraphStore, accounts: int, stakeholders: int) -> None:
    """Write ``accounts`` generated accounts, ``WRITE_CHUNK`` at a time."""
    for start in range(0, accounts, WRITE_CHUNK):
        write_chunk(store, range(start, min(accounts, start + WRITE_CHUNK)), stakeholders)


def write_chunk(store: GraphStore, numbers: range, stakeholders: int) -> None:
    """Generate and write the accounts ``a{n}`` for ``n`` in ``numbers``, in one import."""
    merged: dict[str, list] = {field: [] for field in Portfolio.model_fields}
    for n in numbers:
        graph = account(stakeholders, f"a{n}")
        for field in Portfolio.model_fields:
            merged[field].extend(getattr(graph, field))
        merged["accounts"][-1] = Account(
            **{
                **graph.account.model_dump(),
                "annual_revenue": 10_000 + (n * 7919) % 990_000,
                "profit": (n * 104_729) % 200_000 - 20_000,
                "growth_potential": n % 6,
                "financial_stability": (n // 6) % 6,
                "strategic_fit": (n // 36) % 6,
                "relationship_closeness": (n // 216) % 6,
            }
        )
        merged["interactions"] += [
            Interaction(
                id=f"ix-a{n}-{k}",
                account_id=f"a{n}",
                date=AS_OF - dt.timedelta(days=30 * k + n % 30),
                channel=("meeting", "call", "email")[k % 3],
                member_ids=[f"t{(n + k) % 12}"],
                stakeholder_ids=[f"a{n}-s{(k * 5) % stakeholders}"],
            )
            for k in range(10)
        ]
    merged["team_members"] = list({m.id: m for m in merged["team_members"]}.values())
    with store.atomic(stamp=Stamp("bench", AS_OF)) as target:  # the day it describes
        target.write(Portfolio(**merged))


def plain_read(store: GraphStore, chunk: int) -> int:
    """Read every account's graph in the portfolio's chunks; how many were read."""
    read, after = 0, None
    while ids := store.account_ids(after=after, limit=chunk):
        read += len(store.account_graphs(ids))
        after = ids[-1]
    return read


def peak_kib(pid: int | str) -> int:
    """The process's peak resident memory (VmHWM), in KiB."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM")).split()[1])


def reset_peak(pid: int | str) -> None:
    """Start the process's VmHWM afresh from its current RSS (Linux clear_refs 5)."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--stakeholders", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=2, help="Runs of each, best kept.")
    args = parser.parse_args()
    chunk = service.PORTFOLIO_CHUNK
    with (
        tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp,
        open_store(Settings(store=f"embedded:{Path(tmp) / 'store'}")) as store,
    ):
        start = time.perf_counter()
        generate(store, args.accounts, args.stakeholders)
        write_s = time.perf_counter() - start
        engine = store.engine.pid  # type: ignore[attr-defined]

        reads, views = [], []
        for _ in range(args.repeat):  # alternated, best of each: the machine is shared
            start = time.perf_counter()
            read = plain_read(store, chunk)
            reads.append(time.perf_counter() - start)

            for pid in ("self", engine):
                reset_peak(pid)
            start = time.perf_counter()
            view = service.portfolio(store, LOCAL, as_of=AS_OF)
            views.append(time.perf_counter() - start)
            ours, theirs = peak_kib("self"), peak_kib(engine)
        read_s, portfolio_s = min(reads), min(views)

    print(
        f"portfolio: {read} accounts × {args.stakeholders} stakeholders "
        f"(written in {write_s:.0f} s), chunks of {chunk}"
    )
    print(
        f"runs (s): reads {', '.join(f'{t:.1f}' for t in reads)}; views "
        f"{', '.join(f'{t:.1f}' for t in views)}"
    )
    print(f"plain read (baseline):  {read_s:7.1f} s  {read / read_s:6.0f} accounts/s")
    print(
        f"portfolio view:         {portfolio_s:7.1f} s  {read / portfolio_s:6.0f} accounts/s"
        f"  (ratio to the read: {portfolio_s / read_s:.2f}x)"
    )
    print(
        f"peak RSS during the view: {(ours + theirs) / 1024:.0f} MiB "
        f"(kamgraph {ours / 1024:.0f} MiB + engine {theirs / 1024:.0f} MiB)"
    )
    report(
        "portfolio",
        f"portfolio view of {read:,} accounts vs a plain read",
        value=portfolio_s / read_s,
        unit="x",
        baseline=f"plain read {read_s:.1f} s",
        target="<= 1.5x",
        met=portfolio_s / read_s <= 1.5,
    )
    peak_mib = (ours + theirs) / 1024
    report(
        "portfolio",
        f"peak RSS of the view of {read:,} accounts, engine included",
        value=peak_mib,
        unit="MiB",
        baseline=f"kamgraph {ours / 1024:.0f} + engine {theirs / 1024:.0f} MiB",
        target="< 2,048 MiB",
        met=peak_mib < 2048,
    )
    print(
        f"{len(view.key_accounts)} key accounts, {len(view.revenue_at_risk)} people with "
        f"revenue at risk, {sum(k.over_limit for k in view.kam_load)} quarterbacks over the limit"
    )


if __name__ == "__main__":
    main()
