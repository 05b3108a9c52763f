"""Who is asking: a bearer token or a signed session cookie → the :class:`Caller`.

Scripts send ``Authorization: Bearer TOKEN``. A browser opens the login URL once; it
sets a session cookie (signed, HttpOnly, SameSite=Strict) naming the token, so revoking
the token ends the session at the next request. A request authenticated by the cookie
that changes anything must carry the session's CSRF token (``X-CSRF-Token`` header, or
a ``csrf_token`` form field): SameSite already keeps other sites' forms out, the token
also keeps out a sibling site on the same registrable domain.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Final

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from graph.access import Caller, Role, Token, secret_hash
from graph.errors import Forbidden, Unauthenticated
from graph.store import GraphStore

SESSION_COOKIE: Final = "kamgraph_session"
CSRF_HEADER: Final = "X-CSRF-Token"
CSRF_FIELD: Final = "csrf_token"
SESSION_SECONDS: Final = 14 * 24 * 3600  # a browser logs in again after two weeks
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES: Final = ("application/x-www-form-urlencoded", "multipart/form-data")


class Sessions:
    """Signs and checks session cookies and CSRF tokens with the store's secret."""

    def __init__(self, secret: str) -> None:
        self._secret = secret.encode()
        self._serializer = URLSafeTimedSerializer(secret, salt="kamgraph-session")

    def cookie(self, token_id: str) -> str:
        """The cookie value naming a token."""
        return self._serializer.dumps(token_id)

    def token_id(self, cookie: str) -> str:
        """The token a cookie names; :class:`Unauthenticated` if forged or expired."""
        try:
            return str(self._serializer.loads(cookie, max_age=SESSION_SECONDS))
        except BadSignature as error:
            raise Unauthenticated("your session expired or is not valid: log in again") from error

    def csrf(self, token_id: str) -> str:
        """The CSRF token of a session: forms and htmx requests send it back."""
        return hmac.new(self._secret, b"csrf:" + token_id.encode(), hashlib.sha256).hexdigest()

    def set_cookie(self, response: Response, token_id: str, *, secure: bool) -> None:
        """Log the browser in as the token."""
        response.set_cookie(
            SESSION_COOKIE,
            self.cookie(token_id),
            max_age=SESSION_SECONDS,
            httponly=True,
            samesite="strict",
            secure=secure,
        )


def caller_of(store: GraphStore, token: Token) -> Caller:
    """The caller a token stands for, with the accounts its role lets it see now."""
    everything = token.role in (Role.admin, Role.leader)
    accounts = None if everything else store.team_accounts(token.member_id)
    return Caller(member_id=token.member_id, role=token.role, accounts=accounts, token_id=token.id)


def _bearer(header: str) -> str:
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthenticated("send the token as 'Authorization: Bearer TOKEN'")
    return value.strip()


async def _check_csrf(request: Request, sessions: Sessions, token_id: str) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        sent = str((await request.form()).get(CSRF_FIELD) or "")
    if not sent or not hmac.compare_digest(sent, sessions.csrf(token_id)):
        raise Forbidden("the form's CSRF token is missing or stale: reload the page and retry")


async def current_caller(request: Request, store: StoreDep) -> Caller:
    """The caller of this request; :class:`Unauthenticated` (401) without valid
    credentials, :class:`Forbidden` (403) for a cookie-borne change without CSRF token."""
    header = request.headers.get("authorization")
    if header is not None:
        token = await run_in_threadpool(store.token_by_hash, secret_hash(_bearer(header)))
        if token is None:
            raise Unauthenticated("the token is unknown or was revoked")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise Unauthenticated(
                "log in: open the login URL kamgraph serve printed, or send "
                "'Authorization: Bearer TOKEN'"
            )
        sessions: Sessions = request.app.state.sessions
        token = await run_in_threadpool(store.token_by_id, sessions.token_id(cookie))
        if token is None:
            raise Unauthenticated("your session ended (its token was revoked): log in again")
        if request.method not in SAFE_METHODS:
            await _check_csrf(request, sessions, token.id)
    caller = await run_in_threadpool(caller_of, store, token)
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(current_caller)]


def admin_caller(caller: CallerDep) -> Caller:
    """The caller, if an admin (403 otherwise) — resolved before the body is read, so a
    non-admin learns nothing from a validation error."""
    caller.check_admin()
    return caller


AdminDep = Annotated[Caller, Depends(admin_caller)]
