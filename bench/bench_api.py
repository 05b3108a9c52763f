"""The API under load: `kamgraph serve` (real uvicorn, its workers) against 50 clients.

Writes a generated account of ``--stakeholders`` people (``big``; 0: the sample's
``orbital`` instead) into a fresh embedded store (or the store ``--store`` names), starts
``kamgraph serve --demo --workers N`` on it, and from this process — a second one — sends
``--clients`` concurrent requests (httpx, asyncio) at ``/health``, the account's analysis
and its board page, one route at a time, ``--requests`` each per round. Each round first
warms every route up with as many requests (discarded): the figures are the steady state.
The baseline is ``/health``'s p99 in the same round; the ratios are the median over
``--rounds`` rounds. Every answer but a 200 counts as an error.

    .venv/bin/python bench/bench_api.py [--workers 2] [--clients 50] [--requests 500]
    tools/neo4j/with-neo4j .venv/bin/python bench/bench_api.py --store "$NEO4J_URI"
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

import httpx
from bench_board import account
from results import report

from graph.settings import Settings
from graph.store import open_store

BENCH = "api"
KAMGRAPH = (sys.executable, "-m", "api.cli")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(store: str, workers: int) -> tuple[subprocess.Popen[str], str, str]:
    """`kamgraph serve --demo` on a free port: the process, its base URL and the token."""
    port = free_port()
    options = ["--demo", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        [*KAMGRAPH, "--store", store, "serve", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line.startswith("log in at http://"):
        process.kill()
        raise SystemExit(f"kamgraph serve did not start: {line!r}")
    # Its access log goes on to stdout: read it away, or serve blocks once the pipe is full.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health").status_code == 200:
                return process, base, line.split("?token=")[1].strip()
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("kamgraph serve did not answer within 120 s")


class Phase(NamedTuple):
    """What one route's requests took: p50 and p99 (ms), answers per second, the errors
    and the size of the last answer (bytes)."""

    p50: float
    p99: float
    rate: float
    errors: int
    size: int


async def hammer(client: httpx.AsyncClient, path: str, clients: int, requests: int) -> Phase:
    """``requests`` GETs of ``path`` from ``clients`` concurrent clients (the whole body
    read each time); every answer but a 200 is an error."""
    latencies: list[float] = []
    errors = size = 0
    left = requests

    async def one_client() -> None:
        nonlocal left, errors, size
        while left > 0:
            left -= 1
            start = time.perf_counter()
            try:
                answer = await client.get(path)
                ok = answer.status_code == 200
                size = len(answer.content)
            except httpx.HTTPError:
                ok = False
            latencies.append(time.perf_counter() - start)
            errors += not ok

    began = time.perf_counter()
    await asyncio.gather(*(one_client() for _ in range(clients)))
    rate = requests / (time.perf_counter() - began)
    return Phase(p(latencies, 50), p(latencies, 99), rate, errors, size)


def p(latencies: list[float], percent: int) -> float:
    """The ``percent``th percentile, in milliseconds."""
    return statistics.quantiles(latencies, n=100, method="inclusive")[percent - 1] * 1000


async def rounds(
    base: str, token: str, paths: dict[str, str], args: argparse.Namespace
) -> list[dict[str, Phase]]:
    """Per round, per route: what its requests took."""
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)
    async with httpx.AsyncClient(
        base_url=base, headers={"Authorization": f"Bearer {token}"}, limits=limits, timeout=120
    ) as client:
        out = []
        for _ in range(args.rounds):
            figures = {}
            for name, path in paths.items():
                await hammer(client, path, args.clients, max(2, args.clients))  # warm-up
                figures[name] = await hammer(client, path, args.clients, args.requests)
            out.append(figures)
            print(
                "  round: "
                + ", ".join(
                    f"{n} p50 {f.p50:.1f} ms p99 {f.p99:.1f} ms {f.rate:.0f}/s"
                    for n, f in figures.items()
                ),
                flush=True,
            )
        return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="a store to use (default: a fresh embedded one)")
    parser.add_argument("--workers", type=int, default=2, help="serve's worker processes")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=500, help="per route and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stakeholders", type=int, default=40, help="0: the sample's orbital")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or f"embedded:{Path(tmp) / 'store'}"
        settings = Settings.from_env(store)
        engine = "neo4j" if settings.store.startswith(("bolt", "neo4j")) else "embedded"
        account_id = "big" if args.stakeholders else "orbital"
        if args.stakeholders:
            with open_store(settings) as opened:
                opened.write(account(args.stakeholders, account_id))
        process, base, token = serve(store, args.workers)
        try:
            paths = {
                "health": "/health",
                "analysis": f"/accounts/{account_id}/analysis",
                "board": f"/accounts/{account_id}/board",
            }
            print(
                f"[{BENCH}] {engine}: {args.workers} worker(s), {args.clients} clients, "
                f"{args.requests} requests per route and round, account {account_id!r}; "
                f"load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            measured = asyncio.run(rounds(base, token, paths, args))
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=60)

    def median(name: str, figure: str) -> float:
        return statistics.median(getattr(r[name], figure) for r in measured)

    health = "/health p99, same round"
    for name in paths:
        for figure, unit in (("p50", "ms"), ("p99", "ms"), ("rate", "answers/s")):
            report(
                BENCH,
                f"{name} {figure}",
                value=median(name, figure),
                unit=unit,
                baseline="-",
                engine=engine,
            )
    report(
        BENCH,
        "board page size",
        value=measured[-1]["board"].size / 1024,
        unit="KiB",
        baseline="-",
        engine=engine,
    )
    targets = {"analysis": 3, "board": 10}
    for name, target in targets.items():
        ratio = statistics.median(r[name].p99 / r["health"].p99 for r in measured)
        report(
            BENCH,
            f"{name} p99 / health p99",
            value=ratio,
            unit="x",
            baseline=health,
            target=f"<= {target}x" if engine == "embedded" else "",
            met=ratio <= target if engine == "embedded" else None,
            engine=engine,
        )
    errors = sum(f.errors for r in measured for f in r.values())
    report(
        BENCH,
        "errors",
        value=errors,
        unit="answers",
        baseline="every request a 200",
        target="0",
        met=errors == 0,
        engine=engine,
    )


if __name__ == "__main__":
    main()
