"""An account's board (interactive HTML or SVG) and its review page."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from api import service
from api.auth import CallerDep
from api.deps import NOT_FOUND, AccountId, AsOf, SinceReview, StoreDep
from api.pages import VIS_URL, review_links
from visual import board_html, board_svg, review
from visual.layout import Layout

router = APIRouter(tags=["boards"])


def _headers(policy: str) -> dict[str, str]:
    """The page's own Content-Security-Policy, sent as a header too (it also covers SVG)."""
    return {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff"}


@router.get(
    "/accounts/{account_id}/board",
    operation_id="read_board",
    response_class=HTMLResponse,
    responses=NOT_FOUND,
)
def read_board(
    store: StoreDep,
    caller: CallerDep,
    account_id: AccountId,
    layout: Layout = Layout.board,
    as_of: AsOf = None,
) -> HTMLResponse:
    """The account's interactive board: one HTML page (board, org or network) drawn with
    vis-network from the app's own files (``kamgraph map -o board.html`` inlines them)."""
    page = service.account_board(
        store, caller, account_id, layout=layout, as_of=as_of, vis_url=VIS_URL
    )
    return HTMLResponse(page, headers=_headers(board_html.SERVED_CSP))


@router.get(
    "/accounts/{account_id}/board.svg",
    operation_id="read_board_svg",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {}}, "description": "The board as SVG."},
        **NOT_FOUND,
    },
)
def read_board_svg(
    store: StoreDep, caller: CallerDep, account_id: AccountId, as_of: AsOf = None
) -> Response:
    """The account's board as a static SVG (A4 landscape), for slides and print."""
    svg = service.account_board_svg(store, caller, account_id, as_of=as_of)
    return Response(svg, media_type="image/svg+xml", headers=_headers(board_svg.CSP))


@router.get(
    "/accounts/{account_id}/review",
    operation_id="read_review",
    response_class=HTMLResponse,
    responses=NOT_FOUND,
)
def read_review(
    store: StoreDep,
    caller: CallerDep,
    account_id: AccountId,
    as_of: AsOf = None,
    since: SinceReview = None,
) -> HTMLResponse:
    """The account's review page: board, health, threads, gaps, key people, next moves,
    and with ``since`` what changed since then."""
    page = service.account_review(
        store, caller, account_id, as_of=as_of, since=since, links=review_links(account_id)
    )
    return HTMLResponse(page, headers=_headers(review.CSP))
