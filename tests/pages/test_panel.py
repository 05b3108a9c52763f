"""The workspace panel over real HTTP: it edits a stakeholder, their owner, a relationship
and logs an interaction, each recorded as the caller; a stale form changes nothing."""

from __future__ import annotations

import re

import pytest

from api.pages.routes import STALE
from graph.access import Role
from graph.model import Stance
from graph.settings import Settings
from visual.board import STANCE_COLOURS

from .conftest import Browser, logged_in

PANEL = "/ui/accounts/orbital/stakeholders/orb-cfo"


def opened(browser: Browser) -> tuple[str, str]:
    """The panel's HTML and the stakeholder's version it carries."""
    page = browser.client.get(PANEL, headers={"HX-Request": "true"})
    assert page.status_code == 200
    version = re.search(r'data-version="([^"]+)"', page.text)
    assert version
    return page.text, version.group(1)


def colour(browser: Browser, piece: str) -> str:
    board = browser.client.get("/ui/accounts/orbital/board.json").json()["board"]
    return next(p["colour"] for p in board["pieces"] if p["id"] == piece)


def stance_form(browser: Browser, version: str, stance: str) -> dict[str, object]:
    return {"csrf_token": browser.csrf, "version": version, "stance": stance}


def test_the_panel_saves_a_stance_and_the_board_redraws_from_it(admin: Browser) -> None:
    page, version = opened(admin)
    assert f'name="csrf_token" value="{admin.csrf}"' in page and "Laura Bianchi" in page
    assert (
        admin.client.post(PANEL, data={"version": version, "stance": "opponent"}).status_code == 403
    )
    saved = admin.client.post(PANEL, data=stance_form(admin, version, "opponent"))
    assert saved.status_code == 200 and saved.headers["HX-Trigger"] == "board-changed"
    assert "Saved." in saved.text and '<option value="opponent" selected>' in saved.text
    assert colour(admin, "orb-cfo") == STANCE_COLOURS[Stance.opponent]
    log = admin.client.get("/accounts/orbital/history", params={"per_page": 1}).json()
    assert log["changes"][0]["field"] == "stance" and log["changes"][0]["actor"] == "admin"


def test_a_stale_form_shows_the_fresh_values_and_overwrites_nothing(
    sample_settings: Settings,
) -> None:
    with logged_in(sample_settings) as first, logged_in(sample_settings) as second:
        _, version = opened(first)
        _, same = opened(second)
        assert version == same
        assert first.client.post(PANEL, data=stance_form(first, version, "champion")).is_success
        stale = second.client.post(PANEL, data=stance_form(second, same, "skeptic"))
        assert stale.status_code == 412 and STALE in stale.text
        assert '<option value="champion" selected>' in stale.text  # the stored value
        assert colour(second, "orb-cfo") == STANCE_COLOURS[Stance.champion]
        fresh = re.search(r'data-version="([^"]+)"', stale.text)
        assert fresh and fresh.group(1) != same  # saving again now goes through
        assert second.client.post(
            PANEL, data=stance_form(second, fresh.group(1), "skeptic")
        ).is_success
        assert colour(first, "orb-cfo") == STANCE_COLOURS[Stance.skeptic]


def owner_version(panel: str) -> str:
    """The version the owner form carries ('' when nobody owns them)."""
    found = re.search(r'name="version" value="([^"]*)">\s*<label for="owner">', panel)
    assert found
    return found.group(1)


def owner_selected(panel: str) -> list[str]:
    return re.findall(
        r'<option value="([^"]*)" selected>', panel.split('id="owner"')[1].split("</select>")[0]
    )


def test_owner_relationship_and_interaction_forms(admin: Browser) -> None:
    base = {"csrf_token": admin.csrf}
    page, _ = opened(admin)
    assert owner_selected(page) == ["tm-maria"]  # the sample's owner
    moved = admin.client.post(
        PANEL + "/owner", data={**base, "member_id": "tm-rafael", "version": owner_version(page)}
    )
    assert moved.status_code == 200 and owner_selected(moved.text) == ["tm-rafael"]
    gone = admin.client.post(PANEL + "/owner", data={**base, "version": owner_version(moved.text)})
    assert gone.status_code == 200 and owner_selected(gone.text) == []
    assert owner_version(gone.text) == ""
    again = admin.client.post(PANEL + "/owner", data={**base, "member_id": "tm-amara"})
    assert again.status_code == 200 and owner_selected(again.text) == ["tm-amara"]
    twice = admin.client.post(PANEL + "/owner", data={**base, "member_id": "tm-rafael"})
    assert twice.status_code == 412 and owner_selected(twice.text) == ["tm-amara"]

    rated = admin.client.post(
        PANEL + "/relationships",
        data={**base, "member_id": "tm-rafael", "strength": "4", "level": "vendor",
              "target_level": "trusted_advisor"},
    )  # fmt: skip
    assert rated.status_code == 200, rated.text
    graph = admin.client.get("/accounts/orbital/graph").json()
    knows = [
        k
        for k in graph["knows"]
        if k["member_id"] == "tm-rafael" and k["stakeholder_id"] == "orb-cfo"
    ]
    assert knows and knows[0]["strength"] == 4 and knows[0]["target_level"] == "trusted_advisor"

    logged = admin.client.post(
        PANEL + "/interactions",
        data={
            **base,
            "date": "2026-11-30",
            "channel": "call",
            "member_ids": ["tm-rafael", "tm-maria"],
            "summary": "Budget call",
        },
    )
    assert logged.status_code == 200, logged.text
    assert "Budget call" in logged.text
    graph = admin.client.get("/accounts/orbital/graph").json()
    ix = [i for i in graph["interactions"] if i["summary"] == "Budget call"]
    assert ix and set(ix[0]["member_ids"]) == {"tm-rafael", "tm-maria"}
    assert ix[0]["stakeholder_ids"] == ["orb-cfo"]


def test_a_bad_value_is_refused_with_the_problem(admin: Browser) -> None:
    _, version = opened(admin)
    answer = admin.client.post(
        PANEL + "/relationships",
        data={"csrf_token": admin.csrf, "member_id": "tm-nobody", "strength": "3"},
    )
    assert answer.status_code in (404, 422)
    assert opened(admin)[1] == version  # nothing written


@pytest.mark.parametrize(
    ("role", "member"), [(Role.viewer, "tm-tomasz"), (Role.leader, "tm-david")]
)
def test_readers_get_the_panel_read_only_and_may_not_post(
    sample_settings: Settings, role: Role, member: str
) -> None:
    with logged_in(sample_settings, role, member) as browser:
        page, version = opened(browser)
        assert "<form" not in page and "You may read this account, not change it." in page
        answer = browser.client.post(PANEL, data=stance_form(browser, version, "opponent"))
        assert answer.status_code == 403
        assert colour(browser, "orb-cfo") == STANCE_COLOURS[Stance.neutral]


def test_a_stakeholder_of_another_account_is_not_in_this_panel(admin: Browser) -> None:
    assert admin.client.get("/ui/accounts/helix/stakeholders/orb-cfo").status_code == 404
