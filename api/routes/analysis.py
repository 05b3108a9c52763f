"""One account's relationship analysis: health, threads, gaps, key people, next moves."""

from __future__ import annotations

from fastapi import APIRouter

from api import service
from api.auth import CallerDep
from api.deps import NOT_FOUND, AccountId, AsOf, StoreDep
from graph.analysis.result import AccountAnalysis

router = APIRouter(tags=["analysis"])


@router.get("/accounts/{account_id}/analysis", operation_id="analyze_account", responses=NOT_FOUND)
def analyze_account(
    store: StoreDep, caller: CallerDep, account_id: AccountId, as_of: AsOf = None
) -> AccountAnalysis:
    """Every relationship analysis of one account on ``as_of``."""
    return service.analyze_account(store, caller, account_id, as_of)
