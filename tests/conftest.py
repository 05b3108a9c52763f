"""Shared fixtures: the real embedded engine (started once per run), or Neo4j when asked.

Each test gets its own empty graph. On the embedded engine that is a graph of its own
inside one engine process. Tests that take ``store``, ``sample_store`` or
``store_settings`` also run against the Neo4j server named by ``NEO4J_URI`` (marked
``neo4j``; left out, saying so, without it), which they empty before and after each test:
point it at a throwaway database, as ``make test-neo4j`` does.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Final

import pytest
from fastapi.testclient import TestClient

from api import service
from api.app import create_app
from api.service import load_sample
from graph import history
from graph.access import LOCAL, SERVE_ADMIN, Role
from graph.engine_embedded import EmbeddedEngine
from graph.history import Recorder, Stamp
from graph.model import Portfolio
from graph.settings import Settings
from graph.store import GraphStore, open_store


def _mismatch(account_id: str, applied: history.State | None, stored: history.State | None) -> str:
    """Where an applied state differs from the stored one ('' where they agree)."""
    if (applied is None) != (stored is None):
        return f"account {account_id!r}: applied {applied is not None}, stored {stored is not None}"
    if applied is None or stored is None or applied == stored:
        return ""
    for c in history.COLLECTIONS:
        ours, theirs = applied[c.field], stored[c.field]
        for key in sorted(ours.keys() | theirs.keys()):
            if ours.get(key) != theirs.get(key):
                return (
                    f"account {account_id!r}, {c.field} {key}: applied {ours.get(key)!r}, "
                    f"stored {theirs.get(key)!r}"
                )
    return f"account {account_id!r}: states differ outside the collections"


@pytest.fixture
def recorded_as_stored(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every write block checks, at its end, that the states its recorder kept by applying
    the writes equal the accounts read again from the store: history is recorded from
    them, so an apply that misses an effect would record it wrongly. On for the store's,
    the history's, the importers' and the record edits' tests (tests/graph,
    tests/importers, tests/api/test_records*.py and test_history.py): the writes that
    exercise every statement the recorder applies. The read it adds to every block would
    double the rest of the suite's time for no more cover.

    The states a block takes from the one before it, instead of reading them (see
    :class:`graph.history.Settled`), are compared with the store as they are taken.

    The checks of a write take from the same states what they would otherwise read
    (which ids are stored, where people work): each answer is compared with the
    store's, read as outside a block.

    Off for the Neo4j variants: what it checks is this module's Python, and the engines'
    behaviour under the same writes is what those variants test (with the guard on, all
    of them passed once; it took as long again as the rest of the Neo4j run)."""
    if request.node.get_closest_marker("neo4j") is not None:
        return
    applied = Recorder.after
    existing = GraphStore._existing

    def unheld(store: GraphStore) -> GraphStore:
        reading = copy.copy(store)
        reading._recorder = None
        return reading

    def existing_checked(store: GraphStore, *args: Any) -> Any:
        known = existing(store, *args)
        assert known == existing(unheld(store), *args), "the held states' ids differ"
        return known

    monkeypatch.setattr(GraphStore, "_existing", existing_checked)

    def checked(
        recorder: Recorder, reader: history.Reader, account_ids: Sequence[str]
    ) -> dict[str, history.State | None]:
        states = applied(recorder, reader, account_ids)
        stored = reader.account_states(account_ids)
        problems = [_mismatch(a, states[a], stored.get(a)) for a in account_ids]
        assert not any(problems), "recorded states differ from the store: " + "; ".join(
            p for p in problems if p
        )
        return states

    monkeypatch.setattr(Recorder, "after", checked)
    settled_before = Recorder.settled_before

    def settled_checked(
        recorder: Recorder, reader: history.Reader, account_ids: list[str]
    ) -> Iterator[tuple[str, bytes | None]]:
        taken = dict(settled_before(recorder, reader, account_ids))
        stored = reader.account_states(account_ids)
        problems = [
            _mismatch(a, None if p is None else history._unpack(p), stored.get(a))
            for a, p in taken.items()
        ]
        assert not any(problems), "the last block's states differ from the store: " + "; ".join(
            p for p in problems if p
        )
        yield from taken.items()

    monkeypatch.setattr(Recorder, "settled_before", settled_checked)


@pytest.fixture(scope="session")
def engine_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One embedded engine for the whole run; tests attach to it with graphs of their own."""
    folder = tmp_path_factory.mktemp("engine")
    keeper = EmbeddedEngine(folder, graph_name="keeper")
    yield folder
    keeper.close()


def _embedded_store(engine_dir: Path) -> Iterator[GraphStore]:
    name = f"test_{uuid.uuid4().hex}"
    engine = EmbeddedEngine(engine_dir, graph_name=name)
    store = GraphStore(engine)
    try:
        yield store
    finally:
        engine.execute_command("GRAPH.DELETE", name)
        store.close()


@pytest.fixture
def embedded_store(engine_dir: Path) -> Iterator[GraphStore]:
    """An empty store on the real embedded engine."""
    yield from _embedded_store(engine_dir)


#: Every test that takes ``store`` or ``store_settings`` runs once per engine; the Neo4j
#: variant carries the ``neo4j`` mark (``make test-neo4j`` runs ``pytest -m neo4j``).
ENGINES = [pytest.param("embedded"), pytest.param("neo4j", marks=pytest.mark.neo4j)]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without ``NEO4J_URI`` the Neo4j variants are left out, and the summary says so once
    (a skip line per test drowned the others)."""
    if os.environ.get("NEO4J_URI"):
        return
    kept = [item for item in items if item.get_closest_marker("neo4j") is None]
    left_out = [item for item in items if item.get_closest_marker("neo4j") is not None]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept
        config.stash[_NEO4J_LEFT_OUT] = len(left_out)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    left_out = terminalreporter.config.stash.get(_NEO4J_LEFT_OUT, 0)
    if left_out:
        terminalreporter.write_line(
            f"{left_out} Neo4j variants not run: NEO4J_URI is not set (`make test-neo4j` runs them)"
        )


_NEO4J_LEFT_OUT = pytest.StashKey[int]()


def neo4j_settings() -> Settings:
    """The Neo4j server named by ``NEO4J_URI`` (and ``NEO4J_USER``/``NEO4J_PASSWORD``)."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI is not set: `make test-neo4j` runs the Neo4j variants")
    return Settings.from_env(uri)


@contextlib.contextmanager
def emptied_neo4j() -> Iterator[Settings]:
    """Neo4j Community has one database: each test empties it before and after itself
    (constraints stay; every test writes through the store, which creates them)."""
    settings = neo4j_settings()
    with open_store(settings) as neo:
        neo.delete_everything()
    try:
        yield settings
    finally:
        with open_store(settings) as neo:
            neo.delete_everything()


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest, engine_dir: Path) -> Iterator[GraphStore]:
    """An empty store, once per engine: embedded always, Neo4j when NEO4J_URI is set."""
    if request.param == "embedded":
        yield from _embedded_store(engine_dir)
        return
    with emptied_neo4j() as settings, open_store(settings) as neo:
        yield neo


@pytest.fixture(params=ENGINES)
def store_settings(request: pytest.FixtureRequest, data_dir: Path) -> Iterator[Settings]:
    """Settings naming an empty store of the test's own, once per engine: an embedded
    folder, or the emptied Neo4j database (for the app and the CLI, which open stores)."""
    if request.param == "embedded":
        yield Settings(store=f"embedded:{data_dir}")
        return
    with emptied_neo4j() as settings:
        yield settings


@pytest.fixture
def sample_store(store: GraphStore) -> GraphStore:
    """A store holding the built-in sample portfolio (once per engine), recorded on the
    day it describes, as ``kamgraph demo`` records it."""
    load_sample(store)
    return store


#: The day hand-built fixtures are recorded on: before every date a test analyses them
#: at, since an account read as of a date before its history starts is not there yet.
FIXTURES_RECORDED: Final = dt.date(2020, 1, 1)


def write_recorded(store: GraphStore, portfolio: Portfolio) -> None:
    """Write ``portfolio`` as recorded on :data:`FIXTURES_RECORDED`."""
    with store.atomic(stamp=Stamp("test fixture", FIXTURES_RECORDED)) as target:
        target.write(portfolio)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh folder for a store of its own (CLI and process tests)."""
    return tmp_path / "data"


def bearer(store: GraphStore, role: Role = Role.admin, member: str = SERVE_ADMIN) -> dict[str, str]:
    """The header of a fresh token for ``member`` with ``role``."""
    issued = service.create_token(store, LOCAL, member, role)
    return {"Authorization": f"Bearer {issued.token}"}


@contextlib.contextmanager
def api_client(
    settings: Settings,
    *,
    role: Role = Role.admin,
    member: str = SERVE_ADMIN,
    base_url: str = "http://localhost",
) -> Iterator[TestClient]:
    """Real HTTP into the app on ``settings``' store, as a token of ``member`` with ``role``."""
    with open_store(settings) as store:
        headers = bearer(store, role, member)
    with TestClient(create_app(settings), base_url=base_url, headers=headers) as client:
        yield client
