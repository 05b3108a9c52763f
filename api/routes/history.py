"""An account's history: what changed between two dates, and its change log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api import service
from api.auth import CallerDep
from api.deps import NOT_FOUND, AccountId, HistoryPageNumber, Since, StoreDep, Until
from graph.history import AccountDiff

router = APIRouter(tags=["history"])


@router.get("/accounts/{account_id}/changes", operation_id="account_changes", responses=NOT_FOUND)
def account_changes(
    store: StoreDep, caller: CallerDep, account_id: AccountId, since: Since, until: Until = None
) -> AccountDiff:
    """What changed on the account after ``since`` and by ``until``: the record changes,
    the health at both ends, and the coverage gaps that opened and closed."""
    return service.account_diff(store, caller, account_id, since, until).diff


@router.get("/accounts/{account_id}/history", operation_id="account_history", responses=NOT_FOUND)
def account_history(
    store: StoreDep,
    caller: CallerDep,
    account_id: AccountId,
    page: HistoryPageNumber = 1,
    per_page: Annotated[int, Query(ge=1, le=1000, description="Changes per page.")] = 50,
) -> service.HistoryPage:
    """Who changed what on the account, and when: its change log, newest first."""
    return service.account_history(store, caller, account_id, page=page, per_page=per_page)
