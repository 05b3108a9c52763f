"""No lost updates, over real HTTP on each engine: every record's version is its ETag;
a change must name it (428 without) and is refused when it is stale (412, with the
current version), compared under the writer lock."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from graph.access import Role
from graph.model import Stakeholder
from graph.settings import Settings
from graph.store import Portfolio, open_store

from ..conftest import api_client
from .test_records import team  # noqa: F401 (the fixture)

pytestmark = pytest.mark.usefixtures("recorded_as_stored")  # see tests/conftest.py


@pytest.fixture
def kim(team: Settings) -> Iterator[TestClient]:  # noqa: F811
    with api_client(team, role=Role.kam, member="kim") as client:
        yield client


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_change_without_if_match_is_428(kim: TestClient, method: str) -> None:
    answer = kim.request(method, "/stakeholders/cto", json={"stance": "supporter"})
    assert answer.status_code == 428
    assert "If-Match" in answer.json()["detail"]
    assert kim.get("/stakeholders/cto").json()["stance"] == "neutral"


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_stale_change_is_412_with_the_current_version(kim: TestClient, method: str) -> None:
    stale = kim.get("/stakeholders/cto").headers["etag"]
    kim.patch("/stakeholders/cto", json={"title": "Chief"}, headers={"If-Match": stale})
    current = kim.get("/stakeholders/cto").headers["etag"]
    answer = kim.request(
        method, "/stakeholders/cto", json={"stance": "opponent"}, headers={"If-Match": stale}
    )
    assert answer.status_code == 412
    assert answer.headers["etag"] == current
    assert f'"{answer.json()["current_version"]}"' == current
    assert kim.get("/stakeholders/cto").json()["stance"] == "neutral"


@pytest.mark.parametrize("tag", ["*", "W/{etag}", "{bare}", '"other", {etag}'])
def test_if_match_takes_the_etag_in_its_usual_forms(kim: TestClient, tag: str) -> None:
    etag = kim.get("/owners/ceo").headers["etag"]
    sent = tag.format(etag=etag, bare=etag.strip('"'))
    answer = kim.patch("/owners/ceo", json={"member_id": "vic"}, headers={"If-Match": sent})
    assert answer.status_code == 200, answer.text


def test_two_clients_edit_one_stakeholder_and_no_write_is_lost(team: Settings) -> None:  # noqa: F811
    with (
        api_client(team, role=Role.kam, member="kim") as kim,
        api_client(team, role=Role.admin, member="raj") as raj,
    ):
        seen_by_kim = kim.get("/stakeholders/cfo").headers["etag"]
        seen_by_raj = raj.get("/stakeholders/cfo").headers["etag"]
        first = kim.patch(
            "/stakeholders/cfo", json={"stance": "supporter"}, headers={"If-Match": seen_by_kim}
        )
        assert first.status_code == 200
        stale = raj.patch(
            "/stakeholders/cfo", json={"title": "CFO"}, headers={"If-Match": seen_by_raj}
        )
        assert stale.status_code == 412
        assert stale.json()["current_version"] == first.json()["version"]
        # raj reads again and re-applies his change on top of kim's
        again = raj.get("/stakeholders/cfo")
        assert again.json()["stance"] == "supporter"
        second = raj.patch(
            "/stakeholders/cfo", json={"title": "CFO"}, headers={"If-Match": again.headers["etag"]}
        )
        assert second.status_code == 200
        final = kim.get("/stakeholders/cfo").json()
        assert (final["stance"], final["title"]) == ("supporter", "CFO")
        log = kim.get("/accounts/acme/history").json()["changes"]
        assert [(c["field"], c["actor"]) for c in log[:2]] == [("title", "raj"), ("stance", "kim")]


def test_two_changes_sent_at_once_against_one_version_cannot_both_pass(kim: TestClient) -> None:
    etag = kim.get("/stakeholders/ceo").headers["etag"]
    start = threading.Barrier(2)
    statuses: dict[str, int] = {}

    def edit(stance: str) -> None:
        start.wait()
        answer = kim.patch("/stakeholders/ceo", json={"stance": stance}, headers={"If-Match": etag})
        statuses[stance] = answer.status_code

    threads = [threading.Thread(target=edit, args=(s,)) for s in ("supporter", "skeptic")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses.values()) == [200, 412]
    (won,) = [s for s, code in statuses.items() if code == 200]
    assert kim.get("/stakeholders/ceo").json()["stance"] == won


def test_the_version_moves_with_any_write_that_changes_the_record(team: Settings) -> None:  # noqa: F811
    with api_client(team, role=Role.kam, member="kim") as kim:
        etag = kim.get("/stakeholders/cto").headers["etag"]
        with open_store(team) as store:  # an import that holds the same: no new version
            store.write(
                Portfolio(stakeholders=[Stakeholder(id="cto", account_id="acme", name="Ty")])
            )
        assert kim.get("/stakeholders/cto").headers["etag"] == etag
        with open_store(team) as store:  # one that changes it: a new version
            store.write(
                Portfolio(stakeholders=[Stakeholder(id="cto", account_id="acme", name="Ty Z")])
            )
        assert kim.get("/stakeholders/cto").headers["etag"] != etag
        stale = kim.patch(
            "/stakeholders/cto", json={"stance": "champion"}, headers={"If-Match": etag}
        )
        assert stale.status_code == 412
