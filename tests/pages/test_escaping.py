"""Hostile text stays text on every page: names, notes, labels, the search box."""

from __future__ import annotations

import json
import re

import pytest

from api import service
from graph.access import LOCAL, Role
from graph.model import Account, Portfolio, Stakeholder, TeamAssignment, TeamMember
from graph.settings import Settings
from graph.store import open_store

from ..conftest import write_recorded
from .conftest import PAGE, logged_in

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
HOSTILE = (IMG, SCRIPT)


@pytest.fixture
def hostile_settings(store_settings: Settings) -> Settings:
    """An account whose every typed string is markup."""
    portfolio = Portfolio(
        accounts=(  # scored (it has revenue), so the portfolio's matrix draws its name
            Account(id="evil", name=f"Evil {IMG} Corp", notes=SCRIPT, annual_revenue=1000),
        ),
        stakeholders=(
            Stakeholder(id="evil-ceo", account_id="evil", name=SCRIPT, title=IMG, notes=IMG),
            Stakeholder(id="evil-cfo", account_id="evil", name=IMG, function=SCRIPT),
        ),
        team_members=(TeamMember(id="tm-evil", name=IMG, title=SCRIPT),),
        team=(TeamAssignment(member_id="tm-evil", account_id="evil", role="quarterback"),),
    )
    with open_store(store_settings) as store:
        write_recorded(store, portfolio)
        service.create_token(store, LOCAL, "tm-evil", Role.kam, label=SCRIPT)
    return store_settings


def test_hostile_text_is_never_markup_on_any_page(hostile_settings: Settings) -> None:
    with logged_in(hostile_settings) as browser:
        pages = {
            path: browser.client.get(path, headers=PAGE)
            for path in (
                "/",
                "/ui/accounts/evil",
                "/ui/accounts/evil/history",
                "/ui/tokens",
                "/accounts/evil/review",
                "/ui/portfolio",
            )
        }
        pages["search"] = browser.client.get("/", params={"q": SCRIPT}, headers=PAGE)
        for path, answer in pages.items():
            assert answer.status_code == 200, path
            for raw in HOSTILE:
                assert raw not in answer.text, (path, raw)
        assert "Evil &lt;img src=x onerror=alert(1)&gt; Corp" in pages["/"].text
        assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in pages["/ui/tokens"].text
        assert "&lt;/script&gt;" in pages["search"].text
        matrix = pages["/ui/portfolio"].text.split('aria-label="The KAM portfolio matrix"')[1]
        assert "<title>Evil &lt;img src=x onerror=alert(1)&gt; Corp (evil)" in matrix
        assert "Evil &lt;img src=x onerror=ale…</text>" in matrix  # its label, cut short
        # The board's data island holds the names exactly, escaped for <script>.
        island = re.search(
            r'<script type="application/json" id="board-data">(.*?)</script>',
            pages["/ui/accounts/evil"].text,
            re.S,
        )
        assert island and "<" not in island.group(1)
        names = {p["name"] for p in json.loads(island.group(1))["board"]["pieces"]}
        assert {IMG, SCRIPT} <= names
