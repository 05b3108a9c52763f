"""The web app's pages: the index of accounts, each account's workspace and history, and
token management. Every route renders what a service call answers; none holds logic."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from api import service
from api.auth import CallerDep, Sessions
from api.deps import AccountId, Search, StoreDep
from api.pages import TEMPLATES
from graph.access import Caller, Role
from graph.model import Id, Line
from visual import board_html
from visual.board import STANCE_COLOURS

router = APIRouter(include_in_schema=False)
HISTORY_PER_PAGE = 50
TokenId = Annotated[str, Path(description="The token's id.", max_length=64)]


def render(
    request: Request,
    caller: Caller,
    name: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page (or fragment) with what every page shows: who is in, and the CSRF token
    its forms send back."""
    sessions: Sessions = request.app.state.sessions
    csrf = sessions.csrf(caller.token_id) if caller.token_id else ""
    return TEMPLATES.TemplateResponse(
        request,
        name,
        {"caller": caller, "csrf": csrf, **context},
        status_code=status_code,
        headers=headers,
    )


@router.get("/", response_class=HTMLResponse)
def index(request: Request, store: StoreDep, caller: CallerDep, q: Search = None) -> HTMLResponse:
    """The accounts the caller may see, with how each stands; the search box narrows them."""
    rows = service.account_index(store, caller, q)
    return render(request, caller, "index.html", {"rows": rows, "q": q, "nav": "accounts"})


@router.get("/ui/accounts/{account_id}", response_class=HTMLResponse)
def workspace(
    request: Request, store: StoreDep, caller: CallerDep, account_id: AccountId
) -> HTMLResponse:
    """The account's board beside the panel that edits the stakeholder clicked."""
    data = service.account_board_data(store, caller, account_id)
    context = {"data": data, "stance_colours": list(STANCE_COLOURS.items()), "nav": "accounts"}
    return render(request, caller, "workspace.html", context)


@router.get("/ui/accounts/{account_id}/board.json")
def workspace_board(store: StoreDep, caller: CallerDep, account_id: AccountId) -> JSONResponse:
    """The workspace board's data now (the page redraws from it after a change)."""
    return JSONResponse(service.account_board_data(store, caller, account_id))


@router.get("/ui/board.js")
def board_script() -> Response:
    """The board's drawing code, the offline board's own, as a script file."""
    return Response(board_html.DRAW_SCRIPT, media_type="text/javascript")


@router.get("/ui/accounts/{account_id}/history", response_class=HTMLResponse)
def history(
    request: Request,
    store: StoreDep,
    caller: CallerDep,
    account_id: AccountId,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """The account's change log, newest first, a page at a time."""
    log = service.account_history(store, caller, account_id, page=page, per_page=HISTORY_PER_PAGE)
    account = service.account_graph(store, caller, account_id).account
    context = {"history": log, "account": account, "nav": "accounts"}
    return render(request, caller, "history.html", context)


@router.get("/ui/tokens", response_class=HTMLResponse)
def tokens(request: Request, store: StoreDep, caller: CallerDep) -> HTMLResponse:
    """Every token, and the form that issues one (admins only)."""
    return _tokens_page(request, store, caller)


@router.post("/ui/tokens", response_class=HTMLResponse)
def issue_token(
    request: Request,
    store: StoreDep,
    caller: CallerDep,
    member_id: Annotated[Id, Form()],
    role: Annotated[Role, Form()],
    label: Annotated[Line | None, Form()] = None,
) -> HTMLResponse:
    """Issue a token; the page shows its secret and login URL this once."""
    issued = service.create_token(store, caller, member_id, role, label or None)
    return _tokens_page(request, store, caller, issued, status_code=201)


@router.post("/ui/tokens/{token_id}/revoke")
def revoke_token(store: StoreDep, caller: CallerDep, token_id: TokenId) -> RedirectResponse:
    """Revoke a token, then back to the list."""
    service.revoke_token(store, caller, token_id)
    return RedirectResponse("/ui/tokens", status_code=303)


def _tokens_page(
    request: Request,
    store: StoreDep,
    caller: Caller,
    issued: service.IssuedToken | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "tokens": service.list_tokens(store, caller),
        "roles": list(Role),
        "issued": issued,
        "login_url": f"{request.base_url}login?token={issued.token}" if issued else None,
        "nav": "tokens",
    }
    return render(request, caller, "tokens.html", context, status_code=status_code)
