"""Every route × every role × (own account, other account): who gets through, who gets
403, and for whom the record does not exist (404).

The routes come from the app itself; :data:`POLICY` says, by hand, what each one
allows. A route missing from it fails :func:`test_every_route_has_a_policy`, so a new
route cannot ship without its access rule. The callers: ``tm-jonas`` (kam) and
``tm-akiko`` (viewer) are on Helix's team and not Orbital's; ``tm-ben`` is a leader; an
admin. "Through" means the request passed access control: any answer but 401, 403 or
404, and never a 5xx (an allowed create with a made-up body may be a 201, 409 or 422;
a change without If-Match a 428, which writes nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api import service
from api.app import create_app
from api.service import load_sample
from graph.access import LOCAL, SERVE_ADMIN, Role
from graph.model import Portfolio
from graph.sample import sample_portfolio
from graph.settings import Settings
from graph.store import open_store

from ..conftest import bearer

OWN: Final = "helix"
OTHER: Final = "orbital"
CALLERS: Final = {
    "admin": (SERVE_ADMIN, Role.admin),
    "leader": ("tm-ben", Role.leader),
    "kam": ("tm-jonas", Role.kam),
    "viewer": ("tm-akiko", Role.viewer),
}

# What each route allows (by method and path):
OPEN = "open"  # anyone, no token needed
ANY = "any"  # any caller with a token (lists show only what they may see)
ADMIN = "admin"  # admins only: 403 for the rest
WRITER = "writer"  # admins and kams (shared records such as competitors)
READ = "read"  # the account's readers; 404 for the rest
WRITE = "write"  # 404 for who cannot see the account, 403 for its read-only callers
ADMIN_ON_ACCOUNT = "admin on account"  # 404 for who cannot see it, 403 but for admins
CREATE = "create"  # account in the body: 403 for read-only roles, unseen = unknown (422)
CREATE_ACCOUNT = "create account"  # admins and kams (who become its quarterback)

POLICY: Final[dict[tuple[str, str], str]] = {
    ("GET", "/health"): OPEN,
    ("GET", "/login"): OPEN,
    ("POST", "/login"): OPEN,
    ("POST", "/logout"): ANY,
    ("GET", "/openapi.json"): ANY,
    ("GET", "/docs"): ANY,
    ("GET", "/"): ANY,
    ("GET", "/ui/portfolio"): ANY,  # of the accounts the caller sees
    ("GET", "/ui/board.js"): OPEN,  # the board's drawing code, no data: a static file
    ("GET", "/tokens"): ADMIN,
    ("POST", "/tokens"): ADMIN,
    ("DELETE", "/tokens/{token_id}"): ADMIN,
    ("GET", "/ui/tokens"): ADMIN,
    ("POST", "/ui/tokens"): ADMIN,
    ("POST", "/ui/tokens/{token_id}/revoke"): ADMIN,
    ("GET", "/accounts"): ANY,
    ("GET", "/portfolio"): ANY,  # of the accounts the caller sees
    ("POST", "/accounts"): CREATE_ACCOUNT,
    ("GET", "/accounts/{account_id}"): READ,
    ("PATCH", "/accounts/{account_id}"): WRITE,
    ("DELETE", "/accounts/{account_id}"): ADMIN_ON_ACCOUNT,
    ("GET", "/accounts/{account_id}/graph"): READ,
    ("GET", "/accounts/{account_id}/analysis"): READ,
    ("GET", "/accounts/{account_id}/board"): READ,
    ("GET", "/accounts/{account_id}/board.svg"): READ,
    ("GET", "/accounts/{account_id}/review"): READ,
    ("GET", "/accounts/{account_id}/changes"): READ,
    ("GET", "/accounts/{account_id}/history"): READ,
    ("POST", "/stakeholders/{stakeholder_id}/erase"): ADMIN_ON_ACCOUNT,
    ("GET", "/team-members"): ANY,
    ("POST", "/team-members"): ADMIN,
    ("GET", "/team-members/{member_id}"): ANY,
    ("PATCH", "/team-members/{member_id}"): ADMIN,
    ("DELETE", "/team-members/{member_id}"): ADMIN,
    ("GET", "/competitors"): ANY,
    ("POST", "/competitors"): WRITER,
    ("GET", "/competitors/{competitor_id}"): ANY,
    ("PATCH", "/competitors/{competitor_id}"): ADMIN,
    ("DELETE", "/competitors/{competitor_id}"): ADMIN,
    ("GET", "/ui/accounts/{account_id}"): READ,
    ("GET", "/ui/accounts/{account_id}/board.json"): READ,
    ("GET", "/ui/accounts/{account_id}/history"): READ,
    ("GET", "/ui/accounts/{account_id}/stakeholders/{stakeholder_id}"): READ,
    ("POST", "/ui/accounts/{account_id}/stakeholders/{stakeholder_id}"): WRITE,
    ("POST", "/ui/accounts/{account_id}/stakeholders/{stakeholder_id}/owner"): WRITE,
    ("POST", "/ui/accounts/{account_id}/stakeholders/{stakeholder_id}/relationships"): WRITE,
    ("POST", "/ui/accounts/{account_id}/stakeholders/{stakeholder_id}/interactions"): WRITE,
}
#: The records on an account, by URL segment (and whether they have fields to PATCH):
#: listed by anyone (filtered), created with the account in the body, read by its
#: readers, changed by its writers.
ACCOUNT_RECORDS: Final = {
    "stakeholders": ("{stakeholder_id}", True),
    "interactions": ("{interaction_id}", True),
    "relationships": ("{member_id}/{stakeholder_id}", True),
    "account-team": ("{account_id}/{member_id}/{role}", False),
    "reporting-lines": ("{stakeholder_id}", True),
    "influence-lines": ("{source_id}/{target_id}", True),
    "conflicts": ("{stakeholder_id}/{other_id}", False),
    "owners": ("{stakeholder_id}", True),
    "favors": ("{stakeholder_id}/{competitor_id}", False),
}
for _segment, (_key, _patched) in ACCOUNT_RECORDS.items():
    POLICY[("GET", f"/{_segment}")] = ANY
    POLICY[("POST", f"/{_segment}")] = CREATE
    POLICY[("GET", f"/{_segment}/{_key}")] = READ
    POLICY[("DELETE", f"/{_segment}/{_key}")] = WRITE
    if _patched:
        POLICY[("PATCH", f"/{_segment}/{_key}")] = WRITE

#: Query parameters a route needs to get past its own validation.
QUERY: Final = {"/accounts/{account_id}/changes": {"since": "2026-01-01"}}


def routes(app: FastAPI) -> Iterator[APIRoute]:
    """Every route the app answers, included routers walked."""

    def walk(found: list[Any]) -> Iterator[APIRoute]:
        for route in found:
            if isinstance(route, APIRoute):
                yield route
            elif hasattr(route, "original_router"):
                yield from walk(route.original_router.routes)

    yield from walk(app.routes)


ROUTE_TABLE: Final = sorted(
    (method, route.path)
    for route in routes(create_app(Settings(store="embedded:/nonexistent")))
    for method in route.methods
    if method != "HEAD"
)


def test_every_route_has_a_policy() -> None:
    missing = [f"{m} {p}" for m, p in ROUTE_TABLE if (m, p) not in POLICY]
    assert not missing, f"routes without an access rule in POLICY: {missing}"
    stale = [f"{m} {p}" for m, p in POLICY if (m, p) not in ROUTE_TABLE]
    assert not stale, f"POLICY names routes the app does not have: {stale}"


# --- the records each path names, on the caller's own account and on the other ---------


def _pick(portfolio: Portfolio, account: str) -> dict[str, dict[str, str]]:
    """Per URL segment, one stored record of ``account`` as path parameters."""
    where = {s.id: s.account_id for s in portfolio.stakeholders}

    def first(records: Any, field: str = "stakeholder_id") -> dict[str, str]:
        record = next(r for r in records if where[getattr(r, field)] == account)
        return {k: str(v) for k, v in record.model_dump(mode="json").items() if v is not None}

    person = next(s for s in portfolio.stakeholders if s.account_id == account)
    meeting = next(i for i in portfolio.interactions if i.account_id == account)
    seat = next(t for t in portfolio.team if t.account_id == account)
    return {
        "accounts": {"account_id": account},
        "stakeholders": {"stakeholder_id": person.id, "account_id": account},
        "interactions": {"interaction_id": meeting.id},
        "relationships": first(portfolio.knows),
        "account-team": {"account_id": account, "member_id": seat.member_id, "role": seat.role},
        "reporting-lines": first(portfolio.reports_to),
        "influence-lines": first(portfolio.influences, "source_id"),
        "conflicts": first(portfolio.conflicts),
        "owners": first(portfolio.owners),
        "favors": first(portfolio.favors),
        # Erased by the admin's calls: people no other route names.
        "erase": {
            "stakeholder_id": [s.id for s in portfolio.stakeholders if s.account_id == account][-1]
        },
    }


def _bodies(portfolio: Portfolio, account: str, who: str) -> dict[str, dict[str, Any]]:
    """A valid body per create route for ``account`` (ids unique per caller)."""
    people = [s.id for s in portfolio.stakeholders if s.account_id == account]
    members = sorted({t.member_id for t in portfolio.team if t.account_id == account})
    # Never one of the callers: a new seat on a team would change what they see.
    outsider = next(m.id for m in portfolio.team_members if m.id not in members and m.id not in
                    {c[0] for c in CALLERS.values()})  # fmt: skip
    tag = f"mx-{who}-{account}"
    return {
        "/accounts": {"id": tag, "name": "Matrix account"},
        "/stakeholders": {"id": tag, "account_id": account, "name": "Matrix person"},
        "/interactions": {
            "id": tag,
            "account_id": account,
            "date": "2026-11-20",
            "channel": "call",
            "member_ids": [members[0]],
            "stakeholder_ids": [people[0]],
        },
        "/relationships": {"member_id": members[0], "stakeholder_id": people[-2], "strength": 2},
        "/account-team": {"account_id": account, "member_id": outsider, "role": "specialist"},
        "/reporting-lines": {"stakeholder_id": people[-2], "manager_id": people[0]},
        "/influence-lines": {"source_id": people[-2], "target_id": people[1], "weight": 2},
        "/conflicts": {"stakeholder_id": people[-2], "other_id": people[2]},
        "/owners": {"stakeholder_id": people[-2], "member_id": members[0]},
        "/favors": {"stakeholder_id": people[-2], "competitor_id": portfolio.competitors[0].id},
        "/competitors": {"id": tag, "name": "Matrix rival"},
        "/team-members": {"id": tag, "name": "Matrix colleague"},
        "/tokens": {"member_id": outsider, "role": "viewer"},
    }


def expected(policy: str, role: str, scope: str) -> str:
    """``through``, or the status a caller with ``role`` gets on ``scope``'s record."""
    sees = role in ("admin", "leader") or scope == "own"
    writes = role == "admin" or (role == "kam" and scope == "own")
    if policy in (OPEN, ANY):
        return "through"
    if policy == ADMIN:
        return "through" if role == "admin" else "403"
    if policy in (WRITER, CREATE_ACCOUNT):
        return "through" if role in ("admin", "kam") else "403"
    if policy == READ:
        return "through" if sees else "404"
    if policy == WRITE:
        return "404" if not sees else "through" if writes else "403"
    if policy == ADMIN_ON_ACCOUNT:
        return "404" if not sees else "through" if role == "admin" else "403"
    if policy == CREATE:  # a role that writes nothing is refused whatever the account
        return "403" if role in ("leader", "viewer") else "through" if writes else "422"
    raise AssertionError(policy)


@pytest.fixture(scope="module")
def matrix(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], dict[str, str]]]:
    """The app on a store holding the sample, a token per caller, and victims for the
    calls that do what they say (revoking a token, erasing a person)."""
    settings = Settings(store=f"embedded:{tmp_path_factory.mktemp('matrix')}")
    with open_store(settings) as store:
        load_sample(store)
        headers = {who: bearer(store, role, member) for who, (member, role) in CALLERS.items()}
        victims = {
            f"{who}-{n}": service.create_token(store, LOCAL, "tm-rafael", Role.viewer).record.id
            for who in CALLERS
            for n in range(2)
        }
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        yield client, headers, victims


def _call(
    client: TestClient,
    headers: dict[str, str],
    victims: dict[str, str],
    method: str,
    path: str,
    who: str,
    scope: str,
) -> int:
    portfolio = sample_portfolio()
    account = OWN if scope == "own" else OTHER
    picks = _pick(portfolio, account)
    segment = path.strip("/").split("/")[0]
    params: dict[str, str] = {}
    if segment in ("accounts", "ui") and "{account_id}" in path:
        params |= picks["stakeholders"]
    if segment in picks:
        params |= picks[segment]
    if path.endswith("/erase"):
        params |= picks["erase"]
    params |= {"member_id": params.get("member_id", "tm-rafael"), "competitor_id":
               params.get("competitor_id", portfolio.competitors[0].id)}  # fmt: skip
    params["token_id"] = victims[f"{who}-{int(path.startswith('/ui'))}"]
    url = path.format(**params)
    body = _bodies(portfolio, account, who).get(path) if method == "POST" else None
    answer = client.request(
        method, url, params=QUERY.get(path), json=body, headers=headers.get(who, {})
    )
    assert answer.status_code < 500, (method, url, who, answer.text)
    return answer.status_code


@pytest.mark.parametrize(("method", "path"), ROUTE_TABLE)
def test_the_access_matrix(
    matrix: tuple[TestClient, dict[str, dict[str, str]], dict[str, str]], method: str, path: str
) -> None:
    client, headers, victims = matrix
    policy = POLICY[(method, path)]
    scopes = ("own", "other") if policy in (READ, WRITE, ADMIN_ON_ACCOUNT, CREATE) else ("own",)
    nobody = _call(client, {}, victims, method, path, "admin", "own")
    assert (nobody in (401,)) != (policy == OPEN), f"{method} {path} without a token: {nobody}"
    # The callers refused first, so a call that does what it says comes last.
    cases = sorted(
        ((who, scope) for who in CALLERS for scope in scopes),
        key=lambda case: expected(policy, *case) == "through",
    )
    for who, scope in cases:
        want = expected(policy, who, scope)
        got = _call(client, headers, victims, method, path, who, scope)
        if want == "through":
            assert got not in (401, 403, 404), f"{method} {path} as {who} on {scope}: {got}"
        else:
            assert str(got) == want, f"{method} {path} as {who} on {scope}: {got}, not {want}"
