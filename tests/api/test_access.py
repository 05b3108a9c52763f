"""Who sees what, through real HTTP into the app on each engine: a kam or viewer sees the
accounts whose team they are on and nothing else, on every account route the app's schema
lists (a new one is tried without being named here); an unseen account answers exactly as
a missing one; a leader reads everything; only admins manage tokens and erase."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import service
from api.app import create_app
from api.service import load_sample
from graph.access import LOCAL, SERVE_ADMIN, Role
from graph.history import Stamp
from graph.model import Portfolio, TeamAssignment
from graph.sample import sample_portfolio
from graph.settings import Settings
from graph.store import open_store

#: On orbital's team and no other's in the sample portfolio.
MEMBER, OWN = "tm-maria", "orbital"
OTHERS = tuple(a.id for a in sample_portfolio().accounts if a.id != OWN)
#: An id no record has, as long as "helix": the answers about it are compared byte for byte.
MISSING = "xileh"
#: A value for each required query parameter an account route may have, by its format.
EXAMPLES = {"date": "2026-01-01"}


def _example(parameter: dict[str, Any]) -> str:
    schema = parameter["schema"]
    fmt = schema.get("format") or next(
        (s.get("format") for s in schema.get("anyOf", []) if s.get("format")), None
    )
    assert fmt in EXAMPLES, f"no example for the required {parameter['name']!r}: add one"
    return EXAMPLES[fmt]


def account_routes() -> list[str]:
    """Every GET route on one account, from the app's schema, required query filled in."""
    spec = create_app(Settings(store="embedded:unused")).openapi()
    routes = []
    for path, operations in sorted(spec["paths"].items()):
        if "get" not in operations or not path.startswith("/accounts/{account_id}"):
            continue
        query = [
            f"{p['name']}={_example(p)}"
            for p in operations["get"].get("parameters", [])
            if p["in"] == "query" and p.get("required")
        ]
        routes.append(path.replace("{account_id}", "{}") + ("?" + "&".join(query) if query else ""))
    return routes


ACCOUNT_ROUTES = account_routes()


def test_the_schema_lists_the_account_routes_we_know() -> None:
    """The walk finds the routes (an empty list would make every test below vacuous)."""
    assert {
        "/accounts/{}",
        "/accounts/{}/board.svg",
        "/accounts/{}/changes?since=2026-01-01",
    } <= set(ACCOUNT_ROUTES)
    assert len(ACCOUNT_ROUTES) >= 7


def listed(client: TestClient, **query: str) -> set[str]:
    """The ids of the accounts ``GET /accounts`` gives the client."""
    answer = client.get("/accounts", params={"limit": "500", **query})
    assert answer.status_code == 200, answer.text
    return {a["id"] for a in answer.json()["items"]}


@pytest.fixture
def sample(store_settings: Settings) -> Settings:
    with open_store(store_settings) as store:
        load_sample(store)
    return store_settings


@pytest.fixture
def as_role(sample: Settings) -> Iterator[Any]:
    """``as_role(role, member)``: a client holding a fresh token of that member and role
    (one app for the test; each client sends its own header)."""
    with TestClient(create_app(sample), base_url="http://localhost") as app_client:

        def client(role: Role, member: str = MEMBER) -> TestClient:
            with open_store(sample) as store:
                secret = service.create_token(store, LOCAL, member, role).token
            app_client.headers["Authorization"] = f"Bearer {secret}"
            return app_client

        yield client


@pytest.mark.parametrize("role", [Role.kam, Role.viewer])
def test_a_team_role_lists_and_finds_only_its_accounts(as_role: Any, role: Role) -> None:
    client = as_role(role)
    assert listed(client) == {OWN}
    for q in ("helix", "Helix", "north", "e", "hx-"):
        assert listed(client, q=q) <= {OWN}, q


@pytest.mark.parametrize("route", ACCOUNT_ROUTES)
@pytest.mark.parametrize("role", [Role.kam, Role.viewer])
def test_an_unseen_account_answers_as_a_missing_one(as_role: Any, role: Role, route: str) -> None:
    client = as_role(role)
    own = client.get(route.format(OWN))
    assert own.status_code == 200, own.text
    for other in OTHERS:
        assert other not in own.text  # nor does the own account's answer name the others
    missing = client.get(route.format(MISSING))
    assert missing.status_code == 404, missing.text
    unseen = client.get(route.format("helix"))
    assert unseen.status_code == 404
    assert unseen.content.replace(b"helix", MISSING.encode()) == missing.content
    assert dict(unseen.headers) == dict(missing.headers)
    for accept in ("text/html", "image/svg+xml"):  # a page answers with a page
        unseen = client.get(route.format("helix"), headers={"Accept": accept})
        missing = client.get(route.format(MISSING), headers={"Accept": accept})
        assert unseen.status_code == missing.status_code == 404, accept
        assert unseen.content.replace(b"helix", MISSING.encode()) == missing.content, accept


@pytest.mark.parametrize("role", [Role.leader, Role.admin])
def test_a_leader_and_an_admin_read_every_account(as_role: Any, role: Role) -> None:
    client = as_role(role, "tm-lena" if role is Role.leader else SERVE_ADMIN)
    assert listed(client) == {OWN, *OTHERS}
    for route in ACCOUNT_ROUTES:
        for account in (OWN, *OTHERS):
            assert client.get(route.format(account)).status_code == 200, route.format(account)


def test_joining_a_team_shows_its_account_at_the_next_request(
    as_role: Any, sample: Settings
) -> None:
    client = as_role(Role.viewer)
    assert client.get("/accounts/helix").status_code == 404
    with (
        open_store(sample) as store,
        store.atomic(stamp=Stamp("test", store.history_newest())) as target,
    ):
        target.write(
            Portfolio(
                team=[TeamAssignment(member_id=MEMBER, account_id="helix", role="specialist")]
            )
        )
    assert client.get("/accounts/helix").status_code == 200
    assert listed(client) == {OWN, "helix"}


@pytest.mark.parametrize(
    ("role", "member"),
    [(Role.leader, "tm-lena"), (Role.kam, MEMBER), (Role.viewer, MEMBER)],
)
def test_only_an_admin_manages_tokens_and_erases(as_role: Any, role: Role, member: str) -> None:
    client = as_role(role, member)
    admin_only = [
        client.get("/tokens"),
        client.post("/tokens", json={"member_id": member, "role": "admin"}),
        client.post("/tokens", json={"member_id": SERVE_ADMIN, "role": "admin"}),
        client.delete("/tokens/abc"),
        client.post("/stakeholders/orb-coo/erase"),  # a person on their own account
    ]
    for answer in admin_only:
        assert answer.status_code == 403, (answer.request, answer.text)
        assert answer.json() == {"detail": f"only an admin may do this (you are a {role.value})"}
    seen = client.get("/accounts/orbital/graph").json()
    assert "orb-coo" in {s["id"] for s in seen["stakeholders"]}  # not erased


@pytest.mark.parametrize("role", [Role.kam, Role.viewer])
def test_an_unseen_person_answers_as_a_missing_one(
    as_role: Any, role: Role, sample: Settings
) -> None:
    with open_store(sample) as store:
        person = next(s.id for s in store.read_portfolio().stakeholders if s.account_id == "helix")
    client = as_role(role)
    unseen = client.post(f"/stakeholders/{person}/erase")
    missing = client.post(f"/stakeholders/{'x' * len(person)}/erase")
    assert unseen.status_code == missing.status_code == 404
    assert unseen.content.replace(person.encode(), b"x" * len(person)) == missing.content
