"""HTTP fixtures: the app on a real store (each engine) holding the sample portfolio; a
real `kamgraph serve --demo` and a Chromium tab on it, for the browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser

from api.service import load_sample
from graph.settings import Settings
from graph.store import open_store

from ..browser_support import Tab, browser_session
from ..conftest import api_client
from ..serve_support import Served, start_serve


@pytest.fixture
def sample_client(store_settings: Settings) -> Iterator[TestClient]:
    """The app on a store holding the sample portfolio (once per engine)."""
    with open_store(store_settings) as store:
        load_sample(store)
    with api_client(store_settings) as client:
        yield client


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    """Headless Chromium for a test module (skips, saying why, without /usr/bin/chromium).
    Not for the whole run: while Playwright's sync API is open, no other module could
    start it."""
    with browser_session() as browser:
        yield browser


@pytest.fixture
def served(data_dir: Path) -> Iterator[Served]:
    """`kamgraph serve --demo` on a free port over an embedded store of the test's own
    (the sample loaded); ``served.login_url`` is the URL it printed. A test may write more
    into the store while it runs: ``open_store(Settings(store=f"embedded:{data_dir}"))``."""
    process = start_serve(data_dir)
    try:
        yield process
    finally:
        process.stop()


@pytest.fixture
def tab(chromium: Browser, served: Served) -> Iterator[Tab]:
    """A fresh browser context (no cookies yet) with one page, on ``served`` (Chromium is
    asked for first: without it the test skips before serve starts)."""
    opened = Tab(chromium, served.base)
    try:
        yield opened
    finally:
        opened.close()
