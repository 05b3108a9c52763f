"""The HTTP API through real requests into the app, on each real engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph.settings import Settings

from ..conftest import api_client


def test_health_names_the_engine_not_its_files(
    sample_client: TestClient, request: pytest.FixtureRequest
) -> None:
    answer = sample_client.get("/health")
    assert answer.status_code == 200
    engine = "neo4j" if "neo4j" in request.node.callspec.id else "falkordb"
    assert answer.json() == {"status": "ok", "engine": engine}


def test_only_requests_naming_an_allowed_host_are_answered(sample_client: TestClient) -> None:
    """A page on a rebound DNS name (evil.example → 127.0.0.1) gets nothing."""
    for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST"):
        assert sample_client.get("/accounts", headers={"host": host}).status_code == 200, host
    for host in ("evil.example", "evil.example:8000", "localhost.evil.example", "10.0.0.5"):
        answer = sample_client.get("/accounts", headers={"host": host})
        assert answer.status_code == 400, host
        assert "orbital" not in answer.text


def test_allowed_hosts_come_from_the_settings(store_settings: Settings) -> None:
    settings = store_settings.model_copy(
        update={"allowed_hosts": ("kam.example.com", "*.corp.example")}
    )
    with api_client(settings, base_url="http://kam.example.com") as client:
        assert client.get("/health").status_code == 200
        assert client.get("/health", headers={"host": "kam.eu.corp.example"}).status_code == 200
        assert client.get("/health", headers={"host": "evil.example"}).status_code == 400


def test_accounts_are_listed_and_searched(sample_client: TestClient) -> None:
    everything = sample_client.get("/accounts").json()
    assert {"helix", "northwind", "orbital"} <= {a["id"] for a in everything["items"]}
    found = sample_client.get("/accounts", params={"q": "ORBIT"}).json()
    assert [a["id"] for a in found["items"]] == ["orbital"]
    assert found["items"][0]["name"] == "Orbital Energy"


def test_one_account_graph(sample_client: TestClient) -> None:
    graph = sample_client.get("/accounts/orbital/graph").json()
    assert graph["accounts"][0]["name"] == "Orbital Energy"
    assert {"stakeholder_id": "orb-dir-ops", "manager_id": "orb-coo"} in graph["reports_to"]


def test_unknown_ids_are_404_with_a_detail(sample_client: TestClient) -> None:
    answer = sample_client.get("/accounts/nope")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "no account with id 'nope'"}
    assert sample_client.post("/stakeholders/nope/erase").status_code == 404


def test_erasing_a_stakeholder(sample_client: TestClient) -> None:
    listed = sample_client.post("/stakeholders/orb-dir-ops/erase").json()  # lists, keeps text
    assert listed["mentions"] == [
        {
            "kind": "interaction",
            "id": "ix-orb-2026-08",
            "field": "summary",
            "identity": False,
            "scrubbed": False,
        }
    ]
    assert (listed["interactions_deleted"], listed["interactions_kept"]) == (0, 1)
    scrubbed = sample_client.post("/stakeholders/orb-mgr-field/erase", params={"scrub": True})
    assert scrubbed.status_code == 200
    assert scrubbed.json()["already_erased"] is False and scrubbed.json()["files"]
    graph = sample_client.get("/accounts/orbital/graph").json()
    assert not {"orb-dir-ops", "orb-mgr-field"} & {s["id"] for s in graph["stakeholders"]}
    assert "ix-orb-2026-08" not in {i["id"] for i in graph["interactions"]}  # nobody left
    again = sample_client.post("/stakeholders/orb-dir-ops/erase")
    assert again.status_code == 200 and again.json()["already_erased"] is True


def test_scrub_redacts_a_mention_in_a_shared_interaction(sample_client: TestClient) -> None:
    answer = sample_client.post("/stakeholders/orb-dir-ops/erase", params={"scrub": "true"})
    assert [m["scrubbed"] for m in answer.json()["mentions"]] == [True]
    graph = sample_client.get("/accounts/orbital/graph").json()
    summaries = {i["id"]: i["summary"] for i in graph["interactions"]}
    assert summaries["ix-orb-2026-08"] == "Aberdeen depot pilot results with [erased]."


def test_every_route_is_in_the_readme(sample_client: TestClient) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    schema = sample_client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        shown = re.sub(r"\{[a-z_]+_id\}", "{id}", path)
        for method in operations:
            assert f"`{method.upper()} {shown}" in readme, f"README lacks {method.upper()} {path}"


def test_an_account_reads_back_over_its_erasure(sample_client: TestClient) -> None:
    """The log's erasure entry is no record: the review and the diff read past it."""
    assert sample_client.post("/stakeholders/orb-coo/erase").status_code == 200
    review = sample_client.get("/accounts/orbital/review", params={"since": "2026-01-01"})
    assert review.status_code == 200 and "orb-coo" not in review.text
    changed = sample_client.get("/accounts/orbital/changes", params={"since": "2026-01-01"})
    assert changed.status_code == 200
