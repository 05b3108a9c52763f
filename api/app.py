"""The FastAPI app: one store per process, opened in the lifespan, routes by resource."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.deps import StoreDep
from api.routes import accounts, analysis, boards
from graph.errors import ConfigError, InvalidData, KamgraphError, NotFound, StoreUnavailable
from graph.settings import Settings
from graph.store import open_store

#: HTTP status per error kind; anything else is a bug, not an "unknown error" 500.
STATUS: dict[type[KamgraphError], int] = {
    NotFound: 404,
    InvalidData: 422,
    ConfigError: 500,
    StoreUnavailable: 503,
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the store opens at start-up and closes at shutdown."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings or Settings.from_env())
        app.state.store = store
        try:
            yield
        finally:
            store.close()

    app = FastAPI(
        title="kamgraph",
        summary="Relationship maps for key account management.",
        version="0.1.0",
        lifespan=lifespan,
    )

    @app.exception_handler(KamgraphError)
    async def kamgraph_error(_: Request, error: KamgraphError) -> JSONResponse:
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        body: dict[str, object] = {"detail": str(error)}
        if isinstance(error, InvalidData):
            body["problems"] = error.problems
        return JSONResponse(status_code=status, content=body)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        """FastAPI's 422 body without the rejected input: a 100 KB id is not echoed back."""
        problems = [{"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in error.errors()]
        return JSONResponse(status_code=422, content={"detail": problems})

    @app.get("/health", operation_id="health")
    def health(store: StoreDep) -> dict[str, str]:
        """Liveness plus which engine answers (never where its files are)."""
        return {"status": "ok", "engine": store.engine.dialect.name}

    app.include_router(accounts.router)
    app.include_router(analysis.router)
    app.include_router(boards.router)
    return app
