"""A real `kamgraph serve` process for tests: started on a free port over an embedded
store, with a client holding the token of the login URL it printed."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check: object, what: str, timeout: float = 60) -> None:
    """Poll ``check()`` until it is true (a generous bound, not a timed assertion)."""
    deadline = time.monotonic() + timeout
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"{what} within {timeout}s"
        time.sleep(0.1)


class Served:
    """A running `kamgraph serve` and an HTTP client for it."""

    def __init__(self, process: subprocess.Popen[str], base: str, login_url: str) -> None:
        self.process = process
        self.base = base
        self.login_url = login_url
        token = login_url.partition("?token=")[2]
        self.http = httpx.Client(
            base_url=base, timeout=30, headers={"Authorization": f"Bearer {token}"}
        )
        self.stderr: str | None = None

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return self.http.get(path, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> str:
        """Stop serve as Ctrl-C does (once); what it wrote to stderr."""
        if self.stderr is None:
            self.http.close()
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGINT)
            self.stderr = self.process.communicate(timeout=60)[1]
        return self.stderr

    def answers(self) -> bool:
        assert self.process.poll() is None, self.process.communicate()[1]
        try:
            return self.get("/health").status_code == 200
        except httpx.TransportError:
            return False


def start_serve(data_dir: Path, *options: str) -> Served:
    """`kamgraph serve --demo OPTIONS` on a free port over an embedded store (the sample
    loaded), with a client holding the token of the login URL it printed."""
    kamgraph = [sys.executable, "-m", "api.cli", "--store", f"embedded:{data_dir}"]
    port = free_port()
    process = subprocess.Popen(
        [*kamgraph, "serve", "--demo", "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("log in at http://"), (line, process.stderr and process.stderr.read())
    served = Served(process, f"http://127.0.0.1:{port}", line.split()[-1])
    try:
        wait_for(served.answers, "serve did not answer")
    except BaseException:
        served.stop()
        raise
    return served
