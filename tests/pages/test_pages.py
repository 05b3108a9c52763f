"""The pages through real HTTP, as a logged-in browser: who sees which page, the header,
the search, the history's pages, tokens, CSRF on every form, and no inline script."""

from __future__ import annotations

import re

import pytest

from api.pages import VIS_URL
from graph.access import Role
from graph.settings import Settings
from visual import board_html

from .conftest import PAGE, Browser, logged_in

#: (role, member) → the sample accounts the index lists.
SEES = {
    (Role.admin, "admin"): ["baltic", "helix", "northwind", "orbital"],
    (Role.leader, "tm-david"): ["baltic", "helix", "northwind", "orbital"],
    (Role.kam, "tm-maria"): ["orbital"],
    (Role.viewer, "tm-tomasz"): ["northwind", "orbital"],
}
ACCOUNTS = ["baltic", "helix", "northwind", "orbital"]


def listed(page: str) -> list[str]:
    """The account ids the index's rows link to, in order."""
    return re.findall(r'<a class="strong" href="/ui/accounts/([^"]+)"', page)


@pytest.mark.parametrize(("role", "member"), list(SEES))
def test_each_role_sees_its_pages_and_no_others(
    sample_settings: Settings, role: Role, member: str
) -> None:
    with logged_in(sample_settings, role, member) as browser:
        index = browser.client.get("/", headers=PAGE)
        assert index.status_code == 200
        assert listed(index.text) == SEES[role, member]
        for account in ACCOUNTS:
            expected = 200 if account in SEES[role, member] else 404
            for path in (f"/ui/accounts/{account}", f"/ui/accounts/{account}/history"):
                answer = browser.client.get(path, headers=PAGE)
                assert answer.status_code == expected, (path, role)
                if expected == 404:  # an unseen account is not there, as a page says
                    assert "Not found" in answer.text and account not in listed(answer.text)
            board = browser.client.get(f"/ui/accounts/{account}/board.json")
            assert board.status_code == expected
        tokens = browser.client.get("/ui/tokens", headers=PAGE)
        assert tokens.status_code == (200 if role is Role.admin else 403)


def test_the_header_says_who_is_in_and_logs_out_with_the_csrf_token(admin: Browser) -> None:
    for path in ("/", "/ui/accounts/orbital", "/ui/accounts/orbital/history", "/ui/tokens"):
        page = admin.client.get(path, headers=PAGE).text
        assert 'class="role role-admin">admin</span>' in page, path
        assert '<a href="/docs">API docs</a>' in page and '<a href="/ui/tokens"' in page
        assert f'<input type="hidden" name="csrf_token" value="{admin.csrf}">' in page
    assert admin.client.post("/logout", follow_redirects=False).status_code == 403
    out = admin.client.post("/logout", data={"csrf_token": admin.csrf}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    again = admin.client.get("/", headers=PAGE)
    assert again.status_code == 401 and 'action="/login"' in again.text


def test_only_admins_get_the_tokens_link(sample_settings: Settings) -> None:
    with logged_in(sample_settings, Role.kam, "tm-maria") as browser:
        page = browser.client.get("/", headers=PAGE).text
        assert "tm-maria" in page and "/ui/tokens" not in page


def test_a_page_without_a_session_is_the_login_page(sample_settings: Settings) -> None:
    with logged_in(sample_settings) as browser:
        browser.client.cookies.clear()
        answer = browser.client.get("/ui/accounts/orbital", headers=PAGE)
        assert answer.status_code == 401 and 'name="token"' in answer.text


def test_the_search_box_narrows_the_index(admin: Browser) -> None:
    assert listed(admin.client.get("/", params={"q": "ORBIT"}, headers=PAGE).text) == ["orbital"]
    none = admin.client.get("/", params={"q": "zzz"}, headers=PAGE).text
    assert listed(none) == [] and "No account you may see matches “zzz”" in none
    box = re.search(r'<input type="search"[^>]*>', admin.client.get("/").text)
    assert box and 'hx-get="/"' in box.group() and 'hx-select="#accounts"' in box.group()


def test_the_index_says_how_each_account_stands(admin: Browser) -> None:
    page = admin.client.get("/", headers=PAGE).text
    row = page[page.index('href="/ui/accounts/helix"') :].split("</tr>")[0]
    assert "gold" in row and '<span class="flag">yes</span>' in row  # helix is single-threaded
    assert "2026-11-25" in row  # the sample is recorded on the day it describes
    assert 'href="/accounts/helix/review"' in row and 'href="/ui/accounts/helix/history"' in row


def test_the_workspace_draws_the_offline_boards_data_with_files_only(admin: Browser) -> None:
    answer = admin.client.get("/ui/accounts/orbital", headers=PAGE)
    assert answer.headers["content-security-policy"].startswith(
        "default-src 'self'; script-src 'self';"
    )
    scripts = re.findall(r"<script\b([^>]*)>", answer.text)
    assert scripts and all("src=" in s or 'type="application/json"' in s for s in scripts)
    assert not re.search(r"\son[a-z]+\s*=", answer.text)  # no inline event handlers
    data = admin.client.get("/ui/accounts/orbital/board.json").json()
    assert {p["id"] for p in data["board"]["pieces"]} >= {"orb-ceo", "tm-maria"}
    pieces = {n["id"] for n in data["nodes"] if n["side"] != "via"}  # the rest: via points
    assert pieces == {p["id"] for p in data["board"]["pieces"]}
    assert {e["line"] for e in data["edges"]} == {line["id"] for line in data["board"]["lines"]}
    script = admin.client.get("/ui/board.js")
    assert script.text == board_html.DRAW_SCRIPT
    assert script.headers["content-type"].startswith("text/javascript")
    for path in (f"{VIS_URL}/vis-network.min.js", "/static/workspace.js", "/static/app.js"):
        assert admin.client.get(path).status_code == 200, path


def test_the_review_links_back_to_the_workspace(admin: Browser) -> None:
    review = admin.client.get("/accounts/orbital/review", headers=PAGE).text
    assert '<a href="/ui/accounts/orbital">Workspace</a>' in review
    assert '<a href="/ui/accounts/orbital/history">History</a>' in review


def test_the_history_comes_in_pages_and_leads_to_the_review(admin: Browser) -> None:
    total = admin.client.get("/accounts/orbital/history", params={"per_page": 1}).json()["total"]
    assert total > 50  # the sample's orbital fills two pages
    first = admin.client.get("/ui/accounts/orbital/history", headers=PAGE).text
    second = admin.client.get("/ui/accounts/orbital/history?page=2", headers=PAGE).text
    rows = [page.split("<tbody>")[1].count("<tr>") for page in (first, second)]
    assert rows == [50, total - 50]
    assert "page 1 of 2" in first and 'href="/ui/accounts/orbital/history?page=2"' in first
    assert "page 2 of 2" in second and "Older" not in second
    assert "<td>demo</td>" in first  # who made the change
    assert 'action="/accounts/orbital/review"' in first and 'name="since"' in first


def test_tokens_are_issued_shown_once_and_revoked_with_csrf(admin: Browser) -> None:
    form = {"member_id": "tm-maria", "role": "viewer", "label": "board meeting"}
    assert admin.client.post("/ui/tokens", data=form).status_code == 403  # no CSRF token
    issued = admin.client.post("/ui/tokens", data={**form, "csrf_token": admin.csrf})
    assert issued.status_code == 201
    url = re.search(r'id="login-url" type="text" readonly value="([^"]+)"', issued.text)
    assert url and url.group(1).startswith("http://localhost/login?token=kg_")
    secret = url.group(1).split("token=")[1]
    listing = admin.client.get("/ui/tokens", headers=PAGE).text
    assert secret not in listing and "board meeting" in listing
    row = next(r for r in listing.split("<tr") if "board meeting" in r)
    token_id = re.search(r'action="/ui/tokens/([0-9a-f]+)/revoke"', row).group(1)
    assert admin.client.post(f"/ui/tokens/{token_id}/revoke").status_code == 403
    revoked = admin.client.post(
        f"/ui/tokens/{token_id}/revoke", data={"csrf_token": admin.csrf}, follow_redirects=False
    )
    assert revoked.status_code == 303 and revoked.headers["location"] == "/ui/tokens"
    login = admin.client.get("/login", params={"token": secret}, headers=PAGE)
    assert login.status_code == 401
    assert "live" not in next(
        r for r in admin.client.get("/ui/tokens").text.split("<tr") if "board meeting" in r
    )


def test_a_token_for_nobody_is_refused_on_the_page(admin: Browser) -> None:
    answer = admin.client.post(
        "/ui/tokens",
        data={"member_id": "nobody", "role": "kam", "csrf_token": admin.csrf},
        headers=PAGE,
    )
    assert answer.status_code == 404 and "nobody" in answer.text and "Not found" in answer.text
