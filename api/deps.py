"""FastAPI dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph.errors import StoreUnavailable
from graph.store import GraphStore


def get_store(request: Request) -> GraphStore:
    """The process's store (opened once in the app's lifespan); while its engine is
    known to be down, a 503 at once, saying why."""
    outage = request.app.state.outage
    if outage is not None:
        raise StoreUnavailable(f"{outage} (kamgraph is bringing it back)")
    return request.app.state.store


StoreDep = Annotated[GraphStore, Depends(get_store)]
