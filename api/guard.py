"""What every answer carries and every request is held to: security headers, a body limit.

Pure ASGI middleware (no buffering of streamed answers): the headers are added to the
response start message; a body larger than the limit is refused with 413 before the
route reads it, whether it declares its length or streams in chunks.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from pathlib import Path
from typing import Final

import fastapi_offline
from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Swagger UI's files, from the fastapi-offline package (no CDN).
DOCS_ASSETS: Final = Path(fastapi_offline.__file__).parent / "static"
#: For pages that set no policy of their own: only this origin's scripts and styles.
DEFAULT_CSP: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HEADERS: Final = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",  # the login URL's token never leaves in a Referer
    b"x-frame-options": b"DENY",
    b"cross-origin-opener-policy": b"same-origin",
}
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


class SecurityHeaders:
    """CSP, nosniff, no framing, no referrer on every answer; a route's own CSP is kept
    and gets ``frame-ancestors 'none'`` added."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [(k.lower(), v) for k, v in message.get("headers", [])]
                names = {k for k, _ in headers}
                for name, value in HEADERS.items():
                    if name not in names:
                        headers.append((name, value))
                csp = [v for k, v in headers if k == b"content-security-policy"]
                headers = [(k, v) for k, v in headers if k != b"content-security-policy"]
                policy = csp[0].decode() if csp else DEFAULT_CSP
                if "frame-ancestors" not in policy:
                    policy += "; frame-ancestors 'none'"
                headers.append((b"content-security-policy", policy.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Starlette's 500 is sent from outside every middleware: send it from here,
            # with the headers (Starlette then sees the answer started and only re-raises).
            if not started:
                await send_with_headers(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send_with_headers(
                    {"type": "http.response.body", "body": b"Internal Server Error"}
                )
            raise


class BodyLimit:
    """413 for a request body over ``max_bytes`` (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(send)
            return
        seen = 0
        refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # Answered here: the app may turn the error into its own answer (FastAPI
                    # makes any failure while reading a body a 400 "error parsing the body").
                    if not refused:
                        refused = True
                        await self._refuse(send)
                    raise _TooLarge
            return message

        async def unless_refused(message: Message) -> None:
            if not refused:
                await send(message)

        try:
            await self.app(scope, counted, unless_refused)
        except Exception:
            if not refused:  # after the 413, whatever the cut-off body led to is moot
                raise

    async def _refuse(self, send: Send) -> None:
        body = json.dumps(
            {
                "detail": f"the request body is over the limit of {self.max_bytes // 1024} KiB "
                "(KAMGRAPH_MAX_REQUEST_KB)"
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    """A streamed body passed the limit (caught by :class:`BodyLimit`)."""


def wants_page(request: Request) -> bool:
    """Whether a browser asked for a page (an answer it shows), not a script for data."""
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")


def with_inline_script_csp(page: HTMLResponse) -> HTMLResponse:
    """A page whose own inline scripts (and only those) may run: their hashes in its CSP."""
    text = bytes(page.body).decode()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
        for code in _INLINE_SCRIPT.findall(text)
    )
    page.headers["content-security-policy"] = DEFAULT_CSP.replace(
        "script-src 'self'", f"script-src 'self' {hashes}"
    )
    return page


_TOKEN_IN_QUERY = re.compile(r"([?&]token=)[^&\s]*")


class RedactTokens(logging.Filter):
    """Keep tokens out of the access log: the login URL carries one in its query, and a
    log is read by more people than the tokens are meant for."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _TOKEN_IN_QUERY.sub(r"\1[redacted]", a) if isinstance(a, str) else a
                for a in record.args
            )
        return True


def redact_access_log() -> None:
    """Install :class:`RedactTokens` on uvicorn's access log (once per process)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactTokens) for f in access.filters):
        access.addFilter(RedactTokens())
