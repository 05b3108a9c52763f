"""The web app's pages: the index of accounts, each account's workspace and history, the
portfolio, and token management. Every route renders what a service call answers; none
holds logic."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup

from api import records, service, workspace
from api.auth import AdminDep, CallerDep, Sessions
from api.deps import AccountId, AsOf, HistoryPageNumber, Search, StakeholderId, StoreDep
from api.pages import TEMPLATES
from api.pages import portfolio as table
from graph.access import Caller, Role
from graph.errors import AlreadyExists, InvalidData, NotFound, VersionConflict
from graph.model import Channel, DmuRole, Id, Line, RelationshipLevel, Stance
from graph.portfolio.criteria import load_criteria
from visual import board_html, portfolio_svg
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
def workspace_page(
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
    page: HistoryPageNumber = 1,
) -> HTMLResponse:
    """The account's change log, newest first, a page at a time."""
    log = service.account_history(store, caller, account_id, page=page, per_page=HISTORY_PER_PAGE)
    account = service.account_graph(store, caller, account_id).account
    context = {"history": log, "account": account, "nav": "accounts"}
    return render(request, caller, "history.html", context)


@router.get("/ui/portfolio", response_class=HTMLResponse)
def portfolio(
    request: Request,
    store: StoreDep,
    caller: CallerDep,
    as_of: AsOf = None,
    sort: table.Sort = table.DEFAULT_SORT,
) -> HTMLResponse:
    """Every account the caller sees at once, on ``as_of``: the sortable table, the KAM
    matrix, Pareto, KAM load, revenue at risk and door openers (the criteria as
    ``GET /portfolio`` reads them: a bad file is a page naming each problem)."""
    try:
        criteria = load_criteria()
    except InvalidData as error:
        context = {
            "title": "The portfolio's criteria file has problems",
            "problem": "Fix them and reload the page:",
            "problems": error.problems,
        }
        return render(request, caller, "error.html", context, status_code=422)
    view = service.portfolio(store, caller, as_of=as_of, criteria=criteria)
    context = {
        "view": view,
        "rows": table.sort_rows(view.accounts, sort, list(criteria.selection.tiers)),
        "columns": table.COLUMNS,
        "sort": sort,
        "link": table.link,
        "as_of": as_of,
        "names": {a.account_id: a.name for a in view.accounts},
        "matrix": Markup(portfolio_svg.matrix(view)),  # escaped by visual/ as it is drawn
        "pareto": Markup(portfolio_svg.pareto(view)),
        "nav": "portfolio",
    }
    return render(request, caller, "portfolio.html", context)


@router.get("/ui/tokens", response_class=HTMLResponse)
def tokens(request: Request, store: StoreDep, caller: AdminDep) -> HTMLResponse:
    """Every token, and the form that issues one (admins only)."""
    return _tokens_page(request, store, caller)


@router.post("/ui/tokens", response_class=HTMLResponse)
def issue_token(
    request: Request,
    store: StoreDep,
    caller: AdminDep,
    member_id: Annotated[Id, Form()],
    role: Annotated[Role, Form()],
    label: Annotated[Line | None, Form()] = None,
) -> HTMLResponse:
    """Issue a token; the page shows its secret and login URL this once."""
    issued = service.create_token(store, caller, member_id, role, label or None)
    return _tokens_page(request, store, caller, issued, status_code=201)


@router.post("/ui/tokens/{token_id}/revoke")
def revoke_token(store: StoreDep, caller: AdminDep, token_id: TokenId) -> RedirectResponse:
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


# --- the workspace panel ------------------------------------------------------------------

STALE = "changed by someone else since you opened it — reloaded"
BOARD_CHANGED = {"HX-Trigger": "board-changed"}


@router.get("/ui/accounts/{account_id}/stakeholders/{stakeholder_id}", response_class=HTMLResponse)
def stakeholder_panel(
    request: Request,
    store: StoreDep,
    caller: CallerDep,
    account_id: AccountId,
    stakeholder_id: StakeholderId,
) -> HTMLResponse:
    """The panel that edits one stakeholder (an htmx fragment)."""
    return _panel(request, store, caller, account_id, stakeholder_id)


def writable_stakeholder(
    store: StoreDep, caller: CallerDep, account_id: AccountId, stakeholder_id: StakeholderId
) -> None:
    """A panel form's access check, from the path and before the form is read: 404 unless
    the stakeholder is on the account and the caller sees it, 403 if they only read it."""
    records.authorize(store, caller, "stakeholders", (stakeholder_id,), "update")
    if store.stakeholder_account(stakeholder_id) != account_id:
        raise NotFound("stakeholder", stakeholder_id)


PANEL = "/ui/accounts/{account_id}/stakeholders/{stakeholder_id}"
PANEL_WRITE = [Depends(writable_stakeholder)]


@router.post(PANEL, dependencies=PANEL_WRITE)
def save_stakeholder(
    request: Request,
    store: StoreDep,
    caller: CallerDep,
    account_id: AccountId,
    stakeholder_id: StakeholderId,
    form: Annotated[workspace.StakeholderForm, Form()],
) -> HTMLResponse:
    """Save the stakeholder's roles, stance, influence and notes."""
    return _save(
        request, store, caller, account_id, stakeholder_id,
        lambda: workspace.edit_stakeholder(store, caller, stakeholder_id, form),
    )  # fmt: skip


@router.post(PANEL + "/owner", dependencies=PANEL_WRITE)
def save_owner(
    request: Request,
    store: StoreDep,
    caller: CallerDep,
    account_id: AccountId,
    stakeholder_id: StakeholderId,
    form: Annotated[workspace.OwnerForm, Form()],
) -> HTMLResponse:
    """Assign, change or unassign the stakeholder's owner."""
    return _save(
        request, store, caller, account_id, stakeholder_id,
        lambda: workspace.set_owner(store, caller, stakeholder_id, form),
    )  # fmt: skip


@router.post(PANEL + "/relationships", dependencies=PANEL_WRITE)
def save_relationship(
    request: Request,
    store: StoreDep,
    caller: CallerDep,
    account_id: AccountId,
    stakeholder_id: StakeholderId,
    form: Annotated[workspace.RelationshipForm, Form()],
) -> HTMLResponse:
    """Rate a relationship of ours with the stakeholder (strength, current and desired level)."""
    return _save(
        request, store, caller, account_id, stakeholder_id,
        lambda: workspace.rate(store, caller, stakeholder_id, form),
    )  # fmt: skip


@router.post(PANEL + "/interactions", dependencies=PANEL_WRITE)
def save_interaction(
    request: Request,
    store: StoreDep,
    caller: CallerDep,
    account_id: AccountId,
    stakeholder_id: StakeholderId,
    form: Annotated[workspace.InteractionForm, Form()],
) -> HTMLResponse:
    """Log a call, e-mail or meeting with the stakeholder."""
    return _save(
        request, store, caller, account_id, stakeholder_id,
        lambda: workspace.log_interaction(store, caller, account_id, stakeholder_id, form),
    )  # fmt: skip


def _save(
    request: Request,
    store: StoreDep,
    caller: Caller,
    account_id: str,
    stakeholder_id: str,
    write: Callable[[], None],
) -> HTMLResponse:
    """Run a panel form's write and answer the panel as stored now: saved (the board
    redraws), stale (412: the fresh values, nothing overwritten) or refused (422, the
    problems listed)."""
    try:
        write()
    except (VersionConflict, AlreadyExists):  # someone saved the record (or made it) first
        return _panel(
            request, store, caller, account_id, stakeholder_id,
            notice=STALE, stale=True, status_code=412, headers=BOARD_CHANGED,
        )  # fmt: skip
    except InvalidData as error:
        return _panel(
            request, store, caller, account_id, stakeholder_id,
            problems=error.problems, status_code=422,
        )  # fmt: skip
    return _panel(
        request, store, caller, account_id, stakeholder_id, notice="Saved.", headers=BOARD_CHANGED
    )


def _panel(
    request: Request,
    store: StoreDep,
    caller: Caller,
    account_id: str,
    stakeholder_id: str,
    *,
    notice: str | None = None,
    stale: bool = False,
    problems: list[str] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    context = {
        "panel": workspace.panel(store, caller, account_id, stakeholder_id),
        "notice": notice,
        "stale": stale,
        "problems": problems or [],
        "stances": list(Stance),
        "dmu_roles": list(DmuRole),
        "levels": list(RelationshipLevel),
        "channels": list(Channel),
        "today": dt.date.today().isoformat(),
    }
    return render(request, caller, "_panel.html", context, status_code=status_code, headers=headers)
