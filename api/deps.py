"""FastAPI dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph.store import GraphStore


def get_store(request: Request) -> GraphStore:
    """The process's store (opened once in the app's lifespan)."""
    return request.app.state.store


StoreDep = Annotated[GraphStore, Depends(get_store)]
