"""Logging a browser in and out: the login URL sets the session cookie."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from api.auth import SESSION_COOKIE, CallerDep, Sessions
from api.deps import StoreDep
from api.pages import TEMPLATES
from graph.access import secret_hash
from graph.errors import Unauthenticated

router = APIRouter(tags=["session"], include_in_schema=False)

TokenQuery = Annotated[str | None, Query(max_length=200, description="A kamgraph token.")]


async def _log_in(request: Request, store: StoreDep, secret: str) -> RedirectResponse:
    token = await run_in_threadpool(store.token_by_hash, secret_hash(secret.strip()))
    if token is None:
        raise Unauthenticated("the token is unknown or was revoked")
    sessions: Sessions = request.app.state.sessions
    # 303: the browser GETs the index, and the token leaves the address bar and history.
    response = RedirectResponse("/", status_code=303)
    sessions.set_cookie(response, token.id, secure=request.url.scheme == "https")
    return response


@router.get("/login", response_class=HTMLResponse, response_model=None)
async def login(
    request: Request, store: StoreDep, token: TokenQuery = None
) -> RedirectResponse | HTMLResponse:
    """With ``?token=``: log in and go to the index. Without: the page to paste one."""
    if token:
        return await _log_in(request, store, token)
    return login_page(request)


def login_page(
    request: Request, problem: str | None = None, status_code: int = 200
) -> HTMLResponse:
    """The login page, saying what went wrong when there is something to say; as a 401,
    it names the scheme to log in with, as every 401 must (RFC 9110)."""
    page = TEMPLATES.TemplateResponse(
        request, "login.html", {"problem": problem}, status_code=status_code
    )
    if status_code == 401:
        page.headers["WWW-Authenticate"] = "Bearer"
    return page


@router.post("/login", response_class=HTMLResponse, response_model=None)
async def login_form(
    request: Request, store: StoreDep, token: Annotated[str, Form(max_length=200)]
) -> RedirectResponse | HTMLResponse:
    """The login page's form; a wrong token gets the page again, saying so."""
    try:
        return await _log_in(request, store, token)
    except Unauthenticated as error:
        return login_page(request, str(error), status_code=401)


@router.post("/logout")
async def logout(_: CallerDep) -> RedirectResponse:
    """End the browser's session (the token stays valid; revoke it to end every session)."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="strict")
    return response
