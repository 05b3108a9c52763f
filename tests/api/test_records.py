"""The write API over real HTTP, on each engine: a CRUD round trip for every resource,
lists, explicit removals recorded by history, 422s with field paths, 409."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.records import RESOURCES
from graph.access import Role
from graph.model import (
    Account,
    Competitor,
    ConflictsWith,
    Influences,
    Knows,
    Ownership,
    Portfolio,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
    TeamMember,
)
from graph.settings import Settings
from graph.store import open_store

from ..conftest import api_client, write_recorded

pytestmark = pytest.mark.usefixtures("recorded_as_stored")  # see tests/conftest.py

#: Two accounts: kim is acme's quarterback and vic on its team; raj is globex's.
TEAM = Portfolio(
    accounts=[Account(id="acme", name="Acme"), Account(id="globex", name="Globex")],
    team_members=[
        TeamMember(id="kim", name="Kim"),
        TeamMember(id="raj", name="Raj"),
        TeamMember(id="vic", name="Vic"),
    ],
    team=[
        TeamAssignment(member_id="kim", account_id="acme", role="quarterback"),
        TeamAssignment(member_id="vic", account_id="acme", role="service"),
        TeamAssignment(member_id="raj", account_id="globex", role="quarterback"),
    ],
    stakeholders=[
        Stakeholder(id="ceo", account_id="acme", name="Cy", seniority="c_level"),
        Stakeholder(id="cto", account_id="acme", name="Ty", title="CTO"),
        Stakeholder(id="cfo", account_id="acme", name="Fi"),
        Stakeholder(id="g-ceo", account_id="globex", name="Gil"),
    ],
    competitors=[Competitor(id="rival", name="Rival Inc")],
)

#: The lines of acme, for the removals.
LINES = Portfolio(
    knows=[Knows(member_id="kim", stakeholder_id="ceo", strength=3)],
    owners=[Ownership(member_id="kim", stakeholder_id="ceo")],
    reports_to=[ReportsTo(stakeholder_id="cto", manager_id="ceo")],
    influences=[Influences(source_id="cfo", target_id="ceo", weight=4)],
    conflicts=[ConflictsWith(stakeholder_id="cto", other_id="cfo")],
)


@pytest.fixture
def team(store_settings: Settings) -> Settings:
    """A store holding TEAM and LINES."""
    with open_store(store_settings) as store:
        write_recorded(store, TEAM)
        write_recorded(store, LINES)
    return store_settings


@pytest.fixture
def kim(team: Settings) -> Iterator[TestClient]:
    """acme's quarterback."""
    with api_client(team, role=Role.kam, member="kim") as client:
        yield client


@pytest.fixture
def admin(team: Settings) -> Iterator[TestClient]:
    with api_client(team, role=Role.admin, member="raj") as client:
        yield client


#: resource → a new record, the path of one, a patch (None: no fields to change)
ROUND_TRIPS: dict[str, tuple[dict[str, Any], str, dict[str, Any] | None]] = {
    "accounts": ({"id": "initech", "name": "Initech"}, "/accounts/initech", {"tier": "gold"}),
    "stakeholders": (
        {"id": "vp", "account_id": "acme", "name": "Vi", "dmu_roles": ["champion"]},
        "/stakeholders/vp",
        {"stance": "supporter", "influence": 4, "notes": "Met at the summit"},
    ),
    "team-members": ({"id": "ann", "name": "Ann"}, "/team-members/ann", {"title": "AE"}),
    "competitors": ({"id": "other", "name": "Other"}, "/competitors/other", {"name": "Other Ltd"}),
    "interactions": (
        {
            "id": "call-1",
            "account_id": "acme",
            "date": "2026-11-02",
            "channel": "call",
            "member_ids": ["kim"],
            "stakeholder_ids": ["ceo"],
        },
        "/interactions/call-1",
        {"summary": "Renewal scope", "stakeholder_ids": ["ceo", "cto"]},
    ),
    "relationships": (
        {"member_id": "vic", "stakeholder_id": "cto", "strength": 2},
        "/relationships/vic/cto",
        {
            "strength": 4,
            "rated_on": "2026-11-21",
            "level": "problem_solver",
            "target_level": "trusted_advisor",
            "last_contact": "2026-11-20",
            "source": "QBR",
        },
    ),
    "account-team": (
        {"account_id": "acme", "member_id": "raj", "role": "specialist"},
        "/account-team/acme/raj/specialist",
        None,
    ),
    "reporting-lines": (
        {"stakeholder_id": "cfo", "manager_id": "ceo"},
        "/reporting-lines/cfo",
        {"manager_id": "cto"},
    ),
    "influence-lines": (
        {"source_id": "cto", "target_id": "ceo", "weight": 2},
        "/influence-lines/cto/ceo",
        {"weight": 5},
    ),
    "conflicts": ({"stakeholder_id": "ceo", "other_id": "cfo"}, "/conflicts/ceo/cfo", None),
    "owners": ({"stakeholder_id": "cto", "member_id": "kim"}, "/owners/cto", {"member_id": "vic"}),
    "favors": ({"stakeholder_id": "ceo", "competitor_id": "rival"}, "/favors/ceo/rival", None),
}


def test_every_resource_has_a_round_trip() -> None:
    assert set(ROUND_TRIPS) == set(RESOURCES)
    for name, (_, _, patch) in ROUND_TRIPS.items():
        assert (patch is not None) == RESOURCES[name].patchable, name


@pytest.mark.parametrize("resource", sorted(ROUND_TRIPS))
def test_a_record_round_trip(team: Settings, resource: str) -> None:
    """create → read with its ETag → patch → read → delete → 404, as kim (an admin
    token, so the shared records are in reach too), recorded under kim's name."""
    new, path, patch = ROUND_TRIPS[resource]
    with api_client(team, role=Role.admin, member="kim") as client:
        created = client.post(f"/{resource}", json=new)
        assert created.status_code == 201, created.text
        assert created.headers["location"] == path
        assert created.headers["etag"] == f'"{created.json()["version"]}"'
        assert {k: created.json()[k] for k in new} == new
        read = client.get(path)
        assert read.status_code == 200
        assert (read.json(), read.headers["etag"]) == (created.json(), created.headers["etag"])
        etag = read.headers["etag"]
        if patch is not None:
            changed = client.patch(path, json=patch, headers={"If-Match": etag})
            assert changed.status_code == 200, changed.text
            assert {k: changed.json()[k] for k in patch} == patch
            assert changed.headers["etag"] not in (etag, None)
            again = client.get(path)
            assert (again.json(), again.headers["etag"]) == (
                changed.json(),
                changed.headers["etag"],
            )
            etag = again.headers["etag"]
        listed = client.get(f"/{resource}", params={"limit": 500}).json()
        assert client.get(path).json() in listed["items"]
        assert client.delete(path, headers={"If-Match": etag}).status_code == 204
        gone = client.get(path)
        assert gone.status_code == 404
        assert gone.json()["detail"].startswith(f"no {RESOURCES[resource].noun} with id ")
        if resource not in ("team-members", "competitors", "accounts"):
            log = client.get("/accounts/acme/history", params={"per_page": 100}).json()
            mine = [c for c in log["changes"] if c["actor"] == "kim"]
            assert mine and mine[0]["kind"].endswith("_removed"), mine


def test_a_merge_patch_is_accepted_as_such_and_null_removes_a_field(kim: TestClient) -> None:
    etag = kim.get("/stakeholders/cto").headers["etag"]
    answer = kim.patch(
        "/stakeholders/cto",
        content=b'{"title": null, "stance": "skeptic"}',
        headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"},
    )
    assert answer.status_code == 200, answer.text
    assert (answer.json()["title"], answer.json()["stance"]) == (None, "skeptic")
    graph = kim.get("/accounts/acme/graph").json()
    (cto,) = [s for s in graph["stakeholders"] if s["id"] == "cto"]
    assert (cto["title"], cto["stance"]) == (None, "skeptic")


def test_an_unchanged_patch_keeps_the_version_and_records_nothing(kim: TestClient) -> None:
    etag = kim.get("/stakeholders/cto").headers["etag"]
    before = kim.get("/accounts/acme/history").json()["total"]
    same = kim.patch("/stakeholders/cto", json={"title": "CTO"}, headers={"If-Match": etag})
    assert (same.status_code, same.headers["etag"]) == (200, etag)
    assert kim.get("/accounts/acme/history").json()["total"] == before


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/owners/ceo", "owner_removed"),
        ("/relationships/kim/ceo", "relationship_removed"),
        ("/reporting-lines/cto", "line_removed"),
        ("/influence-lines/cfo/ceo", "line_removed"),
        ("/conflicts/cfo/cto", "line_removed"),  # stored the other way round
    ],
)
def test_explicit_removals_are_recorded_with_the_caller(
    kim: TestClient, path: str, kind: str
) -> None:
    assert kim.delete(path, headers={"If-Match": "*"}).status_code == 204
    assert kim.get(path).status_code == 404
    newest = kim.get("/accounts/acme/history").json()["changes"][0]
    assert (newest["kind"], newest["actor"]) == (kind, "kim")
    graph = kim.get("/accounts/acme/graph").json()
    held = [len(graph[k]) for k in ("owners", "knows", "reports_to", "influences", "conflicts")]
    assert sum(held) == 4


def test_deleting_a_stakeholder_takes_their_edges_and_keeps_their_history(
    kim: TestClient,
) -> None:
    etag = kim.get("/stakeholders/ceo").headers["etag"]
    assert kim.delete("/stakeholders/ceo", headers={"If-Match": etag}).status_code == 204
    for path in ("/stakeholders/ceo", "/owners/ceo", "/relationships/kim/ceo"):
        assert kim.get(path).status_code == 404, path
    assert kim.get("/reporting-lines", params={"account_id": "acme"}).json()["total"] == 0
    removed = {c["kind"] for c in kim.get("/accounts/acme/history").json()["changes"]}
    assert {"stakeholder_removed", "owner_removed", "relationship_removed"} <= removed


def test_lists_page_in_key_order_and_filter(admin: TestClient) -> None:
    first = admin.get("/stakeholders", params={"limit": 2}).json()
    assert ([s["id"] for s in first["items"]], first["total"]) == (["ceo", "cfo"], 4)
    assert (first["limit"], first["offset"]) == (2, 0)
    rest = admin.get("/stakeholders", params={"limit": 2, "offset": 2}).json()
    assert [s["id"] for s in rest["items"]] == ["cto", "g-ceo"]
    beyond = admin.get("/stakeholders", params={"offset": 10}).json()
    assert (beyond["items"], beyond["total"]) == ([], 4)
    at_globex = admin.get("/stakeholders", params={"account_id": "globex"}).json()
    assert [s["id"] for s in at_globex["items"]] == ["g-ceo"]
    assert [s["id"] for s in admin.get("/stakeholders", params={"q": "GIL"}).json()["items"]] == [
        "g-ceo"
    ]
    either_side = admin.get("/conflicts", params={"stakeholder_id": "cfo"}).json()["items"]
    assert [(c["stakeholder_id"], c["other_id"]) for c in either_side] == [("cto", "cfo")]
    team = admin.get("/account-team", params={"account_id": "acme"}).json()["items"]
    assert [(t["member_id"], t["role"]) for t in team] == [
        ("kim", "quarterback"),
        ("vic", "service"),
    ]
    assert admin.get("/relationships", params={"member_id": "raj"}).json()["total"] == 0
    assert admin.get("/accounts").json()["total"] == 2
    for paging in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"offset": 2**63}):
        assert admin.get("/stakeholders", params=paging).status_code == 422, paging


def test_a_kam_sees_and_lists_only_their_accounts(kim: TestClient) -> None:
    assert [a["id"] for a in kim.get("/accounts").json()["items"]] == ["acme"]
    listed = kim.get("/stakeholders").json()
    assert (listed["total"], "g-ceo" in {s["id"] for s in listed["items"]}) == (3, False)
    assert kim.get("/stakeholders", params={"account_id": "globex"}).json()["total"] == 0
    assert kim.get("/account-team", params={"member_id": "raj"}).json()["total"] == 0
    assert kim.get("/team-members").json()["total"] == 3  # everyone's
    assert kim.get("/competitors/rival").status_code == 200


def test_a_kam_editing_another_account_gets_the_404_of_a_missing_record(kim: TestClient) -> None:
    """Before the body or If-Match is looked at: neither tells them it exists."""
    for path in ("/stakeholders/g-ceo", "/stakeholders/nobody"):
        for answer in (
            kim.get(path),
            kim.patch(path, json={"stance": "nonsense"}),
            kim.delete(path),
        ):
            assert answer.status_code == 404, (path, answer.text)
            assert answer.json() == {"detail": f"no stakeholder with id {path.split('/')[-1]!r}"}
    assert kim.get("/accounts/globex").status_code == 404
    assert kim.get("/account-team/globex/raj/quarterback").status_code == 404


def test_a_viewer_editing_their_own_account_gets_403(team: Settings) -> None:
    with api_client(team, role=Role.viewer, member="vic") as vic:
        assert vic.get("/stakeholders/ceo").status_code == 200
        for answer in (
            vic.patch("/stakeholders/ceo", json={"stance": "nonsense"}),
            vic.delete("/owners/ceo"),
            vic.post("/stakeholders", json={"id": "new", "account_id": "acme", "name": "N"}),
        ):
            assert answer.status_code == 403, answer.text
        assert vic.get("/stakeholders/g-ceo").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("delete", "/accounts/acme", None),
        ("patch", "/team-members/kim", {"title": "Boss"}),
        ("post", "/team-members", {"id": "x", "name": "X"}),
        ("patch", "/competitors/rival", {"name": "R"}),
    ],
)
def test_what_only_admins_do(kim: TestClient, method: str, path: str, body: Any) -> None:
    answer = kim.request(method, path, json=body, headers={"If-Match": "*"})
    assert answer.status_code == 403, answer.text


def test_a_kam_creates_an_account_and_becomes_its_quarterback(team: Settings) -> None:
    with api_client(team, role=Role.kam, member="kim") as kim:
        assert kim.post("/accounts", json={"id": "initech", "name": "Initech"}).status_code == 201
        assert kim.get("/accounts/initech").status_code == 200
        assert kim.get("/account-team/initech/kim/quarterback").status_code == 200
        assert kim.post("/competitors", json={"id": "new-rival", "name": "N"}).status_code == 201


def test_what_a_new_record_names_on_an_unseen_account_is_unknown(kim: TestClient) -> None:
    """Refused exactly as if it did not exist, with the field named."""
    for body, field, message in [
        (
            {"id": "new", "account_id": "globex", "name": "N"},
            "account_id",
            "stakeholder 'new': unknown account 'globex'",
        ),
        (
            {"source_id": "ceo", "target_id": "g-ceo"},
            "target_id",
            "influence line 'ceo': unknown stakeholder 'g-ceo'",
        ),
    ]:
        resource = "stakeholders" if "id" in body else "influence-lines"
        answer = kim.post(f"/{resource}", json=body)
        assert answer.status_code == 422, answer.text
        assert answer.json()["problems"] == [{"field": field, "msg": message}]
    moved = kim.patch("/stakeholders/cto", json={"account_id": "globex"}, headers={"If-Match": "*"})
    assert moved.json()["problems"] == [
        {"field": "account_id", "msg": "stakeholder 'cto': unknown account 'globex'"}
    ]


def test_an_admin_moves_a_stakeholder_by_patching_their_account(admin: TestClient) -> None:
    moved = admin.patch(
        "/stakeholders/cfo", json={"account_id": "globex"}, headers={"If-Match": "*"}
    )
    assert moved.status_code == 200, moved.text
    at_globex = admin.get("/stakeholders", params={"account_id": "globex"}).json()["items"]
    assert {s["id"] for s in at_globex} == {"cfo", "g-ceo"}
    assert admin.get("/influence-lines/cfo/ceo").status_code == 404  # dropped by the move


def test_an_interaction_cannot_name_another_accounts_stakeholder(admin: TestClient) -> None:
    body = {
        "id": "m",
        "account_id": "acme",
        "date": "2026-11-02",
        "channel": "meeting",
        "member_ids": ["kim"],
        "stakeholder_ids": ["ceo", "g-ceo"],
    }
    answer = admin.post("/interactions", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["problems"] == [
        {
            "field": "stakeholder_ids",
            "msg": "interaction 'm': stakeholder 'g-ceo' works at 'globex', not 'acme'",
        }
    ]
    assert admin.get("/interactions/m").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "body", "problems"),
    [
        (
            "post",
            "/stakeholders",
            {"id": "x", "account_id": "nope", "name": "X"},
            [{"field": "account_id", "msg": "stakeholder 'x': unknown account 'nope'"}],
        ),
        (
            "post",
            "/interactions",
            {
                "id": "m",
                "account_id": "acme",
                "date": "2026-11-02",
                "channel": "meeting",
                "member_ids": ["kim", "ghost"],
                "stakeholder_ids": ["nobody"],
            },
            [
                {"field": "member_ids", "msg": "interaction 'm': unknown team member 'ghost'"},
                {
                    "field": "stakeholder_ids",
                    "msg": "interaction 'm': unknown stakeholder 'nobody'",
                },
            ],
        ),
        (
            "patch",
            "/reporting-lines/cto",
            {"manager_id": "cto"},
            [{"field": None, "msg": "Value error, stakeholder 'cto' cannot report to themselves"}],
        ),
        (
            "post",
            "/reporting-lines",
            {"stakeholder_id": "ceo", "manager_id": "cto"},
            [{"field": "manager_id", "msg": "reporting lines form a cycle: ceo → cto → ceo"}],
        ),
        (
            "patch",
            "/stakeholders/cto",
            {"name": None},
            [{"field": "name", "msg": "name: Field required"}],
        ),
        (
            "post",
            "/relationships",
            {"member_id": "kim", "stakeholder_id": "g-ceo"},
            [
                {
                    "field": "stakeholder_id",
                    "msg": "relationship of 'kim': unknown stakeholder 'g-ceo'",
                }
            ],
        ),
    ],
)
def test_a_refused_write_lists_each_problem_with_its_field(
    kim: TestClient, method: str, path: str, body: Any, problems: list[dict]
) -> None:
    answer = kim.request(method, path, json=body, headers={"If-Match": "*"})
    assert answer.status_code == 422, answer.text
    assert answer.json()["problems"] == problems
    assert kim.get("/accounts/acme/history").json()["changes"][0]["actor"] == "test fixture"


@pytest.mark.parametrize(
    ("method", "path", "body", "loc"),
    [
        (
            "post",
            "/stakeholders",
            {"id": "x", "account_id": "acme", "name": "X", "stance": "?"},
            ["body", "stance"],
        ),
        ("post", "/stakeholders", {"id": "x", "account_id": "acme"}, ["body", "name"]),
        ("patch", "/influence-lines/cfo/ceo", {"weight": 9}, ["body", "weight"]),
        ("patch", "/stakeholders/cto", {"id": "renamed"}, ["body", "id"]),
        ("patch", "/stakeholders/cto", [1], ["body"]),
        (
            "post",
            "/relationships",
            {"member_id": "kim", "stakeholder_id": "cto", "strength": "a lot"},
            ["body", "strength"],
        ),
    ],
)
def test_a_malformed_body_is_a_422_naming_the_field(
    kim: TestClient, method: str, path: str, body: Any, loc: list[str]
) -> None:
    answer = kim.request(method, path, json=body, headers={"If-Match": "*"})
    assert answer.status_code == 422, answer.text
    assert [p["loc"] for p in answer.json()["detail"]] == [loc]


def test_a_body_that_is_not_json_is_a_422(kim: TestClient) -> None:
    answer = kim.post(
        "/stakeholders", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 422


@pytest.mark.parametrize(
    ("resource", "body", "detail"),
    [
        (
            "stakeholders",
            {"id": "ceo", "account_id": "acme", "name": "Other"},
            "a stakeholder with id 'ceo' already exists",
        ),
        (
            "stakeholders",
            {"id": "g-ceo", "account_id": "acme", "name": "G"},
            "a stakeholder with id 'g-ceo' already exists",
        ),
        (
            "conflicts",
            {"stakeholder_id": "cfo", "other_id": "cto"},
            "a conflict line with id 'cfo/cto' already exists",
        ),
        (
            "owners",
            {"stakeholder_id": "ceo", "member_id": "vic"},
            "an owner with id 'ceo' already exists",
        ),
        (
            "account-team",
            {"account_id": "acme", "member_id": "vic", "role": "specialist"},
            "a team role with id 'acme/vic/specialist' already exists",
        ),
    ],
)
def test_creating_what_exists_is_409(
    kim: TestClient, resource: str, body: dict, detail: str
) -> None:
    answer = kim.post(f"/{resource}", json=body)
    assert (answer.status_code, answer.json()) == (409, {"detail": detail})


def test_an_accounts_currency_is_edited_with_the_imports_validation(kim: TestClient) -> None:
    etag = kim.get("/accounts/acme").headers["etag"]
    assert kim.get("/accounts/acme").json()["currency"] is None  # not recorded
    for bad in ("usd", "EURO", "€"):
        refused = kim.patch("/accounts/acme", json={"currency": bad}, headers={"If-Match": etag})
        assert refused.status_code == 422, refused.text
        (problem,) = refused.json()["detail"]
        assert problem["loc"] == ["body", "currency"] and "ISO 4217" in problem["msg"]
    answer = kim.patch("/accounts/acme", json={"currency": "GBP"}, headers={"If-Match": etag})
    assert answer.status_code == 200, answer.text
    assert kim.get("/accounts/acme").json()["currency"] == "GBP"
    change = kim.get("/accounts/acme/history").json()["changes"][0]
    assert (change["field"], change["before"], change["after"]) == ("currency", None, "GBP")
