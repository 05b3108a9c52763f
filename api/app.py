"""The FastAPI app: one store per process, opened in the lifespan, routes by resource.

While it serves, a watchdog asks the engine every second whether it answers; when it
does not (the embedded engine was killed, Neo4j went away) it starts the engine again
or waits for Neo4j, so serve carries on without a restart. Meanwhile ``/health`` and
every data route answer 503 with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from fastapi import FastAPI, Request, Response
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from api import cache, guard
from api.auth import CallerDep, Sessions, current_caller
from api.deps import UNPROCESSABLE, get_store
from api.pages import STATIC_DIR, TEMPLATES, VIS_DIR, VIS_URL, ImmutableFiles, routes, shows_page
from api.routes import accounts, analysis, boards, history, portfolio, records, session, tokens
from graph.errors import (
    AlreadyExists,
    ConfigError,
    Forbidden,
    InvalidData,
    KamgraphError,
    NotFound,
    StoreUnavailable,
    Unauthenticated,
    VersionConflict,
    VersionRequired,
)
from graph.settings import Settings
from graph.store import GraphStore, open_store

#: HTTP status per error kind; anything else is a bug, not an "unknown error" 500.
STATUS: dict[type[KamgraphError], int] = {
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    AlreadyExists: 409,
    VersionConflict: 412,
    InvalidData: 422,
    VersionRequired: 428,
    ConfigError: 500,
    StoreUnavailable: 503,
}
#: Host headers always answered: the machine itself (IPv6 literals come bracketed).
LOOPBACK_HOSTS: Final = ("localhost", "127.0.0.1", "[::1]")
#: The routes open to callers without credentials (their 422s need none either).
OPEN_PATHS: Final = frozenset({"/health", "/login"})
WATCH_INTERVAL: Final = 1.0  # seconds between the watchdog's checks of the engine
log = logging.getLogger("kamgraph")


async def _watch_engine(app: FastAPI, store: GraphStore) -> None:
    """Check the engine every second; when it does not answer, bring it back (saying so
    on stderr once per outage, not once per second)."""
    said = False
    while True:
        await asyncio.sleep(WATCH_INTERVAL)
        try:
            await run_in_threadpool(store.engine.ping)
        except StoreUnavailable as error:
            app.state.outage = str(error)
            if not said:
                log.warning("%s; bringing it back", error)
                said = True
            try:
                await run_in_threadpool(store.engine.recover)
            except StoreUnavailable:
                continue
        if said:
            log.warning("the engine answers again")
            said = False
        app.state.outage = None


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the store opens at start-up and closes at shutdown.

    Only requests naming a loopback host or one of ``settings.allowed_hosts`` are
    answered (400 otherwise), so a web page on a rebound DNS name cannot reach it.
    """
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        guard.redact_access_log()
        store = open_store(settings)
        cache.RESULTS.budget = settings.cache_bytes
        app.state.store = store
        app.state.sessions = Sessions(store.session_secret())
        # Why the engine is known to be down (None while it answers): data routes then
        # answer 503 at once instead of waiting on a driver's retries.
        app.state.outage = None
        watchdog = asyncio.create_task(_watch_engine(app, store))
        try:
            yield
        finally:
            watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watchdog
            store.close()

    app = FastAPI(
        responses=UNPROCESSABLE,
        title="kamgraph",
        summary="Relationship maps for key account management.",
        version="0.1.0",
        lifespan=lifespan,
        # Both behind login, served from the package (no CDN): see the routes below.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    # Each one added wraps those before it: the headers go outermost, so the host check's
    # 400 and the size limit's 413 carry them too.
    app.add_middleware(guard.BodyLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(
        TrustedHostMiddleware, allowed_hosts=[*LOOPBACK_HOSTS, *settings.allowed_hosts]
    )
    app.add_middleware(guard.SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount(VIS_URL, ImmutableFiles(directory=VIS_DIR), name="static-vis")
    app.mount("/static-docs", StaticFiles(directory=guard.DOCS_ASSETS), name="static-docs")

    @app.exception_handler(KamgraphError)
    async def kamgraph_error(request: Request, error: KamgraphError) -> Response:
        status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
        if isinstance(error, Unauthenticated) and guard.wants_page(request):
            return session.login_page(request, str(error), status_code=401)
        if isinstance(error, Forbidden | NotFound) and shows_page(request):
            title = "Not allowed" if isinstance(error, Forbidden) else "Not found"
            context = {"title": title, "problem": str(error)}
            return TEMPLATES.TemplateResponse(request, "error.html", context, status_code=status)
        body: dict[str, object] = {"detail": str(error)}
        headers: dict[str, str] = {}
        if isinstance(error, InvalidData):
            body["problems"] = [
                {"field": getattr(problem, "field", None), "msg": str(problem)}
                for problem in error.problems
            ]
        if isinstance(error, Unauthenticated):
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(error, VersionConflict):
            body["current_version"] = error.current
            headers["ETag"] = f'"{error.current}"'
        return JSONResponse(status_code=status, content=body, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> Response:
        """FastAPI's 422 body without the rejected input (a 100 KB id is not echoed back);
        but first the credentials, as for every other answer: FastAPI decodes a JSON body
        before the route's dependencies run, so its 422 would come before their 401."""
        if request.url.path not in OPEN_PATHS:
            try:
                await current_caller(request, get_store(request))
            except KamgraphError as refused:
                return await kamgraph_error(request, refused)
        problems = [{"loc": e["loc"], "msg": e["msg"], "type": e["type"]} for e in error.errors()]
        return JSONResponse(status_code=422, content={"detail": problems})

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        """A body FastAPI cannot even decode (not UTF-8) is malformed JSON like any other:
        a 422, not its undeclared 400 "error parsing the body"."""
        if error.status_code == 400 and isinstance(error.__cause__, UnicodeDecodeError):
            problem = {"loc": ("body",), "msg": "the body is not UTF-8", "type": "json_invalid"}
            return await invalid_request(request, RequestValidationError([problem]))
        return await http_exception_handler(request, error)

    @app.get(
        "/health",
        operation_id="health",
        responses={503: {"description": "The engine does not answer; `detail` says why."}},
    )
    def health(request: Request, response: Response) -> dict[str, str]:
        """Whether the engine answers now, and which engine (never where its files are);
        503 with the reason while it is down or being brought back."""
        store: GraphStore = request.app.state.store
        engine = store.engine.dialect.name
        try:
            store.engine.ping()
        except StoreUnavailable as error:
            request.app.state.outage = str(error)
            response.status_code = 503
            return {"status": "unavailable", "engine": engine, "detail": str(error)}
        request.app.state.outage = None
        return {"status": "ok", "engine": engine}

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(_: CallerDep) -> dict:
        """The API's schema (behind login, like everything but /health)."""
        return app.openapi()

    @app.get("/docs", include_in_schema=False)
    def docs(_: CallerDep) -> HTMLResponse:
        """Swagger UI, from the package's own files; "Authorize" takes a token."""
        page = get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="kamgraph API",
            swagger_js_url="/static-docs/swagger-ui-bundle.js",
            swagger_css_url="/static-docs/swagger-ui.css",
            swagger_favicon_url="/static-docs/favicon.png",
        )
        return guard.with_inline_script_csp(page)

    app.include_router(session.router)
    app.include_router(tokens.router)
    app.include_router(accounts.router)
    app.include_router(records.router)
    app.include_router(analysis.router)
    app.include_router(boards.router)
    app.include_router(history.router)
    app.include_router(portfolio.router)
    app.include_router(routes.router)
    return app
