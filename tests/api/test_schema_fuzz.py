"""schemathesis against the app's schema: every operation it lists (new routes are picked
up as they come), a bounded number of generated requests each, through real HTTP into the
app on a store holding the sample portfolio, on each engine.

With an admin token no answer is a 5xx and every answer is one the schema declares
(status, media type, body). With no token every answer is a 401 and the store is left
exactly as it was.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.service import load_sample
from graph.access import SERVE_ADMIN, Role
from graph.sample import sample_portfolio
from graph.settings import Settings
from graph.store import open_store

from ..conftest import ENGINES, bearer, emptied_neo4j

#: Generated requests per operation: enough to find a crash, few enough for every run
#: (the write API's ~70 operations take about 35 s on the embedded engine). A request
#: without a token is refused at the door whatever it holds: fewer of those.
#: schemathesis' explicit cases (boundary values, methods a path lacks: about 50 more per
#: operation) stay off: they would more than double the time.
ADMIN_EXAMPLES, ANONYMOUS_EXAMPLES = 15, 5


def _fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _schema() -> dict[str, Any]:
    """What the app's /openapi.json serves (``test_the_schema_is_the_live_one`` holds it
    to that); built without a store, so that the operations are known when tests are
    collected."""
    return create_app(Settings(store="embedded:unused")).openapi()


SCHEMA = schemathesis.openapi.from_dict(_schema())
_SAMPLE = sample_portfolio()
#: Ids of real records: a share of the requests reach them (random ids only meet 404s).
KNOWN = {
    "account_id": [a.id for a in _SAMPLE.accounts],
    "stakeholder_id": [s.id for s in _SAMPLE.stakeholders[:6]],
    "member_id": [m.id for m in _SAMPLE.team_members[:3]],
}


@SCHEMA.hook
def flatmap_path_parameters(_: Any, path_parameters: dict[str, Any] | None) -> Any:
    """The generated path parameters, or the same with real ids put in."""
    if not path_parameters:
        return st.just(path_parameters)
    real = {
        name: st.sampled_from(KNOWN[name]) if name in KNOWN else st.just(value)
        for name, value in path_parameters.items()
    }
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(real))


class Fuzzed:
    """The app on a store of its own holding the sample, and an admin's token header."""

    def __init__(self, client: TestClient, store_settings: Settings) -> None:
        self.client = client
        self.settings = store_settings
        #: the store's dump since the last admin request (None: take it again)
        self.baseline: list[str] | None = None
        with open_store(store_settings) as store:
            self.admin = bearer(store, Role.admin, SERVE_ADMIN)

    def send(self, case: schemathesis.Case, headers: dict[str, str]) -> httpx.Response:
        """The case as a real request into the app."""
        request = case.as_transport_kwargs(base_url="http://localhost")
        options: dict[str, Any] = {
            "headers": {**(request.get("headers") or {}), **headers},
            "params": request.get("params"),
        }
        if request.get("cookies"):
            self.client.cookies = request["cookies"]
        else:
            self.client.cookies.clear()
        if "json" in request:
            options["json"] = request["json"]
        data = request.get("data")
        if isinstance(data, bytes | str):
            options["content"] = data
        elif data is not None:
            options["data"] = data
        if request.get("files"):
            options["files"] = request["files"]
        return self.client.request(request["method"], request["url"], **options)


@pytest.fixture(scope="module", params=ENGINES)
def fuzzed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fuzzed]:
    """One app and store per engine for the module: the fuzzing is all reads and refusals
    but for the admin's erasures and tokens, which no test here counts on."""
    with contextlib.ExitStack() as stack:
        if request.param == "embedded":
            folder: Path = tmp_path_factory.mktemp("fuzz") / "data"
            store_settings = Settings(store=f"embedded:{folder}")
        else:
            store_settings = stack.enter_context(emptied_neo4j())
        with open_store(store_settings) as store:
            load_sample(store)
        client = stack.enter_context(
            TestClient(create_app(store_settings), base_url="http://localhost")
        )
        yield Fuzzed(client, store_settings)


@pytest.fixture
def untouched(fuzzed: Fuzzed) -> Iterator[Fuzzed]:
    """The fuzzed app; after the test (every example of one operation) its store must be
    as it was after the last admin request (one dump per operation, not two)."""
    if fuzzed.baseline is None:
        with open_store(fuzzed.settings) as store:
            fuzzed.baseline = store.dump()
    yield fuzzed
    with open_store(fuzzed.settings) as store:
        assert store.dump() == fuzzed.baseline, "a request without a token changed the store"


def test_the_schema_is_the_live_one(fuzzed: Fuzzed) -> None:
    live = fuzzed.client.get("/openapi.json", headers=fuzzed.admin)
    assert live.status_code == 200
    assert live.json() == _schema()
    assert len(SCHEMA.raw_schema["paths"]) >= 10


@SCHEMA.parametrize()
@_fuzz(ADMIN_EXAMPLES)
def test_as_an_admin_no_answer_is_a_5xx_or_off_the_schema(
    case: schemathesis.Case, fuzzed: Fuzzed
) -> None:
    fuzzed.baseline = None  # an admin may change the store
    response = fuzzed.send(case, fuzzed.admin)
    case.validate_response(response, checks=CONFORMANCE)


# On the embedded engine only: the door refuses before any store is asked, so the Neo4j
# variant tested nothing more (and took 17 s of its run).
@SCHEMA.parametrize()
@_fuzz(ANONYMOUS_EXAMPLES)
@pytest.mark.parametrize("fuzzed", ["embedded"], indirect=True)
def test_without_a_token_every_answer_is_401(case: schemathesis.Case, untouched: Fuzzed) -> None:
    response = untouched.send(case, {})
    if case.operation.path == "/health":
        assert response.status_code == 200, response.text  # open to all
    else:
        assert response.status_code == 401, (case.operation.label, response.text)
        assert response.headers["www-authenticate"] == "Bearer"
