"""The Cypher registry stays portable: Neo4j 5's own linter accepts every statement."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graph import cypher, dialect

LINTER = Path(__file__).resolve().parents[2] / "tools" / "cypher-lint"


def lint(queries: dict[str, str]) -> dict[str, list[dict]]:
    """Run Neo4j's linter (tools/cypher-lint) on the queries; name → diagnostics."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the Neo4j lint of the Cypher registry cannot run")
    if not (LINTER / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.fail(f"the Cypher linter is not installed: run `npm ci --prefix {LINTER}`")
    done = subprocess.run(
        [node, str(LINTER / "lint.mjs")],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return json.loads(done.stdout)


def test_every_statement_passes_the_neo4j_5_lint() -> None:
    queries = dict(cypher.ALL)
    queries.update({f"NEO4J DDL {i}": s for i, s in enumerate(dialect.NEO4J.schema_statements)})
    queries.update({f"NEO4J purge {i}": s for i, s in enumerate(dialect.NEO4J.purge_statements)})
    queries["FALKORDB before delete"] = dialect.FALKORDB.before_delete
    problems = {name: found for name, found in lint(queries).items() if found}
    assert problems == {}


#: What FalkorDB accepts and Neo4j 5 rejects, with a word of the linter's complaint.
FALKORDB_ONLY = {
    "MATCH (a:Account) RETURN id(a) AS i": "deprecated",
    "MATCH (a:Account) WHERE exists(a.name) RETURN a.id AS i": "no longer supported",
    "MATCH (a:Account) RETURN size((a)<--()) AS n": "COUNT",
    "CREATE INDEX ON :Account(id)": "",
}


def test_the_lint_rejects_what_only_falkordb_accepts() -> None:
    found = lint({query: query for query in FALKORDB_ONLY})
    for query, complaint in FALKORDB_ONLY.items():
        assert found[query], f"the linter accepted {query!r}"
        assert any(complaint in d["message"] for d in found[query]), found[query]


def test_the_registry_holds_only_parameterised_statements() -> None:
    for name, text in cypher.ALL.items():
        assert not re.search(r"\bid\s*\(|elementId|\{\d*\}|%s", text), name


def test_every_registered_statement_is_used_by_the_store_or_an_engine() -> None:
    graph = Path(cypher.__file__).parent
    source = "".join(
        (graph / name).read_text() for name in ("store.py", "engine_embedded.py", "engine_neo4j.py")
    )
    unused = [name for name in cypher.ALL if f"cypher.{name}" not in source]
    assert unused == []


def _labels(text: str) -> set[str]:
    """The labels a statement names on a node (``(n:Account``, ``(:ErasedId``,
    ``n:WriteLock``)."""
    return set(re.findall(r"(?:\w|\():(\w+)", text))


def test_falkordb_sizes_every_label_the_registry_names_before_a_delete() -> None:
    named = set().union(*(_labels(text) for text in cypher.ALL.values()))
    relationships = set(re.findall(r"\[\w*:(\w+)", " ".join(cypher.ALL.values())))
    assert named - relationships <= _labels(dialect.FALKORDB.before_delete)


def test_no_statement_both_creates_and_deletes_nodes() -> None:
    """On FalkorDB 4.16 a node created before a delete in the same statement can grow the
    graph past what ``before_delete`` sized, and leave the deleted nodes in their labels."""

    def deletes_nodes(text: str) -> bool:
        deleted = {
            name
            for listed in re.findall(r"\bDELETE\s+(\w+(?:\s*,\s*\w+)*)", text)
            for name in re.split(r"\s*,\s*", listed)
        }
        return bool(deleted - set(re.findall(r"\[(\w+)", text)))  # not only edges

    both = [
        name
        for name, text in cypher.ALL.items()
        if deletes_nodes(text) and re.search(r"\b(CREATE|MERGE)\b", text)
    ]
    assert both == []
