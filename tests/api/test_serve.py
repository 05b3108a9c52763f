"""`kamgraph serve` and its app: they outlive their engine (a real serve process, and the
app in-process on each engine), and guard their network."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import load_sample
from graph.engine_embedded import STATE_FILE
from graph.errors import ConfigError
from graph.settings import Settings
from graph.store import open_store

from ..conftest import bearer
from ..serve_support import Served, free_port, start_serve, wait_for


def engine_pid(data_dir: Path) -> int:
    return int(json.loads((data_dir / STATE_FILE).read_text())["pid"])


@pytest.fixture
def serve(data_dir: Path) -> Iterator[Served]:
    """`kamgraph serve` on a free loopback port (the default host)."""
    served = start_serve(data_dir)
    try:
        yield served
    finally:
        served.stop()


def test_serve_on_every_interface_warns_and_checks_the_host(data_dir: Path) -> None:
    served = start_serve(data_dir, "--host", "0.0.0.0", "--allowed-host", "kam.example.com")
    try:
        assert served.get("/health").status_code == 200  # Host: 127.0.0.1
        assert served.get("/health", headers={"host": "kam.example.com"}).status_code == 200
        assert served.get("/accounts", headers={"host": "evil.example"}).status_code == 400
    finally:
        stderr = served.stop()
    assert "warning: serving on 0.0.0.0, reachable from other machines" in stderr
    assert "Put a TLS proxy in front" in stderr.replace("\n", " ")
    assert "localhost, 127.0.0.1, ::1, kam.example.com" in stderr


def test_allowed_hosts_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAMGRAPH_ALLOWED_HOSTS", "kam.example.com, *.corp.example,")
    assert Settings.from_env().allowed_hosts == ("kam.example.com", "*.corp.example")
    monkeypatch.setenv("KAMGRAPH_ALLOWED_HOSTS", "kam.*.example")
    refused = re.escape("allowed host 'kam.*.example': a wildcard must be like *.example.com")
    with pytest.raises(ConfigError, match=refused):
        Settings.from_env()


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
        for route in ("/accounts", "/accounts/orbital/graph", "/accounts/orbital/board.svg"):
            answer = serve.get(route)
            assert answer.status_code == 503, (route, answer.text)
            assert "the embedded engine is not running" in answer.json()["detail"]
    wait_for(serve.answers, "serve did not bring the engine back")
    assert engine_pid(data_dir) != killed
    assert serve.get("/health").json() == {"status": "ok", "engine": "falkordb"}
    assert "orbital" in {a["id"] for a in serve.get("/accounts").json()["items"]}
    assert serve.get("/accounts", headers={"Authorization": ""}).status_code == 401
    assert serve.get("/accounts/orbital/board.svg").status_code == 200
    said = serve.stop()
    assert "the embedded engine is not running; bringing it back" in said
    assert "the engine answers again" in said
    assert "reachable from other machines" not in said, "loopback needs no warning"


class EngineKilled:
    """An outage of the embedded engine: SIGKILLed, and kept from restarting (the
    start/stop lock held) until ``restore``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._held: IO[str] | None = None

    def cut(self) -> None:
        self._held = (self.data_dir / "engine.lock").open("a+")
        fcntl.flock(self._held, fcntl.LOCK_EX)
        os.kill(engine_pid(self.data_dir), signal.SIGKILL)

    def restore(self) -> None:
        assert self._held is not None
        self._held.close()


class Neo4jGone:
    """An outage of Neo4j: a TCP relay in front of it drops every connection and
    refuses new ones, as a server that went away does, until ``restore``."""

    def __init__(self, target: str) -> None:
        host, _, port = target.rpartition("//")[2].partition(":")
        self.target = (host, int(port))
        self.port = free_port()
        self.uri = f"bolt://127.0.0.1:{self.port}"
        self._links: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()

    def cut(self) -> None:
        assert self._listener is not None
        self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
        self._listener.close()
        for link in self._links:
            with contextlib.suppress(OSError):
                link.shutdown(socket.SHUT_RDWR)
            link.close()
        self._links.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self._links += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_WR)


def test_the_app_carries_on_after_its_engine_comes_back(
    store_settings: Settings, data_dir: Path
) -> None:
    """In-process, on each engine: 503s with the reason while the engine is gone, then
    the same app answers again without a restart."""
    with open_store(store_settings) as store:
        load_sample(store)
        headers = bearer(store)
    outage: EngineKilled | Neo4jGone
    if store_settings.is_neo4j:
        outage = Neo4jGone(store_settings.store)
        store_settings = store_settings.model_copy(update={"store": outage.uri})
        engine, reason = "neo4j", "Neo4j does not answer (ServiceUnavailable)"
    else:
        outage = EngineKilled(data_dir)
        engine, reason = "falkordb", "the embedded engine is not running"
    with TestClient(
        create_app(store_settings), base_url="http://localhost", headers=headers
    ) as client:
        assert client.get("/health").json() == {"status": "ok", "engine": engine}
        outage.cut()
        down = client.get("/health")
        assert (down.status_code, down.json()) == (
            503,
            {"status": "unavailable", "engine": engine, "detail": reason},
        )
        for route in ("/accounts", "/accounts/orbital/graph", "/accounts/orbital/analysis"):
            answer = client.get(route)
            assert answer.status_code == 503, (route, answer.text)
            assert answer.json() == {"detail": f"{reason} (kamgraph is bringing it back)"}
        outage.restore()
        wait_for(lambda: client.get("/health").status_code == 200, "the engine did not come back")
        assert client.get("/accounts/orbital/graph").json()["accounts"][0]["id"] == "orbital"


def test_the_access_log_never_holds_a_token(serve: Served) -> None:
    """Logging in through the URL serve printed leaves the token out of its log."""
    token = serve.login_url.partition("?token=")[2]
    with httpx.Client(base_url=serve.login_url.split("/login")[0]) as browser:
        assert browser.get(serve.login_url).status_code == 303
        assert browser.get("/login", params={"token": "kg_not-a-real-one"}).status_code == 401
    serve.http.close()
    serve.process.send_signal(signal.SIGINT)
    out, serve.stderr = serve.process.communicate(timeout=60)  # uvicorn logs access on stdout
    log = out + serve.stderr
    assert "GET /login?token=[redacted] HTTP/1.1" in log
    assert token not in log and "kg_not-a-real-one" not in log
