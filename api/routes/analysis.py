"""One account's relationship analysis: health, threads, gaps, key people, next moves."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api import service
from api.deps import StoreDep
from graph.analysis.result import AccountAnalysis

router = APIRouter(tags=["analysis"])


@router.get("/accounts/{account_id}/analysis", operation_id="analyze_account")
def analyze_account(
    store: StoreDep,
    account_id: str,
    as_of: Annotated[
        dt.date | None,
        Query(description="Analyse the account as known on this date (default: today)."),
    ] = None,
) -> AccountAnalysis:
    """Every relationship analysis of one account on ``as_of``."""
    return service.analyze_account(store, account_id, as_of)
