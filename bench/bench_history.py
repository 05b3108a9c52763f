"""What history costs: reading an account as it was a year ago, a one-year diff, and
recording the changes of an import — each against a baseline measured in the same run.

Generates ``--accounts`` accounts of ``--stakeholders`` people (``bench_analysis.py``'s
generator) and records a year of weekly imports on the embedded store: each week every
account's export comes in again with a few people's stance or title moved and a few
relationships re-rated (a realistic CRM week). Then, per account:

- read now (baseline) against read as of the first week (52 weeks of changes undone);
- a one-year diff (both reads, both analyses, the change list) against one read;
- recording: a weekly import with the change log written, against one with recording
  switched off in this process (the store's own write path), alternated ``--runs``
  times; the median of the ratios. Twice: the first recorded import reads its accounts
  as a fresh process does, the second takes them as the first left them.

    .venv/bin/python bench/bench_history.py [--accounts 20] [--stakeholders 40] [--weeks 52]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_analysis import generated_portfolio
from results import report

from api import service
from graph.access import LOCAL
from graph.history import Recorder, Stamp
from graph.model import Knows, Portfolio, Stakeholder
from graph.settings import Settings
from graph.store import GraphStore, open_store

START = dt.date(2025, 1, 6)
STANCES = ("neutral", "supporter", "skeptic", "champion")


def week_of_changes(data: Portfolio, week: int) -> Portfolio:
    """The whole export again, with every 10th person's stance and every 7th rating moved."""
    people = [
        Stakeholder(**{**s.model_dump(), "stance": STANCES[(n + week) % len(STANCES)]})
        if n % 10 == week % 10
        else s
        for n, s in enumerate(data.stakeholders)
    ]
    knows = [
        Knows(**{**k.model_dump(), "strength": 1 + (n + week) % 5}) if n % 7 == week % 7 else k
        for n, k in enumerate(data.knows)
    ]
    return data.model_copy(update={"stakeholders": people, "knows": knows})


def median_ms(run: Callable[[], Any], repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def write_on(store: GraphStore, data: Portfolio, day: dt.date) -> float:
    start = time.perf_counter()
    with store.atomic(stamp=Stamp("bench", day)) as target:
        target.write(data)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--stakeholders", type=int, default=40)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument(
        "--runs",
        type=int,
        default=9,
        help="recorded/unrecorded import pairs (a pair's ratio swings ±10%% on a shared machine)",
    )
    args = parser.parse_args()
    data = generated_portfolio(args.accounts, args.stakeholders)
    ids = [a.id for a in data.accounts]
    with (
        tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp,
        open_store(Settings(store=f"embedded:{Path(tmp) / 'store'}")) as store,
    ):
        start = time.perf_counter()
        write_on(store, data, START)
        for week in range(1, args.weeks + 1):
            write_on(store, week_of_changes(data, week), START + dt.timedelta(weeks=week))
        loaded = time.perf_counter() - start
        changes = store.history_span(ids[0])[1]
        print(
            f"{args.accounts} accounts × {args.stakeholders} stakeholders, {args.weeks} weekly "
            f"imports in {loaded:.1f} s; account {ids[0]} holds {changes} changes"
        )

        now = statistics.median(median_ms(lambda i=i: store.account_graph(i)) for i in ids)
        then = statistics.median(
            median_ms(lambda i=i: store.account_graph(i, as_of=START)) for i in ids
        )
        end = START + dt.timedelta(weeks=args.weeks)
        year = statistics.median(
            median_ms(lambda i=i: service.account_diff(store, LOCAL, i, START, end)) for i in ids
        )
        print(f"read now (baseline):          {now:7.1f} ms")
        print(f"read as of a year ago:        {then:7.1f} ms")
        print(f"one-year diff with analyses:  {year:7.1f} ms")
        report(
            "history",
            "as-of read a year back vs read now",
            value=then / now,
            unit="x",
            baseline=f"read now ({now:.1f} ms)",
            target="<= 3x",
            met=then / now <= 3,
        )
        report(
            "history",
            "one-year diff with analyses vs one read",
            value=year / now,
            unit="x",
            baseline=f"read now ({now:.1f} ms)",
            target="<= 5x",
            met=year / now <= 5,
        )

        # Recording against not recording, alternated (the machine's load hits both
        # alike), each a weekly import of the same size; the median of the ratios. A
        # recorded import follows the unrecorded one, so it reads its accounts first, as
        # a fresh process (the CLI) does; a second follows it, as in a process that wrote
        # last (the web app, a batch of imports), and takes them as that write left them.
        cold, warm, plain = [], [], []
        for run in range(args.runs):
            week = args.weeks + 1 + 3 * run
            day = end + dt.timedelta(weeks=1 + 3 * run)
            touch, watch, record = Recorder.touch, Recorder.watch, GraphStore._record
            Recorder.touch = lambda *_: None  # type: ignore[method-assign]
            Recorder.watch = lambda _, runner: runner  # type: ignore[method-assign]
            GraphStore._record = lambda _: None  # type: ignore[method-assign]
            try:
                plain.append(write_on(store, week_of_changes(data, week), day))
            finally:
                Recorder.touch, Recorder.watch = touch, watch  # type: ignore[method-assign]
                GraphStore._record = record  # type: ignore[method-assign]
            cold.append(write_on(store, week_of_changes(data, week + 1), day))
            warm.append(write_on(store, week_of_changes(data, week + 2), day))
        base = statistics.median(plain)
        print(
            f"weekly import: {statistics.median(cold):.2f} s recording its changes in a fresh "
            f"process, {statistics.median(warm):.2f} s after a write of its own, {base:.2f} s "
            f"unrecorded (medians of {args.runs})"
        )
        for name, times in (
            ("recording's cost on a weekly import (a fresh process)", cold),
            ("recording's cost on a weekly import (after a write of the same process)", warm),
        ):
            extra = (statistics.median(t / p for t, p in zip(times, plain, strict=True)) - 1) * 100
            report(
                "history",
                name,
                value=extra,
                unit="%",
                baseline=f"the same import unrecorded ({base:.2f} s)",
                target="<= +20%",
                met=extra <= 20,
            )


if __name__ == "__main__":
    main()
