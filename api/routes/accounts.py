"""An account's whole graph, and erasing a person (the records themselves: api.routes.records)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api import service
from api.auth import CallerDep
from api.deps import NOT_FOUND, AccountId, AsOf, StakeholderId, StoreDep
from api.service import ErasureReport
from graph.store import AccountGraph

router = APIRouter(tags=["accounts"])


@router.get("/accounts/{account_id}/graph", operation_id="read_account_graph", responses=NOT_FOUND)
def read_account_graph(
    store: StoreDep, caller: CallerDep, account_id: AccountId, as_of: AsOf = None
) -> AccountGraph:
    """One account's whole graph (stakeholders, team, relationships, lines, interactions),
    now or as it was at the end of ``as_of``."""
    return service.account_graph(store, caller, account_id, as_of)


@router.post(
    "/stakeholders/{stakeholder_id}/erase", operation_id="erase_stakeholder", responses=NOT_FOUND
)
def erase_stakeholder(
    store: StoreDep,
    caller: CallerDep,
    stakeholder_id: StakeholderId,
    scrub: Annotated[
        bool, Query(description="Redact the mentions of them in other records' text.")
    ] = False,
) -> ErasureReport:
    """Erase a person (right to erasure): their record and edges, the interactions only
    they attended, their place in shared ones; list (and with ``scrub`` redact) mentions
    of them elsewhere; rewrite the engine's files; refuse them in later imports. Admins
    only (``DELETE /stakeholders/{id}`` removes a record and keeps its history)."""
    return service.erase_stakeholder(store, caller, stakeholder_id, scrub=scrub)
