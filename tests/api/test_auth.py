"""Logging in (api/auth.py, api/routes/session.py, api/routes/tokens.py, the token CLI),
tried the way an attacker would, through real HTTP into the app on each engine: tokens
kept only as hashes; bearer tokens and session cookies, tampered, revoked, misplaced; the
CSRF token on cookie-borne changes; the login URL and logout."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api import service
from api.app import create_app
from api.auth import CSRF_HEADER, SESSION_COOKIE, Sessions
from api.service import load_sample
from graph.access import LOCAL, SERVE_ADMIN, Role, secret_hash
from graph.engine_embedded import EmbeddedEngine
from graph.settings import Settings
from graph.store import open_store

#: A team member of the sample portfolio, on the orbital account's team only.
MEMBER = "tm-maria"


@dataclass
class Issued:
    """A token issued for a test: its secret and its id."""

    secret: str
    id: str

    @property
    def header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


def issue(settings: Settings, role: Role = Role.admin, member: str = SERVE_ADMIN) -> Issued:
    with open_store(settings) as store:
        issued = service.create_token(store, LOCAL, member, role)
    return Issued(issued.token, issued.record.id)


@pytest.fixture
def sample(store_settings: Settings) -> Settings:
    """Settings naming a store of the test's own holding the sample portfolio."""
    with open_store(store_settings) as store:
        load_sample(store)
    return store_settings


@pytest.fixture
def app_client(sample: Settings) -> Iterator[TestClient]:
    """The app with no credentials of its own: each request brings them, as a browser's
    cookie jar or a script's header does."""
    with TestClient(create_app(sample), base_url="http://localhost") as client:
        yield client


def log_in(client: TestClient, token: Issued) -> str:
    """Open the token's login URL in ``client`` (its cookie jar keeps the session); the
    session's CSRF token."""
    answer = client.get("/login", params={"token": token.secret}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    sessions: Sessions = client.app.state.sessions  # type: ignore[attr-defined]
    return sessions.csrf(token.id)


def kamgraph(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """The real ``kamgraph`` command on the store, stdout and stderr apart."""
    return subprocess.run(
        [sys.executable, "-m", "api.cli", "--store", settings.store, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,
    )


# --- tokens ------------------------------------------------------------------------------


def test_the_store_keeps_a_hash_of_a_token_never_the_token(
    sample: Settings, app_client: TestClient
) -> None:
    admin = issue(sample)
    made = app_client.post(
        "/tokens", json={"member_id": MEMBER, "role": "kam"}, headers=admin.header
    )
    assert made.status_code == 201, made.text
    secrets = [admin.secret, made.json()["token"]]
    assert all(s.startswith("kg_") for s in secrets)
    with open_store(sample) as store:
        dumped = "\n".join(store.dump())
    for secret in secrets:
        assert secret_hash(secret) in dumped  # the dump reads the token nodes …
        assert secret not in dumped  # … which hold no secret
        assert secret[3:] not in dumped
    if not sample.is_neo4j:  # and neither do the engine's files
        folder = Path(sample.store.partition(":")[2])
        EmbeddedEngine(folder).execute_command("BGREWRITEAOF")
        files = [p.read_bytes() for p in folder.rglob("*") if p.is_file()]
        assert any(secret_hash(secrets[1]).encode() in f for f in files)
        for secret in secrets:
            assert not any(secret[3:].encode() in f for f in files)


def test_the_token_cli_creates_lists_and_revokes(sample: Settings, app_client: TestClient) -> None:
    created = kamgraph(sample, "token", "create", "--member", MEMBER, "--role", "viewer")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.removesuffix("\n")
    assert "\n" not in secret and secret.startswith("kg_"), created.stdout  # the token alone
    token_id = created.stderr.split()[1]
    assert f"token {token_id} for {MEMBER} (viewer); it is not shown again" in created.stderr
    bearer = {"Authorization": f"Bearer {secret}"}
    assert app_client.get("/accounts", headers=bearer).status_code == 200
    browser = TestClient(app_client.app, base_url="http://localhost")
    log_in(browser, Issued(secret, token_id))
    assert browser.get("/accounts").status_code == 200

    listed = kamgraph(sample, "token", "list")
    assert listed.returncode == 0, listed.stderr
    (line,) = [line for line in listed.stdout.splitlines() if line.startswith(token_id)]
    assert f"{MEMBER}" in line and "viewer" in line and "live" in line
    assert secret not in listed.stdout + listed.stderr
    assert secret_hash(secret) not in listed.stdout

    revoked = kamgraph(sample, "token", "revoke", token_id)
    assert (revoked.returncode, revoked.stdout) == (0, f"revoked token {token_id}\n")
    for answer in (app_client.get("/accounts", headers=bearer), browser.get("/accounts")):
        assert answer.status_code == 401  # the next request, bearer and browser alike
        assert answer.headers["www-authenticate"] == "Bearer"
    assert "revoked" in kamgraph(sample, "token", "list").stdout.split(token_id)[1].splitlines()[0]
    again = kamgraph(sample, "token", "revoke", token_id)
    assert (again.returncode, again.stderr) == (3, f"error: no token with id '{token_id}'\n")


def test_a_token_for_an_unknown_member_is_refused(sample: Settings, app_client: TestClient) -> None:
    made = kamgraph(sample, "token", "create", "--member", "nobody", "--role", "kam")
    assert (made.returncode, made.stdout) == (3, "")
    assert made.stderr == "error: no team member with id 'nobody'\n"
    answer = app_client.post(
        "/tokens", json={"member_id": "nobody", "role": "kam"}, headers=issue(sample).header
    )
    assert (answer.status_code, answer.json()) == (
        404,
        {"detail": "no team member with id 'nobody'"},
    )
    bad_role = kamgraph(sample, "token", "create", "--member", MEMBER, "--role", "root")
    assert bad_role.returncode == 2 and bad_role.stdout == ""


def test_the_token_api_lists_no_secret_and_revokes(
    sample: Settings, app_client: TestClient
) -> None:
    admin = issue(sample)
    made = app_client.post(
        "/tokens",
        json={"member_id": MEMBER, "role": "kam", "label": "laptop"},
        headers=admin.header,
    ).json()
    listed = app_client.get("/tokens", headers=admin.header)
    assert made["token"] not in listed.text and "hash" not in listed.text
    assert {"id": made["record"]["id"], "label": "laptop", "revoked_at": None}.items() <= next(
        t for t in listed.json() if t["id"] == made["record"]["id"]
    ).items()
    theirs = {"Authorization": f"Bearer {made['token']}"}
    assert app_client.get("/accounts", headers=theirs).status_code == 200
    gone = app_client.delete(f"/tokens/{made['record']['id']}", headers=admin.header)
    assert gone.status_code == 204
    assert app_client.get("/accounts", headers=theirs).status_code == 401
    assert (
        app_client.delete(f"/tokens/{made['record']['id']}", headers=admin.header).status_code
        == 404
    )


# --- bearer tokens -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer {}",
        "bearer {}",
        "BEARER {}",
        "Bearer    {}   ",
    ],
)
def test_the_bearer_scheme_is_read_as_http_says(
    sample: Settings, app_client: TestClient, authorization: str
) -> None:
    """The scheme is case-insensitive; spaces around the token are not part of it."""
    token = issue(sample, Role.viewer, MEMBER)
    for name in ("Authorization", "authorization", "AUTHORIZATION"):
        answer = app_client.get("/accounts", headers={name: authorization.format(token.secret)})
        assert answer.status_code == 200, (name, authorization, answer.text)


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Bearer",
        "Bearer ",
        "Bearer kg_not-a-token",
        "Basic {}",
        "{}",
        "Bearer{}",
        "Bearer {}x",
        "Bearer x{}",
        "Bearer {} {}",
        "Token {}",
    ],
)
@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_a_missing_or_wrong_bearer_token_is_401(
    sample: Settings, app_client: TestClient, authorization: str, accept: str
) -> None:
    token = issue(sample)
    headers = {"Authorization": authorization.replace("{}", token.secret), "Accept": accept}
    answer = app_client.get("/accounts", headers=headers)
    assert answer.status_code == 401, answer.text
    assert answer.headers["www-authenticate"] == "Bearer"
    assert "orbital" not in answer.text and token.secret not in answer.text


@pytest.mark.parametrize("accept", ["application/json", "text/html"])
def test_no_credentials_is_401_everywhere_but_health(app_client: TestClient, accept: str) -> None:
    assert app_client.get("/health", headers={"Accept": accept}).status_code == 200
    for path in ("/accounts", "/accounts/orbital", "/tokens", "/docs", "/openapi.json"):
        answer = app_client.get(path, headers={"Accept": accept})
        assert answer.status_code == 401, path
        assert answer.headers["www-authenticate"] == "Bearer", path


def test_a_revoked_token_is_401(sample: Settings, app_client: TestClient) -> None:
    token = issue(sample, Role.leader, MEMBER)
    assert app_client.get("/accounts", headers=token.header).status_code == 200
    with open_store(sample) as store:
        store.revoke_token(token.id)
    answer = app_client.get("/accounts", headers=token.header)
    assert (answer.status_code, answer.json()) == (
        401,
        {"detail": "the token is unknown or was revoked"},
    )


@pytest.mark.parametrize("name", ["token", "access_token", "api_key", "authorization"])
def test_a_token_in_the_query_logs_nothing_in_but_the_login_url(
    sample: Settings, app_client: TestClient, name: str
) -> None:
    """A token in a URL ends up in logs and histories: only /login takes one, and trades
    it for a cookie at once."""
    token = issue(sample)
    for path in ("/accounts", "/accounts/orbital", "/tokens", "/docs"):
        assert app_client.get(path, params={name: token.secret}).status_code == 401, path
    assert not app_client.cookies


def test_a_bearer_token_wins_over_a_session_cookie(
    sample: Settings, app_client: TestClient
) -> None:
    """A request is one caller: a wrong header is not rescued by a good cookie."""
    log_in(app_client, issue(sample))
    assert app_client.get("/tokens").status_code == 200
    viewer = issue(sample, Role.viewer, MEMBER)
    assert app_client.get("/tokens", headers=viewer.header).status_code == 403
    assert app_client.get("/tokens", headers={"Authorization": "Bearer kg_x"}).status_code == 401


# --- the login URL, the session cookie, logout --------------------------------------------


def test_the_login_url_sets_a_signed_strict_httponly_cookie_and_goes_home(
    sample: Settings, app_client: TestClient
) -> None:
    token = issue(sample)
    answer = app_client.get("/login", params={"token": token.secret}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    (cookie,) = answer.headers.get_list("set-cookie")
    name, _, rest = cookie.partition("=")
    value, *attributes = (a.strip() for a in rest.split(";"))
    assert name == SESSION_COOKIE
    assert {a.lower() for a in attributes} >= {"httponly", "samesite=strict", "path=/"}
    sessions: Sessions = app_client.app.state.sessions  # type: ignore[attr-defined]
    assert sessions.token_id(value) == token.id  # it names the token, signed …
    assert token.secret not in value  # … never by its secret
    assert app_client.get("/accounts").status_code == 200


def test_the_login_cookie_is_secure_over_https(sample: Settings) -> None:
    token = issue(sample)
    with TestClient(create_app(sample), base_url="https://localhost") as client:
        answer = client.get("/login", params={"token": token.secret}, follow_redirects=False)
    assert "secure" in answer.headers["set-cookie"].lower().split("; ")


@pytest.mark.parametrize(
    "tamper",
    [
        # the signature (not its last character: base64 drops that one's low bits)
        lambda v: v[:-5] + ("A" if v[-5] != "A" else "B") + v[-4:],
        lambda v: "Ijk5OTk5OTk5OTk5OSI" + v[v.index(".") :],  # another token id, same signature
        lambda v: v.split(".")[0],  # no signature
        lambda v: "",
        lambda v: "x" * 4000,
    ],
    ids=["signature", "payload", "unsigned", "empty", "junk"],
)
def test_a_tampered_session_cookie_is_401(
    sample: Settings, app_client: TestClient, tamper: object
) -> None:
    log_in(app_client, issue(sample))
    value = app_client.cookies[SESSION_COOKIE]
    app_client.cookies.clear()
    app_client.cookies.set(SESSION_COOKIE, tamper(value))  # type: ignore[operator]
    answer = app_client.get("/accounts")
    assert answer.status_code == 401, answer.text
    assert answer.headers["www-authenticate"] == "Bearer"


def test_a_cookie_signed_by_another_store_is_401(sample: Settings, app_client: TestClient) -> None:
    token = issue(sample)
    forged = Sessions("another store's secret").cookie(token.id)
    app_client.cookies.set(SESSION_COOKIE, forged)
    assert app_client.get("/accounts").status_code == 401


def test_a_revoked_tokens_session_ends_at_the_next_request(
    sample: Settings, app_client: TestClient
) -> None:
    token = issue(sample, Role.kam, MEMBER)
    csrf = log_in(app_client, token)
    assert app_client.get("/accounts").status_code == 200
    with open_store(sample) as store:
        store.revoke_token(token.id)
    for answer in (
        app_client.get("/accounts"),
        app_client.get("/accounts", headers={"Accept": "text/html"}),
        app_client.post("/logout", headers={CSRF_HEADER: csrf}),
    ):
        assert answer.status_code == 401
        assert answer.headers["www-authenticate"] == "Bearer"
    again = app_client.get("/login", params={"token": token.secret}, follow_redirects=False)
    assert again.status_code == 401 and "set-cookie" not in again.headers


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "javascript:alert(1)",
        "{{7*7}}",
        "kg_' onfocus='alert(1)",
    ],
)
def test_a_hostile_login_token_is_refused_and_not_echoed(
    app_client: TestClient, hostile: str
) -> None:
    for answer in (
        app_client.get("/login", params={"token": hostile}, headers={"Accept": "text/html"}),
        app_client.post("/login", data={"token": hostile}, headers={"Accept": "text/html"}),
    ):
        assert answer.status_code == 401
        assert answer.headers["content-type"].startswith("text/html")
        assert "the token is unknown or was revoked" in answer.text
        assert hostile not in answer.text and "alert(" not in answer.text
        assert "49" not in answer.text  # no template ran it
        assert "set-cookie" not in answer.headers
    assert not app_client.cookies


@pytest.mark.parametrize(
    "params",
    [
        {"next": "https://evil.example/"},
        {"next": "//evil.example"},
        {"redirect": "https://evil.example/"},
        {"return_to": "/\\evil.example"},
        {"url": "javascript:alert(1)"},
    ],
)
def test_the_login_url_goes_nowhere_but_home(
    sample: Settings, app_client: TestClient, params: dict[str, str]
) -> None:
    token = issue(sample)
    for answer in (
        app_client.get("/login", params={"token": token.secret, **params}, follow_redirects=False),
        app_client.post("/login", data={"token": token.secret, **params}, follow_redirects=False),
    ):
        assert (answer.status_code, answer.headers["location"]) == (303, "/")
    logout = app_client.post(
        "/logout",
        params=params,
        headers={CSRF_HEADER: log_in(app_client, token)},
        follow_redirects=False,
    )
    assert (logout.status_code, logout.headers["location"]) == (303, "/login")


def test_the_login_form_logs_in(sample: Settings, app_client: TestClient) -> None:
    token = issue(sample)
    page = app_client.get("/login")
    assert page.status_code == 200 and 'action="/login"' in page.text
    answer = app_client.post(
        "/login", data={"token": f"  {token.secret}\n"}, follow_redirects=False
    )
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    assert app_client.get("/tokens").status_code == 200


def test_logout_ends_the_browsers_session_not_the_token(
    sample: Settings, app_client: TestClient
) -> None:
    token = issue(sample)
    csrf = log_in(app_client, token)
    assert app_client.post("/logout", follow_redirects=False).status_code == 403  # CSRF
    answer = app_client.post("/logout", headers={CSRF_HEADER: csrf}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")
    cookie = answer.headers["set-cookie"].lower()
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "max-age=0" in cookie
    assert app_client.get("/accounts").status_code == 401
    assert app_client.get("/accounts", headers=token.header).status_code == 200


# --- CSRF on cookie-borne changes --------------------------------------------------------


def test_a_cookie_borne_change_needs_its_sessions_csrf_token(
    sample: Settings, app_client: TestClient
) -> None:
    """POST /stakeholders/nope/erase passes every check but the last (the id is
    missing): 404 means the request was let in, 403 that CSRF kept it out."""
    admin = issue(sample)
    csrf = log_in(app_client, admin)
    other = Sessions("x").csrf(admin.id)  # the right shape, the wrong key
    another_session = app_client.app.state.sessions.csrf(issue(sample).id)  # type: ignore[attr-defined]
    erase = "/stakeholders/nope/erase"
    form = {"content-type": "application/x-www-form-urlencoded"}
    refused = [
        app_client.post(erase),
        app_client.post(erase, headers={CSRF_HEADER: ""}),
        app_client.post(erase, headers={CSRF_HEADER: csrf[:-1]}),
        app_client.post(erase, headers={CSRF_HEADER: csrf.upper()}),
        app_client.post(erase, headers={CSRF_HEADER: other}),
        app_client.post(erase, headers={CSRF_HEADER: another_session}),
        app_client.post(erase, params={"csrf_token": csrf}),  # not in the query
        app_client.post(erase, json={"csrf_token": csrf}),  # nor in a JSON body
        app_client.post(erase, data={"csrf_token": "x"}),
        app_client.post(erase, headers={**form, CSRF_HEADER: "x"}, content=f"csrf_token={csrf}"),
        app_client.delete(f"/tokens/{admin.id}"),
    ]
    for answer in refused:
        assert answer.status_code == 403, answer.request
        assert "CSRF" in answer.json()["detail"]
    assert app_client.get("/tokens").status_code == 200  # reads need none; the token lives
    let_in = [
        app_client.post(erase, headers={CSRF_HEADER: csrf}),
        app_client.post(erase, headers={"x-csrf-token": csrf}),
        app_client.post(erase, data={"csrf_token": csrf}),
        app_client.post(
            erase,
            files={"csrf_token": (None, csrf)},  # multipart/form-data
        ),
    ]
    for answer in let_in:
        assert answer.status_code == 404, (answer.request, answer.text)


def test_a_bearer_request_needs_no_csrf_token(sample: Settings, app_client: TestClient) -> None:
    admin = issue(sample)
    answer = app_client.post("/stakeholders/nope/erase", headers=admin.header)
    assert answer.status_code == 404
    made = app_client.post(
        "/tokens", json={"member_id": MEMBER, "role": "viewer"}, headers=admin.header
    )
    assert made.status_code == 201


@pytest.mark.parametrize("method", ["HEAD", "OPTIONS", "TRACE", "PUT", "PATCH"])
def test_other_methods_let_nobody_in(sample: Settings, app_client: TestClient, method: str) -> None:
    """No route answers them yet (405), with or without credentials; none is a way round
    the login or the CSRF check."""
    log_in(app_client, issue(sample))
    for path in ("/accounts", "/accounts/orbital", "/tokens", "/stakeholders/orb-ceo/erase"):
        answer = app_client.request(method, path)
        assert answer.status_code in (401, 403, 405), (method, path, answer.status_code)
        assert "orbital" not in answer.text


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b'{"member_id": ', "application/json"),  # JSON FastAPI decodes before any check
        (b"\xff\xfe{", "application/json"),  # not even UTF-8
        (b"[]", "application/json"),
        (b"member_id=x", "application/x-www-form-urlencoded"),
    ],
)
def test_credentials_come_before_the_shape_of_the_body(
    sample: Settings, app_client: TestClient, content: bytes, kind: str
) -> None:
    """Without a login, a malformed body learns nothing but the 401; a browser's without
    the CSRF token, the 403; with both, the 422."""
    post = {"content": content, "headers": {"content-type": kind}}
    anonymous = app_client.post("/tokens", **post)
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.headers["www-authenticate"] == "Bearer"
    csrf = log_in(app_client, issue(sample))
    assert app_client.post("/tokens", **post).status_code == 403
    refused = app_client.post(
        "/tokens", content=content, headers={"content-type": kind, CSRF_HEADER: csrf}
    )
    assert refused.status_code == 422, refused.text
    assert content.decode(errors="replace") not in refused.text


def test_the_open_routes_answer_a_malformed_request_without_a_login(
    app_client: TestClient,
) -> None:
    answer = app_client.post("/login", data={})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "token"]
