"""One row per measured figure, shared by every bench so `make bench` can table them all.

A bench calls ``report(...)`` for each figure it measures against a baseline of the same
run. The row is printed; when ``KAMGRAPH_BENCH_RESULTS`` names a file (``bench/suite.py``
sets it), it is also appended there as one JSON line, so the suite collects every
bench's figures without parsing their text.

    report("history", "as-of read vs read now", value=2.6, unit="x", baseline="read now",
           target="<= 3x", met=2.6 <= 3)
"""

from __future__ import annotations

import json
import os
import platform
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    """A measured figure, what it was compared against, and whether it met its target."""

    bench: str
    name: str
    value: float
    unit: str
    baseline: str
    target: str
    met: bool | None  # None: printed for context, no target (e.g. the Neo4j column)
    engine: str = "embedded"


def report(
    bench: str,
    name: str,
    *,
    value: float,
    unit: str,
    baseline: str,
    target: str = "",
    met: bool | None = None,
    engine: str = "embedded",
) -> Figure:
    """Print one figure and, under the suite, append it to the results file."""
    figure = Figure(bench, name, round(value, 4), unit, baseline, target, met, engine)
    verdict = "" if met is None else ("  met" if met else "  MISSED")
    goal = f" (target {target})" if target else ""
    print(f"[{bench}] {name}: {figure.value:g} {unit} vs {baseline}{goal}{verdict}")
    path = os.environ.get("KAMGRAPH_BENCH_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(figure) | {"machine": machine()}) + "\n")
    return figure


def machine() -> str:
    """The machine the figures came from: CPU model, cores, memory, Python."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            kib = int(next(line for line in info if line.startswith("MemTotal")).split()[1])
        memory = f", {kib / 1024**2:.0f} GiB"
    except (OSError, StopIteration):
        memory = ""
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}"
