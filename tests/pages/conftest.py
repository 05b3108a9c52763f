"""Page fixtures: the app on a real store (each engine), driven as a browser is, with
the session cookie the login URL sets."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from api import service
from api.app import create_app
from api.service import load_sample
from graph.access import LOCAL, SERVE_ADMIN, Role
from graph.settings import Settings
from graph.store import open_store

#: A page request, as a browser sends it (errors then come as pages).
PAGE = {"Accept": "text/html"}


@dataclass
class Browser:
    """A logged-in browser session: the client (with the cookie) and its CSRF token."""

    client: TestClient
    csrf: str
    member: str
    role: Role


@contextlib.contextmanager
def logged_in(
    settings: Settings, role: Role = Role.admin, member: str = SERVE_ADMIN
) -> Iterator[Browser]:
    """Open the login URL of a fresh token for ``member`` with ``role``, as a browser."""
    with open_store(settings) as store:
        issued = service.create_token(store, LOCAL, member, role)
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        answer = client.get("/login", params={"token": issued.token}, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/"
        csrf = client.app.state.sessions.csrf(issued.record.id)
        yield Browser(client=client, csrf=csrf, member=member, role=role)


@pytest.fixture
def sample_settings(store_settings: Settings) -> Settings:
    """Settings naming a store that holds the sample portfolio (once per engine)."""
    with open_store(store_settings) as store:
        load_sample(store)
    return store_settings


@pytest.fixture
def admin(sample_settings: Settings) -> Iterator[Browser]:
    """An admin's browser on the sample portfolio."""
    with logged_in(sample_settings) as browser:
        yield browser
