"""Accounts and their stakeholders: list, read one account's graph, erase a person."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import NOT_FOUND, AccountId, Search, StakeholderId, StoreDep
from graph.store import AccountGraph, AccountSummary

router = APIRouter(tags=["accounts"])


@router.get("/accounts", operation_id="list_accounts")
def list_accounts(store: StoreDep, q: Search = None) -> list[AccountSummary]:
    """Accounts by name, optionally those whose name or id contains ``q``."""
    return store.list_accounts(q)


@router.get("/accounts/{account_id}", operation_id="read_account", responses=NOT_FOUND)
def read_account(store: StoreDep, account_id: AccountId) -> AccountGraph:
    """One account's whole graph: stakeholders, team, relationships, lines, interactions."""
    return store.account_graph(account_id)


@router.delete(
    "/stakeholders/{stakeholder_id}", operation_id="erase_stakeholder", responses=NOT_FOUND
)
def erase_stakeholder(store: StoreDep, stakeholder_id: StakeholderId) -> dict[str, int]:
    """Erase a stakeholder with every edge and every interaction that names them."""
    return {"interactions_deleted": store.erase_stakeholder(stakeholder_id)}
