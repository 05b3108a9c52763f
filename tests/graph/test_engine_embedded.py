"""The embedded engine as a process: durability, crash recovery, sharing one folder."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from graph.engine_embedded import STATE_FILE, EmbeddedEngine, _is_running_engine
from graph.errors import ConfigError, StoreUnavailable
from graph.model import Account, Portfolio
from graph.settings import Settings
from graph.store import GraphStore, open_store


def engine_pid(data_dir: Path) -> int:
    return int(json.loads((data_dir / STATE_FILE).read_text())["pid"])


def wait_until_gone(pid: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while _is_running_engine(pid):
        assert time.monotonic() < deadline, f"engine {pid} is still running"
        time.sleep(0.05)


def test_an_acknowledged_write_survives_sigkill(data_dir: Path) -> None:
    store = GraphStore(EmbeddedEngine(data_dir))
    store.write(Portfolio(accounts=[Account(id="acme", name="Acme")]))
    pid = engine_pid(data_dir)
    os.kill(pid, signal.SIGKILL)
    wait_until_gone(pid)
    with pytest.raises(StoreUnavailable, match="stopped answering"):
        store.list_accounts()
    store.close()

    reopened = GraphStore(EmbeddedEngine(data_dir))  # finds the stale pid and socket
    try:
        assert engine_pid(data_dir) != pid
        assert [s.account.id for s in reopened.list_accounts()] == ["acme"]
    finally:
        reopened.close()


def test_a_stale_pid_file_and_socket_are_cleaned_up(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (data_dir / STATE_FILE).write_text(json.dumps({"pid": dead.pid, "socket": "x"}))
    (data_dir / "engine.sock").write_text("not a socket")
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        assert store.list_accounts() == []
        assert engine_pid(data_dir) != dead.pid


def test_the_last_process_to_close_stops_the_engine(data_dir: Path) -> None:
    first = EmbeddedEngine(data_dir)
    second = EmbeddedEngine(data_dir)
    pid = first.pid
    assert second.pid == pid, "the second opener must attach, not start another engine"
    first.close()
    assert _is_running_engine(pid), "closing one of two users must not stop the engine"
    assert second.run("RETURN 1 AS one", write=True) == [{"one": 1}]
    second.close()
    wait_until_gone(pid)
    assert not (data_dir / STATE_FILE).exists()


def test_data_persists_across_a_clean_restart(data_dir: Path) -> None:
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        store.write(Portfolio(accounts=[Account(id="acme", name="Acme")]))
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        assert [s.account.name for s in store.list_accounts()] == ["Acme"]


def test_serve_and_an_import_share_one_engine(data_dir: Path, tmp_path: Path) -> None:
    """`kamgraph serve` runs while `kamgraph demo` writes to the same folder."""
    store_spec = f"embedded:{data_dir}"
    port = _free_port()
    kamgraph = [sys.executable, "-m", "api.cli", "--store", store_spec]
    server = subprocess.Popen(
        [*kamgraph, "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        _wait_for_http(f"http://127.0.0.1:{port}/health", server)
        serving_pid = engine_pid(data_dir)
        loaded = subprocess.run([*kamgraph, "demo"], capture_output=True, text=True, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        assert engine_pid(data_dir) == serving_pid
        assert _is_running_engine(serving_pid), "the import must not stop the serving engine"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts", timeout=10) as answer:
            served = {a["account"]["id"] for a in json.load(answer)}
        assert {"helix", "northwind", "orbital"} <= served
    finally:
        server.send_signal(signal.SIGINT)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    wait_until_gone(serving_pid)
    with open_store(Settings(store=store_spec)) as store:
        assert {s.account.id for s in store.list_accounts()} == served


def test_an_unknown_store_spec_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown store 'mysql://x'"):
        Settings.from_env("mysql://x")


def test_an_unreachable_neo4j_names_the_uri() -> None:
    uri = f"bolt://127.0.0.1:{_free_port()}"
    with pytest.raises(StoreUnavailable, match=f"cannot reach Neo4j at {uri}"):
        open_store(Settings(store=uri))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.communicate()[0].decode())
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout}s")


#: Staged writes in a row, each begun as an AOF rewrite starts (as one due starts on its
#: own, or after an erasure), on a graph whose copies make the AOF grow fast.
STAGED_WRITES = """
import sys
from graph.engine_embedded import EmbeddedEngine

engine = EmbeddedEngine(sys.argv[1])
engine.execute_command("CONFIG", "SET", "auto-aof-rewrite-min-size", "1mb")
engine.run("UNWIND range(1, 30000) AS i CREATE (:Account {id: toString(i)})", write=True)
for n in range(6):
    engine.execute_command("BGREWRITEAOF")
    with engine.transaction() as tx:
        tx.run("CREATE (:Account {id: $id})", {"id": f"new{n}"}, write=True)
        tx.run("CREATE (:Account {id: $id})", {"id": f"new{n}b"}, write=True)
print(engine.run("MATCH (a:Account) RETURN count(a) AS n", write=False)[0]["n"])
engine.close()
"""


def test_staged_writes_wait_out_aof_rewrites(data_dir: Path) -> None:
    """GRAPH.COPY forks, and FalkorDB hangs if an AOF rewrite runs as it does."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", STAGED_WRITES, str(data_dir)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        os.kill(engine_pid(data_dir), signal.SIGKILL)
        raise
    assert done.returncode == 0, done.stderr
    assert done.stdout == "30012\n"
    log = (data_dir / "engine.log").read_text()
    assert log.count("Background append only file rewriting started") >= 6
