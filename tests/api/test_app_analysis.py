"""GET /accounts/{id}/analysis through the real app, on each engine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from graph.settings import Settings

from ..conftest import api_client


@pytest.fixture
def client(store_settings: Settings) -> Iterator[TestClient]:
    """The app on an empty store (once per engine)."""
    with api_client(store_settings) as client:
        yield client


def test_the_analysis_of_a_sample_account(sample_client: TestClient) -> None:
    answer = sample_client.get("/accounts/helix/analysis", params={"as_of": "2026-11-25"})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert (data["account_id"], data["as_of"]) == ("helix", "2026-11-25")
    assert data["single_threaded"] is True
    assert data["thread_carrier"] == {"id": "tm-jonas", "side": "ours"}
    orbital = sample_client.get("/accounts/orbital/analysis", params={"as_of": "2026-11-25"}).json()
    paths = {p["target_id"]: p["path"] for p in orbital["paths_to_power"]}
    assert paths["orb-coo"] == ["tm-maria", "orb-dir-ops", "orb-coo"]


def test_unknown_account_is_404(client: TestClient) -> None:
    answer = client.get("/accounts/nope/analysis")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "no account with id 'nope'"}


def test_a_bad_date_is_422(client: TestClient) -> None:
    answer = client.get("/accounts/acme/analysis", params={"as_of": "2026-13-01"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "as_of"]


def test_the_operation_id_is_stable(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["paths"]["/accounts/{account_id}/analysis"]["get"]["operationId"] == (
        "analyze_account"
    )
