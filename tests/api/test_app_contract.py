"""The API's contract for bad requests: short 422s that never echo the input, ISO dates
only, and every 404 and 422 declared in the OpenAPI schema."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.deps import ErrorDetail, InvalidAnswer
from graph.model import MAX_ID_LENGTH

#: Every route that takes an id, with the path parameter it names.
ID_ROUTES = [
    ("get", "/accounts/{}", "account_id"),
    ("get", "/accounts/{}/graph", "account_id"),
    ("patch", "/stakeholders/{}", "stakeholder_id"),
    ("delete", "/relationships/tm-jonas/{}", "stakeholder_id"),
    ("get", "/accounts/{}/analysis", "account_id"),
    ("get", "/accounts/{}/board", "account_id"),
    ("get", "/accounts/{}/board.svg", "account_id"),
    ("get", "/accounts/{}/review", "account_id"),
    ("post", "/stakeholders/{}/erase", "stakeholder_id"),
]


@pytest.mark.parametrize(("method", "route", "name"), ID_ROUTES)
@pytest.mark.parametrize(
    ("bad_id", "message"),
    [
        ("a%00b", "contains a control character (U+0000); remove it"),
        ("a%1Bb", "contains a control character (U+001B); remove it"),
        ("a%C2%85b", "contains a control character (U+0085); remove it"),
        ("x" * 50_000, f"String should have at most {MAX_ID_LENGTH} characters"),
    ],
)
def test_a_bad_path_id_is_a_short_422_that_does_not_echo_it(
    sample_client: TestClient, method: str, route: str, name: str, bad_id: str, message: str
) -> None:
    body = {} if method == "patch" else None  # a patch without one is a second problem
    answer = sample_client.request(method, route.format(bad_id), json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json() == {
        "detail": [
            {"loc": ["path", name], "msg": message, "type": answer.json()["detail"][0]["type"]}
        ]
    }
    assert len(answer.content) < 300


def test_an_id_at_the_limit_is_looked_up(sample_client: TestClient) -> None:
    answer = sample_client.get("/accounts/" + "x" * MAX_ID_LENGTH)
    assert answer.status_code == 404
    assert answer.json() == {"detail": f"no account with id {'x' * MAX_ID_LENGTH!r}"}


def test_a_search_with_a_control_character_is_422(sample_client: TestClient) -> None:
    answer = sample_client.get("/accounts", params={"q": "a\x00b"})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "q"]
    assert "a\x00b" not in answer.text


@pytest.mark.parametrize("as_of", ["0", "1700000000", "2026-1-5", "2026-01-05T00:00", "today"])
def test_as_of_is_an_iso_date_and_nothing_else(sample_client: TestClient, as_of: str) -> None:
    answer = sample_client.get("/accounts/helix/analysis", params={"as_of": as_of})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["query", "as_of"]
    board = sample_client.get("/accounts/helix/board.svg", params={"as_of": as_of})
    assert board.status_code == 422


def test_an_iso_as_of_is_read_as_that_date(sample_client: TestClient) -> None:
    answer = sample_client.get("/accounts/helix/analysis", params={"as_of": "2026-11-25"})
    assert answer.json()["as_of"] == "2026-11-25"


def test_every_route_declares_its_404_and_422(sample_client: TestClient) -> None:
    spec = sample_client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if "{" in path:
                schema = responses["404"]["content"]["application/json"]["schema"]
                assert schema == ErrorDetail.model_json_schema(), (method, path)
            if operation.get("parameters"):
                assert "422" in responses, (method, path)
    assert ErrorDetail.model_json_schema()["required"] == ["detail"]


def test_a_body_that_is_not_utf8_is_a_422_like_any_malformed_json(
    sample_client: TestClient,
) -> None:
    answer = sample_client.post(
        "/tokens", content=b"\xff\xfe{", headers={"content-type": "application/json"}
    )
    assert (answer.status_code, answer.json()) == (
        422,
        {"detail": [{"loc": ["body"], "msg": "the body is not UTF-8", "type": "json_invalid"}]},
    )


def test_both_shapes_of_a_422_are_declared_on_every_route(sample_client: TestClient) -> None:
    """A malformed request's 422 lists problems by place; data the store refuses sums
    them up in ``detail`` and lists them in ``problems``: every route's schema allows
    either, routes outside the write API too."""
    refused = sample_client.get(
        "/accounts/helix/changes", params={"since": "2026-05-01", "until": "2026-01-01"}
    )
    assert refused.status_code == 422
    assert set(refused.json()) == {"detail", "problems"}
    InvalidAnswer.model_validate(refused.json())
    spec = sample_client.get("/openapi.json").json()
    schema = spec["paths"]["/accounts/{account_id}/changes"]["get"]["responses"]["422"]
    declared = schema["content"]["application/json"]["schema"]
    assert declared["title"] == "InvalidAnswer" and "$defs" not in json.dumps(declared)


@pytest.mark.parametrize("route", ["/accounts/helix/history", "/ui/accounts/helix/history"])
def test_a_history_page_past_the_last_is_refused(sample_client: TestClient, route: str) -> None:
    """A page number whose offset would overflow the engine's integers is a 422, not
    page 1 again."""
    answer = sample_client.get(route, params={"page": 184467440737095517})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["query", "page"]
    assert sample_client.get(route, params={"page": 1_000_000}).status_code == 200
