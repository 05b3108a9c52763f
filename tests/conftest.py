"""Shared fixtures: the real embedded engine (started once per run), or Neo4j when asked.

Each test gets its own empty graph. On the embedded engine that is a graph of its own
inside one engine process; with ``NEO4J_URI`` set, the store tests run against that
server instead and empty it before each test (point it at a throwaway database).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.engine_embedded import EmbeddedEngine
from graph.sample import sample_portfolio
from graph.store import GraphStore


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


@pytest.fixture(params=["embedded", "neo4j"])
def store(request: pytest.FixtureRequest, engine_dir: Path) -> Iterator[GraphStore]:
    """An empty store, once per engine: embedded always, Neo4j when NEO4J_URI is set."""
    if request.param == "embedded":
        yield from _embedded_store(engine_dir)
        return
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.skip("NEO4J_URI is not set: the Neo4j run of the store contract is skipped")
    from graph.engine_neo4j import Neo4jEngine

    engine = Neo4jEngine(
        uri,
        os.environ.get("NEO4J_USER", "neo4j"),
        os.environ.get("NEO4J_PASSWORD", ""),
        os.environ.get("NEO4J_DATABASE", "neo4j"),
    )
    neo = GraphStore(engine)
    neo.delete_everything()
    try:
        yield neo
    finally:
        neo.delete_everything()
        neo.close()


@pytest.fixture
def sample_store(embedded_store: GraphStore) -> GraphStore:
    """An embedded store holding the built-in sample portfolio."""
    embedded_store.write(sample_portfolio())
    return embedded_store


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh folder for a store of its own (CLI and process tests)."""
    return tmp_path / "data"
