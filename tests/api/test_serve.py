"""`kamgraph serve` as a real process: it outlives its engine, and guards its network."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.engine_embedded import STATE_FILE


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def engine_pid(data_dir: Path) -> int:
    return int(json.loads((data_dir / STATE_FILE).read_text())["pid"])


def wait_for(check: object, what: str, timeout: float = 60) -> None:
    """Poll ``check()`` until it is true (a generous bound, not a timed assertion)."""
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} within {timeout}s"
        time.sleep(0.1)


class Served:
    """A running `kamgraph serve` and an HTTP client for it."""

    def __init__(self, process: subprocess.Popen[str], base: str) -> None:
        self.process = process
        self.http = httpx.Client(base_url=base, timeout=30)

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self.http.get(path, **kwargs)  # type: ignore[arg-type]

    def answers(self) -> bool:
        assert self.process.poll() is None, self.process.communicate()[1]
        try:
            return self.get("/health").status_code == 200
        except httpx.TransportError:
            return False


@pytest.fixture
def serve(data_dir: Path) -> Iterator[Served]:
    """`kamgraph serve` on a free loopback port over an embedded store with one account."""
    kamgraph = [sys.executable, "-m", "api.cli", "--store", f"embedded:{data_dir}"]
    loaded = subprocess.run([*kamgraph, "demo"], capture_output=True, text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    port = free_port()
    process = subprocess.Popen(
        [*kamgraph, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    served = Served(process, f"http://127.0.0.1:{port}")
    try:
        wait_for(served.answers, "serve did not answer")
        yield served
    finally:
        served.http.close()
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=60)


def test_serve_brings_a_killed_engine_back(serve: Served, data_dir: Path) -> None:
    killed = engine_pid(data_dir)
    # Holding the start/stop lock keeps serve from restarting the engine until we let
    # go, so the outage can be looked at.
    with (data_dir / "engine.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        os.kill(killed, signal.SIGKILL)
        down = serve.get("/health")
        assert down.status_code == 503
        assert down.json() == {
            "status": "unavailable",
            "engine": "falkordb",
            "detail": "the embedded engine is not running",
        }
        for route in ("/accounts", "/accounts/orbital", "/accounts/orbital/board.svg"):
            answer = serve.get(route)
            assert answer.status_code == 503, (route, answer.text)
            assert "embedded engine" in answer.json()["detail"]
    wait_for(serve.answers, "serve did not bring the engine back")
    assert engine_pid(data_dir) != killed
    assert serve.get("/health").json() == {"status": "ok", "engine": "falkordb"}
    assert "orbital" in {a["account"]["id"] for a in serve.get("/accounts").json()}
    assert serve.get("/accounts/orbital/board.svg").status_code == 200
