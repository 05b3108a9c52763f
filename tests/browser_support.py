"""Browser tests: Playwright for Python driving Debian's Chromium by its path (no browser
is ever downloaded), against a real `kamgraph serve` process.

``browser_session()`` starts Chromium once; ``Tab`` is a fresh browser context (its own
cookie jar) with one page that records every dialog, page error and console error, so a
test can assert nothing ran that should not have. The fixtures in tests/api/conftest.py
put them together with :func:`~tests.serve_support.start_serve`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Dialog,
    Page,
    Response,
    sync_playwright,
)

CHROMIUM: Final = Path("/usr/bin/chromium")
CHROMIUM_ARGS: Final = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_chromium() -> None:
    """Skip, saying why, where Debian's Chromium is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"{CHROMIUM} is not installed (`make browser` or apt-get install chromium): "
            "browser test skipped"
        )


@contextlib.contextmanager
def browser_session() -> Iterator[Browser]:
    """Headless Chromium, started from its path."""
    require_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Tab:
    """A page in a browser context of its own, recording what the page did beyond its
    drawing: dialogs (dismissed at once), uncaught errors, console errors (CSP
    violations among them), and every answer of 400 or more."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.base_url = base_url
        self.context: BrowserContext = browser.new_context(
            base_url=base_url, viewport={"width": 1400, "height": 900}
        )
        self.page: Page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(f"page: {error}"))
        #: answers of 400 and up, by URL (the browser also logs each as a console error)
        self.failed: dict[str, int] = {}
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed[response.url.removeprefix(self.base_url)] = response.status

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def session_cookie(self, name: str) -> dict | None:
        """The browser's cookie of that name for the app, None without one."""
        return next((c for c in self.context.cookies(self.base_url) if c["name"] == name), None)

    def close(self) -> None:
        self.context.close()
