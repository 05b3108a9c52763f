"""The production engine: Neo4j 5 through the official driver.

Every write first takes the store's writer lock, a ``WriteLock`` node it MERGEs and
SETs (``cypher.TAKE_WRITE_LOCK``): Neo4j holds the node's exclusive lock until the
transaction ends, so kamgraph writers on any number of hosts take turns, and what a
writer reads after taking it stays true until it commits. A write of several
statements is one explicit transaction, committed once.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any, Final

import neo4j
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph import cypher
from graph.dialect import NEO4J, Dialect
from graph.errors import StoreUnavailable

#: How long a writer waits for the lock before saying it waits (Neo4j has no try-lock).
WAIT_NOTICE_AFTER: Final = 0.5


class Neo4jEngine:
    """Runs Cypher on a Neo4j 5 server; fails at start, naming the URI, if unreachable."""

    dialect: Dialect = NEO4J

    def __init__(self, uri: str, user: str, password: str, database: str = "neo4j") -> None:
        self.uri = uri
        self.database = database
        self._holder = f"{socket.gethostname()}:{os.getpid()}"
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
        """Run one statement in a managed (retried) transaction; rows as plain dicts.

        A write takes the writer lock first, in the same transaction.
        """

        def work(tx: neo4j.ManagedTransaction) -> list[dict]:
            if write:
                tx.run(cypher.TAKE_WRITE_LOCK, holder=self._holder).consume()
            return self._rows(tx.run(query, params or {}))

        with self._session() as session:
            if write:
                return session.execute_write(work)
            return session.execute_read(work)

    @contextlib.contextmanager
    def transaction(
        self, *, one_statement: bool = False, on_wait: Callable[[], None] | None = None
    ) -> Iterator[_Transaction]:
        """One explicit transaction holding the writer lock, committed when the block ends
        cleanly and rolled back when it raises (or when this process dies: the server
        drops a transaction whose connection is gone). ``on_wait`` is called once if
        taking the lock takes a while. ``one_statement`` changes nothing here."""
        del one_statement  # every Neo4j transaction is atomic
        with self._session() as session:
            tx = session.begin_transaction()
            try:
                notice = threading.Timer(WAIT_NOTICE_AFTER, on_wait) if on_wait else None
                if notice:
                    notice.start()
                try:
                    tx.run(cypher.TAKE_WRITE_LOCK, holder=self._holder).consume()
                finally:
                    if notice:
                        notice.cancel()
                yield _Transaction(tx, self)
                tx.commit()
            finally:
                tx.close()  # rolls back unless committed

    @contextlib.contextmanager
    def _session(self) -> Iterator[neo4j.Session]:
        with self._driver.session(database=self.database) as session:
            try:
                yield session
            except (ServiceUnavailable, SessionExpired) as exc:
                raise StoreUnavailable(f"lost Neo4j at {self.uri}: {exc}") from exc

    def _rows(self, result: neo4j.Result) -> list[dict]:
        return [self.dialect.convert(record.data()) for record in result]

    def ensure_schema(self) -> None:
        """Create the unique ``id`` constraints (idempotent: IF NOT EXISTS).

        Schema changes may not share a transaction with data writes, so no writer lock.
        """
        with self._session() as session:
            for statement in self.dialect.schema_statements:
                session.execute_write(lambda tx, s=statement: tx.run(s).consume())

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


class _Transaction:
    """The runner of one :meth:`Neo4jEngine.transaction`: every statement in it."""

    dialect: Dialect = NEO4J

    def __init__(self, tx: neo4j.Transaction, engine: Neo4jEngine) -> None:
        self._tx = tx
        self._engine = engine
        self.writes = 0  # write statements run: none, and the block changed nothing

    def run(self, query: str, params: dict[str, Any] | None = None, *, write: bool) -> list[dict]:
        """Run one statement inside the transaction (it sees the transaction's writes)."""
        self.writes += write  # reads and writes alike run in the one transaction
        return self._engine._rows(self._tx.run(query, params or {}))
