"""A real browser on a real `kamgraph serve --demo`: the printed login URL logs it in
(a strict, HttpOnly session cookie, then the index), the board then draws, and hostile
names in the store stay text on the board and the review: no dialog, no script of theirs.
"""

from __future__ import annotations

from pathlib import Path

from api.auth import SESSION_COOKIE
from graph.history import Stamp
from graph.model import Account, Portfolio, Stakeholder
from graph.settings import Settings
from graph.store import open_store

from ..browser_support import Tab
from ..serve_support import Served

#: Each would run if it were markup: a dialog, or window.__pwned set.
HOSTILE = [
    "<img src=x onerror=\"window.__pwned=1;alert('img')\">",
    "</script><script>window.__pwned=1;alert('script')</script>",
    '"><svg onload="window.__pwned=1;alert(\'svg\')">',
    "{{7*7}} ${alert('template')}",
]


def test_the_login_url_logs_the_browser_in_and_the_board_draws(tab: Tab, served: Served) -> None:
    answer = tab.page.goto(served.login_url)
    assert answer is not None
    login = answer.request.redirected_from
    assert login is not None and login.url == served.login_url
    assert login.response() is not None and login.response().status == 303  # type: ignore[union-attr]
    assert tab.page.url == served.base + "/"  # the token left the address bar
    cookie = tab.session_cookie(SESSION_COOKIE)
    assert cookie is not None
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"]) == (True, "Strict", "/")
    assert tab.page.evaluate("document.cookie") == ""  # no script reads it

    board = tab.page.goto("/accounts/orbital/board")
    assert board is not None and board.status == 200
    tab.page.wait_for_selector("body[data-board-ready]")
    assert tab.page.locator("#mynetwork canvas").count() >= 1
    assert tab.dialogs == [] and tab.errors == []
    assert tab.failed == {}


def test_a_browser_without_a_session_gets_the_login_page(tab: Tab) -> None:
    answer = tab.page.goto("/accounts/orbital/board")
    assert answer is not None and answer.status == 401
    assert tab.page.locator("form[action='/login'] input[name=token]").count() == 1
    assert tab.page.locator("#mynetwork").count() == 0


def _hostile_account(data_dir: Path) -> None:
    """An account whose names are markup, written into the store serve is running on."""
    people = [
        Stakeholder(id=f"evil-{n}", account_id="evil", name=text, title=HOSTILE[-1 - n], notes=text)
        for n, text in enumerate(HOSTILE)
    ]
    with (
        open_store(Settings(store=f"embedded:{data_dir}")) as store,
        store.atomic(stamp=Stamp("test", store.history_newest())) as target,
    ):
        target.write(
            Portfolio(
                accounts=[Account(id="evil", name=HOSTILE[0], notes=HOSTILE[1])],
                stakeholders=people,
            )
        )


def test_hostile_names_stay_text_on_the_board_and_the_review(
    tab: Tab, served: Served, data_dir: Path
) -> None:
    _hostile_account(data_dir)
    tab.page.goto(served.login_url)
    for path in ("/accounts/evil/board", "/accounts/evil/review"):
        answer = tab.page.goto(path)
        assert answer is not None and answer.status == 200, path
        tab.page.wait_for_load_state("load")
        if path.endswith("/board"):
            tab.page.wait_for_selector("body[data-board-ready]")
            # hover every person, so each tooltip is built and shown
            tab.page.evaluate(
                "nodes.get().forEach(function (n) {"
                "  network.body.emitter.emit('hoverNode', {node: n.id}); })"
            )
        text = tab.page.evaluate("document.body.innerText")
        assert HOSTILE[0] in tab.page.title() or HOSTILE[0] in text, path
        assert tab.page.evaluate("window.__pwned === undefined"), path
        assert tab.page.locator("img[src=x], svg[onload]").count() == 0, path
    assert tab.dialogs == []
    assert tab.errors == []
    assert tab.failed == {}
