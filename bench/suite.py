"""``make bench``: every bench in one run, one table of figures, and ``bench/results.json``.

Each bench runs as a process of its own (so one's memory peak is not another's) with
``KAMGRAPH_BENCH_RESULTS`` naming a file it appends its figures to (``bench/results.py``).
Beside a Neo4j server (``NEO4J_URI`` set, as ``tools/neo4j/with-neo4j`` does; ``make
bench`` starts one when Java and Maven are there) the benches that can also print their
Neo4j figures, with no target. At the end the table lists every figure: the bench, what
was measured, the value, its baseline, the target and whether it was met.

    .venv/bin/python bench/suite.py [--quick] [--only NAME ...]

``--quick`` runs each bench at a small size (minutes, not an hour): for trying the suite
out, not for the figures the README quotes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Final

HERE: Final = Path(__file__).resolve().parent

#: Each bench, the arguments of a full run, and those of a quick one.
SUITE: Final[dict[str, tuple[list[str], list[str]]]] = {
    "import": ([], ["--contacts", "20000"]),
    "reopen": ([], ["--stakeholders", "20000"]),
    "history": ([], ["--accounts", "5", "--weeks", "12"]),
    "analysis": ([], ["--accounts", "200"]),
    "portfolio": ([], ["--accounts", "500"]),
    "activity": ([], ["--events", "5000", "--messages", "10000"]),
    "board": ([], ["--stakeholders", "80", "--repeat", "3"]),
    "api": ([], ["--requests", "100", "--rounds", "1"]),
    "engines": ([], ["--contacts", "5000", "--reads", "50"]),
}

#: Benches that take ``--store URI`` and run a second time on Neo4j when it is there (the
#: others print their Neo4j figures themselves when ``NEO4J_URI`` is set).
ON_NEO4J: Final = frozenset({"api"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="Small sizes: a try-out run.")
    parser.add_argument("--only", nargs="+", choices=sorted(SUITE), help="Run just these.")
    parser.add_argument(
        "--out", type=Path, default=HERE / "results.json", help="Where the figures go."
    )
    args = parser.parse_args()
    names = args.only or list(SUITE)
    failed: list[str] = []
    with tempfile.NamedTemporaryFile(prefix="kg-bench-", suffix=".jsonl") as rows:
        env = os.environ | {"KAMGRAPH_BENCH_RESULTS": rows.name}
        for name in names:
            script = HERE / f"bench_{name}.py"
            if not script.exists():
                print(f"== {name}: bench/{script.name} is missing", flush=True)
                failed.append(name)
                continue
            full, quick = SUITE[name]
            command = [sys.executable, str(script), *(quick if args.quick else full)]
            print(f"== {name}: {' '.join(command[1:])}", flush=True)
            start = time.perf_counter()
            if subprocess.run(command, env=env, cwd=HERE.parent).returncode != 0:
                failed.append(name)
            print(f"== {name}: {time.perf_counter() - start:.0f} s", flush=True)
            if name in ON_NEO4J and os.environ.get("NEO4J_URI"):
                command += ["--store", os.environ["NEO4J_URI"]]
                print(f"== {name} on Neo4j: {' '.join(command[1:])}", flush=True)
                if subprocess.run(command, env=env, cwd=HERE.parent).returncode != 0:
                    failed.append(f"{name} (neo4j)")
        figures = [json.loads(line) for line in Path(rows.name).read_text().splitlines() if line]
    results = {
        "measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": figures[0]["machine"] if figures else "",
        "quick": args.quick,
        "failed": failed,
        "figures": [{k: v for k, v in f.items() if k != "machine"} for f in figures],
    }
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print()
    print(table(results["figures"]))
    print(f"\n{len(figures)} figures from {results['machine']} written to {args.out}")
    if failed:
        print(f"benches that failed: {', '.join(failed)}")
        raise SystemExit(1)


def table(figures: list[dict]) -> str:
    """The figures as a Markdown table (the README quotes it)."""
    head = ["bench", "figure", "engine", "value", "baseline", "target", "met"]
    rows = [
        [
            f["bench"],
            f["name"],
            f["engine"],
            f"{_number(f['value'])} {f['unit']}",
            f["baseline"],
            f["target"] or "-",
            {True: "yes", False: "**no**", None: "-"}[f["met"]],
        ]
        for f in figures
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _number(value: float) -> str:
    """1,234 for large figures, three significant digits for small ones."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    )
    return done.stdout.strip() if done.returncode == 0 else ""


if __name__ == "__main__":
    main()
