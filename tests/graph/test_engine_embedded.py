"""The embedded engine as a process: durability, crash recovery, sharing one folder,
one engine per folder whatever was killed when."""

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

from graph import engine_embedded
from graph.engine_embedded import STATE_FILE, EmbeddedEngine, is_engine_of
from graph.errors import ConfigError, StoreUnavailable
from graph.model import Account, Portfolio, Stakeholder
from graph.settings import Settings
from graph.store import GraphStore, open_store


def engine_pid(data_dir: Path) -> int:
    return int(json.loads((data_dir / STATE_FILE).read_text())["pid"])


def engines_on(data_dir: Path) -> list[int]:
    """Every redis-server process whose command line names ``data_dir`` (read here, not
    with the code under test)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if b"redis-server" in cmdline and bytes(data_dir) in cmdline:
            found.append(int(proc.name))
    return found


def wait_until_gone(pid: int, data_dir: Path, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while is_engine_of(pid, data_dir):
        assert time.monotonic() < deadline, f"engine {pid} is still running"
        time.sleep(0.05)


def test_an_acknowledged_write_survives_sigkill(data_dir: Path) -> None:
    store = GraphStore(EmbeddedEngine(data_dir))
    store.write(Portfolio(accounts=[Account(id="acme", name="Acme")]))
    pid = engine_pid(data_dir)
    os.kill(pid, signal.SIGKILL)
    wait_until_gone(pid, data_dir)
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


def test_a_command_killed_while_the_engine_starts_leaves_one_engine(data_dir: Path) -> None:
    """The starter dies before it records the engine; the next opener joins that engine."""
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        store.write(Portfolio(accounts=[Account(id="acme", name="Acme")]))
    starter = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--store", f"embedded:{data_dir}", "info"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while not (started := engines_on(data_dir)):
        assert starter.poll() is None, "the command finished before its engine was seen"
    os.kill(starter.pid, signal.SIGKILL)
    starter.wait()
    orphan = started[0]
    engine = EmbeddedEngine(data_dir)
    try:
        assert engine.pid == orphan
        assert engines_on(data_dir) == [orphan]
        assert engine.run("MATCH (a:Account) RETURN a.id AS id", write=False) == [{"id": "acme"}]
    finally:
        engine.close()
    wait_until_gone(orphan, data_dir)


def test_a_stale_pid_now_another_engines_is_neither_trusted_nor_named(tmp_path: Path) -> None:
    elsewhere = EmbeddedEngine(tmp_path / "elsewhere")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / STATE_FILE).write_text(json.dumps({"pid": elsewhere.pid, "socket": "x"}))
    try:
        engine = EmbeddedEngine(mine)
        assert engine.pid != elsewhere.pid
        engine.close()
        assert is_engine_of(elsewhere.pid, tmp_path / "elsewhere"), "it must not be stopped"
        assert not is_engine_of(elsewhere.pid, mine)
    finally:
        elsewhere.close()


def test_a_hung_engine_is_named_and_no_second_one_starts(data_dir: Path) -> None:
    engine = EmbeddedEngine(data_dir)
    os.kill(engine.pid, signal.SIGSTOP)
    try:
        with pytest.raises(StoreUnavailable) as refused:
            EmbeddedEngine(data_dir, start_timeout=1)
        assert f"engine process {engine.pid} is running but did not answer" in str(refused.value)
        assert f"kill {engine.pid}" in str(refused.value)
        assert engines_on(data_dir) == [engine.pid]
    finally:
        os.kill(engine.pid, signal.SIGCONT)
        engine.close()


def test_the_store_folder_and_its_files_are_private(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o755)
    (data_dir / "aof").mkdir(mode=0o755)
    (data_dir / STATE_FILE).write_text("{}")
    (data_dir / STATE_FILE).chmod(0o644)
    (data_dir / "notes.txt").write_text("the user's own file")
    (data_dir / "notes.txt").chmod(0o644)
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        store.write(Portfolio(accounts=[Account(id="acme", name="Acme")]))
        paths = [data_dir, *data_dir.rglob("*")]
        assert {p.name for p in paths} >= {"engine.json", "engine.log", "running.lock"}
        assert any(p.suffix == ".aof" for p in paths)
        exposed = {str(p): oct(p.stat().st_mode & 0o777) for p in paths if p.stat().st_mode & 0o077}
        assert exposed == {str(data_dir / "notes.txt"): "0o644"}, "only the user's own file"


def test_the_last_process_to_close_stops_the_engine(data_dir: Path) -> None:
    first = EmbeddedEngine(data_dir)
    second = EmbeddedEngine(data_dir)
    pid = first.pid
    assert second.pid == pid, "the second opener must attach, not start another engine"
    first.close()
    assert is_engine_of(pid, data_dir), "closing one of two users must not stop the engine"
    assert second.run("RETURN 1 AS one", write=True) == [{"one": 1}]
    second.close()
    wait_until_gone(pid, data_dir)
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
        assert server.stdout is not None
        lines = iter(server.stdout.readline, b"")
        login = next(line.decode() for line in lines if line.startswith(b"log in at "))
        token = login.strip().partition("?token=")[2]
        _wait_for_http(f"http://127.0.0.1:{port}/health", server)
        serving_pid = engine_pid(data_dir)
        loaded = subprocess.run([*kamgraph, "demo"], capture_output=True, text=True, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        assert engine_pid(data_dir) == serving_pid
        assert is_engine_of(serving_pid, data_dir), "the import must not stop the serving engine"
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/accounts", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as answer:
            served = {a["id"] for a in json.load(answer)["items"]}
        assert {"helix", "northwind", "orbital"} <= served
    finally:
        server.send_signal(signal.SIGINT)
        output = server.communicate(timeout=30)[0].decode()
    assert server.returncode == 0, output
    wait_until_gone(serving_pid, data_dir)
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


def files_holding(folder: Path, *texts: str) -> set[tuple[str, str]]:
    """(file, text) for each text some file under ``folder`` contains."""
    return {
        (str(path.relative_to(folder)), text)
        for path in folder.rglob("*")
        if path.is_file()
        for text in texts
        if text.encode() in path.read_bytes()
    }


def test_an_erased_person_leaves_no_file_in_the_store_folder(data_dir: Path) -> None:
    person = ("zq-777", "Zed Quarry", "zed.quarry@acme.example")
    engine = EmbeddedEngine(data_dir)
    # The AOF's base is an RDB file, whose LZF compression would hide text from this
    # search; without it the search sees every string (the first check proves it).
    engine.execute_command("CONFIG", "SET", "rdbcompression", "no")
    store = GraphStore(engine)
    store.write(
        Portfolio(
            accounts=[Account(id="acme", name="Acme", notes="Zed Quarry signs off.")],
            stakeholders=[
                Stakeholder(id="zq-777", account_id="acme", name="Zed Quarry", email=person[2]),
                Stakeholder(id="other", account_id="acme", name="Olga Other"),
            ],
        )
    )
    # What an engine with its query log on (before kamgraph turned it off) left behind:
    engine.execute_command("XADD", "telemetry{kamgraph}", "*", "Query parameters", person[0])
    store.purge_deleted()  # now in the rewritten base, the file an erasure must replace
    assert {text for _, text in files_holding(data_dir, *person)} == set(person)
    store.erase_stakeholder("zq-777", scrub=True)
    assert files_holding(data_dir, *person)  # deleted, but still in the engine's files
    store.purge_deleted()
    assert files_holding(data_dir, *person) == set()
    assert files_holding(data_dir, "Olga Other")  # what was not erased is still there
    store.close()  # a clean shutdown writes nothing of theirs back
    assert files_holding(data_dir, *person) == set()
    with open_store(Settings(store=f"embedded:{data_dir}")) as reopened:
        assert "zq-777" in reopened.erased()
        assert reopened.account_graph("acme").account.notes == "[erased] signs off."


def test_the_engine_keeps_no_query_log(data_dir: Path) -> None:
    """FalkorDB's query log is a key of its own, holding recent queries' parameters."""
    engine = EmbeddedEngine(data_dir)
    try:
        assert engine.execute_command("GRAPH.CONFIG", "GET", "CMD_INFO") == ["CMD_INFO", 0]
    finally:
        engine.close()


#: Staged writes in a row, each begun as an AOF rewrite starts (as one due starts on its
#: own, after an erasure, or after a large staged write), on a graph whose copies make the
#: AOF grow fast.
STAGED_WRITES = """
import sys
import redis
from graph.engine_embedded import EmbeddedEngine

engine = EmbeddedEngine(sys.argv[1])
engine.execute_command("CONFIG", "SET", "auto-aof-rewrite-min-size", "1mb")
engine.run("UNWIND range(1, 30000) AS i CREATE (:Account {id: toString(i)})", write=True)
for n in range(6):
    try:
        engine.execute_command("BGREWRITEAOF")
    except redis.ResponseError as exc:  # the one the last staged write started (large)
        assert "already in progress" in str(exc), exc
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


def replayed_bytes(data_dir: Path) -> int:
    """The size of the incremental append-only files the manifest lists (read here)."""
    aof = data_dir / "aof"
    manifest = (aof / "appendonly.aof.manifest").read_text().split()
    names = [manifest[i + 1] for i, word in enumerate(manifest) if word == "file"]
    return sum((aof / name).stat().st_size for name in names if ".incr." in name)


@pytest.mark.parametrize("after", [0, 1 << 40])
def test_a_clean_shutdown_rewrites_what_a_start_would_replay(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, after: int
) -> None:
    """A start replays the incremental file write by write (slow on a large store); a
    clean shutdown past the threshold leaves a base file only, and below it leaves it."""
    monkeypatch.setattr(engine_embedded, "REWRITE_AFTER", after)
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        store.engine.run("CREATE (:Account {id: 'acme', name: 'Acme'})", write=True)
    assert (replayed_bytes(data_dir) == 0) == (after == 0)
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        assert [s.account.name for s in store.list_accounts()] == ["Acme"]


def test_a_large_staged_write_starts_a_rewrite(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_embedded, "REWRITE_AFTER", 0)
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        with store.atomic() as target:
            target.write(Portfolio(accounts=[Account(id="acme", name="Acme")]))
        deadline = time.monotonic() + 30
        while replayed_bytes(data_dir) != 0:
            assert time.monotonic() < deadline, "no rewrite followed the staged write"
            time.sleep(0.05)
        assert [s.account.name for s in store.list_accounts()] == ["Acme"]


def typed(value: object) -> object:
    """``value`` with the type of every leaf beside it."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def test_parameters_and_results_round_trip_through_the_engine(data_dir: Path) -> None:
    """The engine's own parameter writer and result reader (not the client's)."""
    values = [
        'a "quoted" \\ back\\slash',
        "two\nlines\tand ünïcode ✓",
        "",
        None,
        0,
        -(2**40),
        2.5,
        True,
        False,
        [1, "x", None, [True, 1.0]],
        {"k": "v", "nested": {"list": [1, 2], "none": None}},
    ]
    engine = EmbeddedEngine(data_dir)
    try:
        node = engine.run("CREATE (n:Probe {s: $s}) RETURN n.s AS s", {"s": values[1]}, write=True)
        assert node == [{"s": values[1]}]
        got = engine.run("RETURN $v AS v, [$v] AS l", {"v": values}, write=False)
        assert got == [{"v": values, "l": [values]}]
        # == holds for True and 1, 1.0 and 1: the types must come back too.
        assert typed(got[0]["v"]) == typed(values)
    finally:
        engine.close()


# FalkorDB 4.16 keeps the nodes a statement deletes in the matrix of a label that is smaller
# than the graph, which it is once the graph grew past a block of 16,384 nodes since that
# label was last scanned or created: the freed ids, reused, then scan as that label.
BLOCK = 16384
GROW = "UNWIND range(1, $n) AS i CREATE (:Interaction {id: 'i' + toString(i)})"
STALE_ACCOUNTS = """
MATCH (a:Account)
WHERE NOT a:Account OR NOT 'Account' IN labels(a)
RETURN a.id AS id, labels(a) AS labels
"""


@pytest.mark.parametrize("staged", [False, True])
def test_deleted_nodes_leave_their_labels_after_the_graph_grew(
    embedded_store: GraphStore, staged: bool
) -> None:
    store = embedded_store
    engine = store.engine
    store.write(Portfolio(accounts=[Account(id=f"a{i}", name=f"A{i}") for i in range(10)]))
    if staged:  # a block starts from a copy, so the growth and the delete are in it
        with engine.transaction() as tx:
            tx.run(GROW, {"n": BLOCK}, write=True)
            tx.run("MATCH (n) DETACH DELETE n", write=True)
    else:
        engine.run(GROW, {"n": BLOCK}, write=True)
        store.delete_everything()
    engine.run(GROW, {"n": BLOCK + 100}, write=True)  # reuses every freed id
    assert engine.run(STALE_ACCOUNTS, write=False) == []
    assert store.list_accounts() == []


def test_an_erasure_as_the_graph_grows_leaves_no_stale_stakeholder(
    embedded_store: GraphStore,
) -> None:
    """Its guard nodes, created as the graph fills its block, grew the graph before the
    person was deleted (in one statement, until the two were split)."""
    store = embedded_store
    engine = store.engine
    acme = Account(id="acme", name="Acme")
    people = [Stakeholder(id=p, account_id="acme", name=f"Ann {p}") for p in ("lee", "bob")]
    store.write(Portfolio(accounts=[acme], stakeholders=people))
    store.erase_stakeholder("bob")  # the erasure salt exists: the next guards are new nodes
    nodes = engine.run("MATCH (n) RETURN count(n) AS n", write=False)[0]["n"]
    engine.run(GROW, {"n": BLOCK - nodes - 1}, write=True)  # one free slot in the block
    store.erase_stakeholder("lee")
    store.write(Portfolio(accounts=[Account(id=f"new{i}", name="New") for i in range(5)]))
    stale = "MATCH (s:Stakeholder) WHERE NOT 'Stakeholder' IN labels(s) RETURN labels(s) AS l"
    assert engine.run(stale, write=False) == []
    assert store.account_graph("acme").stakeholders == ()
