"""The production engine: Neo4j 5 through the official driver, in managed transactions."""

from __future__ import annotations

from typing import Any

import neo4j
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.dialect import NEO4J, Dialect
from graph.errors import StoreUnavailable


class Neo4jEngine:
    """Runs Cypher on a Neo4j 5 server; fails at start, naming the URI, if unreachable."""

    dialect: Dialect = NEO4J

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j") -> None:
        self.uri = uri
        self.database = database
        # An optional property or an edge type nobody has written yet is normal here, not
        # a warning for the user's terminal (the driver logs every such notification).
        self._driver = neo4j.GraphDatabase.driver(
            uri,
            auth=(user, password),
            notifications_disabled_classifications=[
                neo4j.NotificationDisabledClassification.UNRECOGNIZED
            ],
        )
        try:
            self._driver.verify_connectivity()
        except AuthError as exc:
            self._driver.close()
            raise StoreUnavailable(
                f"Neo4j at {uri} refused the credentials of user {user!r} "
                "(set NEO4J_USER and NEO4J_PASSWORD)"
            ) from exc
        except (ServiceUnavailable, Neo4jError, OSError, ValueError) as exc:
            self._driver.close()
            raise StoreUnavailable(f"cannot reach Neo4j at {uri}: {exc}") from exc

    def describe(self) -> str:
        """The server and database, for messages and ``kamgraph info``."""
        return f"{self.uri} (database {self.database})"

    def run(self, query: str, params: dict[str, Any] | None = None, *, write: bool) -> list[dict]:
        """Run one statement in a managed (retried) transaction; rows as plain dicts."""
        convert = self.dialect.convert

        def work(tx: neo4j.ManagedTransaction) -> list[dict]:
            return [convert(record.data()) for record in tx.run(query, params or {})]

        with self._driver.session(database=self.database) as session:
            try:
                if write:
                    return session.execute_write(work)
                return session.execute_read(work)
            except (ServiceUnavailable, SessionExpired) as exc:
                raise StoreUnavailable(f"lost Neo4j at {self.uri}: {exc}") from exc

    def ensure_schema(self) -> None:
        """Create the unique ``id`` constraints (idempotent: IF NOT EXISTS)."""
        for statement in self.dialect.schema_statements:
            self.run(statement, write=True)

    def purge_deleted(self) -> str:
        """Checkpoint where the server offers it (Enterprise): all a client can do to move
        deleted records off Neo4j's disk. The README's right-to-erasure section says what
        stays and what the operator must configure."""
        remains = (
            "deleted records stay in its store files until their space is reused, and in "
            "its transaction logs until they rotate and are pruned (README: right to erasure)"
        )
        with self._driver.session(database=self.database) as session:
            try:
                for statement in self.dialect.purge_statements:
                    session.run(statement).consume()
            except ClientError as exc:
                if exc.code != "Neo.ClientError.Procedure.ProcedureNotFound":
                    raise
                return f"Neo4j Community has no checkpoint procedure: {remains}"
            except ServiceUnavailable as exc:
                raise StoreUnavailable(f"lost Neo4j at {self.uri}: {exc}") from exc
        return f"checkpointed Neo4j; {remains}"

    def ping(self) -> None:
        """Raise :class:`StoreUnavailable`, saying why, unless the server answers now
        (one connection and login, not the managed transactions' 30 s of retries)."""
        try:
            self._driver.verify_connectivity()
        except (DriverError, Neo4jError, OSError) as exc:
            # The kind of failure, not the server's address: /health shows this.
            raise StoreUnavailable(f"Neo4j does not answer ({type(exc).__name__})") from exc

    def recover(self) -> None:
        """Nothing to restart: the driver opens fresh connections by itself once the
        server is back, so this only checks that it is."""
        self.ping()

    def close(self) -> None:
        """Close the driver and its connection pool."""
        self._driver.close()
