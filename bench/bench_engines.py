"""The embedded engine and Neo4j side by side: the same import and the same account reads.

Generates one Salesforce export (``bench_import.py``'s generator: 20 contacts per
account, reporting lines, contact roles, tasks) and, on each engine in the same run:

- baseline: the engine's raw batched MERGE of the same records (``bench_import.py``'s:
  ``UNWIND`` batches of 1,000, every node and edge the import writes, nothing else) on an
  empty graph with the store's id constraints/indexes;
- import: ``kamgraph import salesforce``'s code into an empty store, as records/s and
  as a ratio to that engine's baseline;
- account read: ``--reads`` accounts' graphs one round trip each, median and p95 ms.

Neo4j is the server named by ``NEO4J_URI`` (``NEO4J_USER``/``NEO4J_PASSWORD``); it must
be empty (the bench deletes what it writes). Run it beside a throwaway server:

    tools/neo4j/with-neo4j .venv/bin/python bench/bench_engines.py [--contacts 20000]

Without ``NEO4J_URI`` only the embedded engine runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench_import import generate, raw_merge_seconds, raw_statements
from results import report

from graph.settings import Settings
from graph.store import GraphStore, open_store
from importers import salesforce
from importers.load import load


@contextmanager
def emptied(settings: Settings) -> Iterator[GraphStore]:
    """The store, which must start empty, emptied again afterwards."""
    with open_store(settings) as store:
        if store.count_nodes():
            raise SystemExit(f"{store.describe()} is not empty: the bench needs an empty store")
        try:
            yield store
        finally:
            store.delete_everything()


def measure(settings: Settings, export: Path, contacts: int, reads: int) -> dict[str, float]:
    """Baseline, import and account-read figures of one engine."""
    with emptied(settings) as store:
        parsed = salesforce.read(export)
        raw = parsed.records / raw_merge_seconds(store.engine, raw_statements(parsed))
        store.delete_everything()
        start = time.perf_counter()
        parsed = salesforce.read(export)
        load(store, parsed)
        took = time.perf_counter() - start
        ids = [s.account.id for s in store.list_accounts()][:reads]
        times = []
        for account_id in ids:
            start = time.perf_counter()
            store.account_graph(account_id)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "raw": raw,
        "import_s": took,
        "import_rate": parsed.records / took,
        "read_median_ms": statistics.median(times),
        "read_p95_ms": times[int(0.95 * (len(times) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--reads", type=int, default=200, help="accounts to read one by one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        export = Path(tmp) / "export"
        export.mkdir()
        csv_rows = generate(export, args.contacts)
        print(f"export: {args.contacts} contacts, {csv_rows} CSV rows")
        engines = {"embedded": Settings(store=f"embedded:{Path(tmp) / 'data'}")}
        if os.environ.get("NEO4J_URI"):
            engines["neo4j"] = Settings.from_env(os.environ["NEO4J_URI"])
        else:
            print("NEO4J_URI is not set: the embedded engine only")
        results = {
            name: measure(settings, export, args.contacts, args.reads)
            for name, settings in engines.items()
        }

    rows = [
        ("raw batched MERGE, records/s (baseline)", "raw", "{:,.0f}"),
        ("import, seconds", "import_s", "{:.1f}"),
        ("import, records/s", "import_rate", "{:,.0f}"),
        ("account read, median ms", "read_median_ms", "{:.1f}"),
        ("account read, p95 ms", "read_p95_ms", "{:.1f}"),
    ]
    names = list(results)
    print(f"{'':<40}" + "".join(f"{n:>14}" for n in names))
    for label, key, fmt in rows:
        print(f"{label:<40}" + "".join(f"{fmt.format(results[n][key]):>14}" for n in names))
    ratios = "".join(f"{results[n]['import_rate'] / results[n]['raw']:>14.2f}" for n in names)
    print(f"{'import / own baseline':<40}" + ratios)
    for name, figures in results.items():
        ratio = figures["import_rate"] / figures["raw"]
        report(
            "engines",
            f"import rate / raw batched MERGE rate ({args.contacts:,} contacts)",
            value=ratio,
            unit="x",
            baseline="raw MERGE of the same records",
            target=">= 0.7x" if name == "embedded" else "",
            met=ratio >= 0.7 if name == "embedded" else None,
            engine=name,
        )
    if "neo4j" in results:
        e, n = results["embedded"], results["neo4j"]
        print(
            f"neo4j / embedded: baseline {n['raw'] / e['raw']:.2f}x, "
            f"import {n['import_rate'] / e['import_rate']:.2f}x, "
            f"read median {n['read_median_ms'] / e['read_median_ms']:.2f}x the time"
        )


if __name__ == "__main__":
    main()
