"""One exception hierarchy for kamgraph, translated only at the edges (HTTP, CLI)."""

from __future__ import annotations

import datetime as dt


class KamgraphError(Exception):
    """Base of every error kamgraph raises on purpose."""


class ConfigError(KamgraphError):
    """The settings (store URI, data folder, credentials) are unusable."""


class StoreUnavailable(KamgraphError):
    """The graph engine cannot be started or reached; the message names where and why."""


class NotFound(KamgraphError):
    """A record the caller named does not exist."""

    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__(f"no {kind} with id {record_id!r}")
        self.kind = kind
        self.record_id = record_id


class AlreadyExists(KamgraphError):
    """A record to create has the id (or key) of one that is stored."""

    def __init__(self, kind: str, record_id: str) -> None:
        super().__init__(f"a {kind} with id {record_id!r} already exists")
        self.kind = kind
        self.record_id = record_id


class Unauthenticated(KamgraphError):
    """The request carries no credentials, or ones kamgraph does not know (or revoked)."""


class Forbidden(KamgraphError):
    """The caller may see the record but their role does not let them do this."""


class VersionRequired(KamgraphError):
    """A change to a record must name the version it was made against (``If-Match``)."""


class VersionConflict(KamgraphError):
    """The record changed since the version the caller named: their change would lose it."""

    def __init__(self, kind: str, record_id: str, current: str) -> None:
        super().__init__(
            f"the {kind} {record_id!r} changed since you read it: it is now version {current}; "
            "read it again and re-apply your change"
        )
        self.current = current


class Problem(str):
    """One problem of :class:`InvalidData`: its message (imports print it as it is), and
    the record field it is about, where one is known (``account_id``, ``member_ids``).

    >>> p = Problem("stakeholder 'x': unknown account 'y'", "account_id")
    >>> p == "stakeholder 'x': unknown account 'y'", p.field
    (True, 'account_id')
    """

    field: str | None

    def __new__(cls, message: str, field: str | None = None) -> Problem:
        problem = super().__new__(cls, message)
        problem.field = field
        return problem


class InvalidData(KamgraphError):
    """Input failed validation; ``problems`` lists every problem, each naming where it is."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        head = f"{source}: " if source else ""
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{head}{count}:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems
        self.source = source


class NotRecorded(NotFound):
    """An account read as of a date before its history starts (it is not there yet)."""

    def __init__(self, account_id: str, first: dt.date, as_of: dt.date) -> None:
        super().__init__("account", account_id)
        self.args = (
            f"account {account_id!r} was not recorded by {as_of.isoformat()}: "
            f"its history starts on {first.isoformat()}",
        )
        self.first = first
        self.as_of = as_of
