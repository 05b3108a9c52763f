"""The portfolio: every account the caller sees, at once."""

from __future__ import annotations

from fastapi import APIRouter

from api import service
from api.auth import CallerDep
from api.deps import AsOf, StoreDep
from graph.portfolio import PortfolioView
from graph.portfolio.criteria import load_criteria

router = APIRouter(tags=["portfolio"])


@router.get("/portfolio", operation_id="portfolio")
def portfolio(store: StoreDep, caller: CallerDep, as_of: AsOf = None) -> PortfolioView:
    """Selection and tiers, the KAM matrix, Pareto, KAM load, revenue at risk and door
    openers over the caller's accounts on ``as_of`` (the criteria: ``kamgraph.toml`` in
    the server's working folder, read on each request, else the defaults)."""
    return service.portfolio(store, caller, as_of=as_of, criteria=load_criteria())
