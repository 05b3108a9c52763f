"""Who may see and change what: roles, API tokens, and the caller every service call serves.

A token belongs to one team member and carries one role:

- ``admin`` — every account, and the tokens;
- ``leader`` — reads every account;
- ``kam`` — reads and writes the accounts where the member is on the account team;
- ``viewer`` — reads those.

Tokens are random and shown once; the store keeps only their SHA-256 (a 256-bit random
secret needs no slow hash: nothing about it can be guessed). Visibility is a filter:
an account the caller may not see raises the same :class:`~graph.errors.NotFound` as
one that does not exist, so a caller never learns it is there.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from pydantic import BaseModel

from graph.errors import Forbidden, NotFound

#: Every token starts so, which makes one recognisable in a log or a secret scanner.
TOKEN_PREFIX: Final = "kg_"
#: The member id of the admin token ``kamgraph serve`` prints at start (no team member).
SERVE_ADMIN: Final = "admin"
SERVE_LABEL: Final = "serve login"


class Role(StrEnum):
    """What a token lets its holder do."""

    admin = "admin"
    leader = "leader"
    kam = "kam"
    viewer = "viewer"


class Token(BaseModel):
    """A token as the store keeps it and lists it: never the secret itself."""

    id: str
    member_id: str
    role: Role
    label: str | None = None
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


def new_secret() -> str:
    """A fresh token: 256 random bits, URL-safe (it travels in the login URL)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def secret_hash(secret: str) -> str:
    """What the store keeps of a token."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Caller:
    """Who is asking: a token's member and role, and the accounts they may see.

    ``accounts`` is None for the roles that see every account (admin, leader); otherwise
    the accounts whose team the member is on, read when the request came in.
    """

    member_id: str
    role: Role
    accounts: frozenset[str] | None
    token_id: str | None = None

    @property
    def actor(self) -> str:
        """The name history records for this caller's changes."""
        return self.member_id

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    def sees(self, account_id: str) -> bool:
        """Whether the caller may read the account (and anything on it)."""
        return self.accounts is None or account_id in self.accounts

    def may_write(self, account_id: str) -> bool:
        """Whether the caller may change the account (and anything on it)."""
        if self.role is Role.admin:
            return True
        return self.role is Role.kam and self.sees(account_id)

    def check_read(
        self, account_id: str, kind: str = "account", record_id: str | None = None
    ) -> None:
        """Raise NotFound — exactly as for a missing record — unless the caller sees it."""
        if not self.sees(account_id):
            raise NotFound(kind, record_id if record_id is not None else account_id)

    def check_write(
        self, account_id: str, kind: str = "account", record_id: str | None = None
    ) -> None:
        """NotFound when the caller cannot see the account; Forbidden when they may only
        read it."""
        self.check_read(account_id, kind, record_id)
        if not self.may_write(account_id):
            raise Forbidden(f"a {self.role.value} may not change account {account_id!r}")

    def check_admin(self) -> None:
        """Forbidden unless the caller is an admin."""
        if not self.is_admin:
            raise Forbidden(f"only an admin may do this (you are a {self.role.value})")

    def check_writer(self) -> None:
        """Forbidden unless the caller may write somewhere (admin or kam): for creating
        shared records such as competitors."""
        if self.role not in (Role.admin, Role.kam):
            raise Forbidden(f"a {self.role.value} may not change records")


#: The caller the CLI acts as: the machine's owner, who can do everything.
LOCAL: Final = Caller(member_id="kamgraph", role=Role.admin, accounts=None)
