"""The web app's pages: Jinja2 templates (autoescaped) and the static files they use.

Everything a page needs is served from here — htmx is vendored as a static file,
vis-network comes from pyvis's own copy — so the app works with no network and under a
strict Content-Security-Policy.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Final
from urllib.parse import quote

import pyvis
from fastapi import Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.types import Scope

from visual import amounts

HERE: Final = Path(__file__).parent
STATIC_DIR: Final = HERE / "static"
#: vis-network, as pyvis ships it (the offline board inlines the same file).
VIS_DIR: Final = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
#: Where the app serves it: the path names the version, so browsers may keep it for good
#: (every board page and the workspace share the one cached copy).
VIS_URL: Final = f"/static-vis/{VIS_DIR.name}"
#: Starlette's Jinja2 environment autoescapes every template: a typed name is never markup.
TEMPLATES: Final = Jinja2Templates(directory=HERE / "templates")


class ImmutableFiles(StaticFiles):
    """Static files whose URL changes with their content: cached a year, never revalidated."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response


def segment(value: str) -> str:
    """``value`` as one URL path segment (an id may hold ``/``, ``?`` or ``#``)."""
    return quote(value, safe="")


def workspace_url(account_id: str) -> str:
    """The account's workspace page."""
    return f"/ui/accounts/{segment(account_id)}"


def review_links(account_id: str) -> list[tuple[str, str]]:
    """Where the review page leads back to in the app."""
    return [
        ("Accounts", "/"),
        ("Workspace", workspace_url(account_id)),
        ("History", workspace_url(account_id) + "/history"),
    ]


def value(recorded: object) -> str:
    """A value from the change log as text: as typed, lists and records as JSON."""
    if recorded is None:
        return ""
    return recorded if isinstance(recorded, str) else json.dumps(recorded, ensure_ascii=False)


def money(amount: float | None, currency: str) -> str:
    """An amount as the portfolio page shows it: whole units, thousands grouped, with its
    currency."""
    return "—" if amount is None else amounts.money(amount, currency)


def share(fraction: float | None) -> str:
    """A share (0–1) as a percentage to one decimal."""
    return "—" if fraction is None else f"{fraction:.1%}"


def shows_page(request: Request) -> bool:
    """Whether the answer is a page a browser shows (a link followed, a form sent), not
    data for a script or an htmx fragment: errors then come as a page too."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "hx-request" not in request.headers


TEMPLATES.env.globals["vis_url"] = VIS_URL
TEMPLATES.env.filters["segment"] = segment
TEMPLATES.env.filters["value"] = value
TEMPLATES.env.filters["money"] = money
TEMPLATES.env.filters["share"] = share
