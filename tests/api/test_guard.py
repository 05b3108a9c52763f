"""What every answer carries and every request is held to (api/guard.py), through real
HTTP into the app: security headers on every answer, whoever gives it (a route, an error,
the host check, the body limit, the static files); the body limit, declared or streamed;
/docs and its schema behind login, with every asset from the app itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.service import load_sample
from graph.settings import Settings
from graph.store import open_store

from ..conftest import api_client

LIMIT_KB = 4


@pytest.fixture
def client(store_settings: Settings) -> Iterator[TestClient]:
    """The app on an empty store, as an admin, with a body limit of a few KiB."""
    with api_client(store_settings.model_copy(update={"max_request_kb": LIMIT_KB})) as client:
        yield client


def assert_guarded(answer: httpx.Response) -> None:
    """The security headers every answer carries."""
    what = f"{answer.request.method} {answer.request.url} → {answer.status_code}"
    policy = answer.headers.get("content-security-policy", "")
    assert "frame-ancestors 'none'" in policy, what
    assert "default-src" in policy, what
    assert answer.headers.get("x-content-type-options") == "nosniff", what
    assert answer.headers.get("referrer-policy") == "no-referrer", what
    assert answer.headers.get("x-frame-options") == "DENY", what
    assert len(answer.headers.get_list("content-security-policy")) == 1, what


def _chunks(size: int) -> Iterator[bytes]:
    """A body sent in chunks, declaring no length (Transfer-Encoding: chunked)."""
    for _ in range(size // 1024):
        yield b"x" * 1024


#: (method, path, request options, expected status): an answer of every kind.
ANSWERS = [
    ("GET", "/health", {}, 200),
    ("GET", "/accounts", {}, 200),
    ("GET", "/accounts", {"headers": {"authorization": ""}}, 401),
    ("GET", "/accounts", {"headers": {"authorization": "", "accept": "text/html"}}, 401),
    ("GET", "/accounts/nope", {}, 404),
    ("GET", "/nowhere", {}, 404),
    ("DELETE", "/accounts", {}, 405),
    ("GET", "/accounts/a%00b", {}, 422),
    ("GET", "/accounts", {"headers": {"host": "evil.example"}}, 400),
    ("POST", "/tokens", {"content": b"{" * (LIMIT_KB * 1024 + 1)}, 413),
    ("POST", "/tokens", {"content": "chunked"}, 413),
    ("GET", "/static/app.css", {}, 200),
    ("GET", "/static/nope.css", {}, 404),
    ("GET", "/static-docs/swagger-ui.css", {}, 200),
    ("GET", "/login", {}, 200),
    ("GET", "/docs", {}, 200),
    ("GET", "/openapi.json", {}, 200),
]


@pytest.mark.parametrize(
    ("method", "path", "options", "status"),
    ANSWERS,
    ids=[f"{m} {p} {s}" for m, p, _, s in ANSWERS],
)
def test_every_answer_carries_the_security_headers(
    client: TestClient, method: str, path: str, options: dict, status: int
) -> None:
    if options.get("content") == "chunked":
        options = {"content": _chunks(LIMIT_KB * 4096)}
    answer = client.request(method, path, **options)
    assert answer.status_code == status, answer.text[:300]
    assert_guarded(answer)


def test_a_route_keeps_its_own_policy_and_cannot_be_framed(store_settings: Settings) -> None:
    with open_store(store_settings) as store:
        load_sample(store)
    with api_client(store_settings) as client:
        for path in ("/accounts/orbital/board", "/accounts/orbital/board.svg"):
            answer = client.get(path)
            assert answer.status_code == 200
            assert_guarded(answer)
            assert "script-src 'self';" not in answer.headers["content-security-policy"], path


#: A route that parses a JSON body and one that parses a form, with the body declared or
#: streamed; one that reads none (a streamed body it never reads is never counted).
BODIES = [
    ("/tokens", "application/json", b'{"member_id": "admin", "role": "admin", "label": "', True),
    ("/tokens", "application/json", b'{"member_id": "admin", "role": "admin", "label": "', False),
    ("/login", "application/x-www-form-urlencoded", b"token=", True),
    ("/login", "application/x-www-form-urlencoded", b"token=", False),
    ("/logout", "text/plain", b"", True),
]


@pytest.mark.parametrize(
    ("path", "kind", "head", "declared"),
    BODIES,
    ids=[f"{p}-{'declared' if d else 'chunked'}" for p, _, _, d in BODIES],
)
def test_a_body_over_the_limit_is_413_not_a_parse_error(
    client: TestClient, path: str, kind: str, head: bytes, declared: bool
) -> None:
    """Refused before the app runs when declared too long; when streamed, once the count
    passes the limit, however the route parses it."""
    content = head + b"x" * (LIMIT_KB * 1024 + 1)
    headers = {"content-type": kind}

    def chunked() -> Iterator[bytes]:
        for start in range(0, len(content), 1000):
            yield content[start : start + 1000]

    answer = client.post(path, content=content if declared else chunked(), headers=headers)
    assert answer.status_code == 413, answer.text
    assert answer.json() == {
        "detail": f"the request body is over the limit of {LIMIT_KB} KiB (KAMGRAPH_MAX_REQUEST_KB)"
    }
    assert len(client.get("/tokens").json()) == 1  # the client's own: nothing created


def test_a_body_at_the_limit_is_read(client: TestClient) -> None:
    head = b'{"member_id": "admin", "role": "viewer", "label": "'
    label = b"x" * (LIMIT_KB * 1024 - len(head) - 2)
    answer = client.post(
        "/tokens", content=head + label + b'"}', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422, answer.text  # read and parsed: the label is too long
    assert answer.json()["detail"][0]["loc"] == ["body", "label"]


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_the_docs_and_the_schema_need_a_login(client: TestClient, path: str) -> None:
    refused = client.get(path, headers={"authorization": ""})
    assert refused.status_code == 401
    assert "paths" not in refused.text and "swagger" not in refused.text.lower()
    assert client.get(path).status_code == 200


class _Links(HTMLParser):
    """Every URL a page loads or links to (src, href), and its inline scripts' text."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def test_the_docs_load_every_asset_from_the_app(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "SwaggerUIBundle" in page.text
    links = _Links()
    links.feed(page.text)
    assert len(links.urls) >= 3, links.urls
    for url in links.urls:
        assert url.startswith("/") and not url.startswith("//"), url
        asset = client.get(url, headers={"authorization": ""})  # the assets are not secret
        assert asset.status_code == 200, url
        assert_guarded(asset)
    # No absolute URL anywhere in the page (inline script included) but the app's own.
    assert re.findall(r"(?:https?:)?//[\w.-]+", page.text) == []


def test_a_crash_is_a_plain_500_with_the_headers(store_settings: Settings) -> None:
    """Starlette answers an unhandled error from outside every middleware; the headers
    are on that answer too, and it says nothing of the error."""
    app = create_app(store_settings)

    @app.get("/crash")
    def crash() -> None:
        raise RuntimeError("a secret in the traceback")

    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as client:
        answer = client.get("/crash")
    assert (answer.status_code, answer.text) == (500, "Internal Server Error")
    assert_guarded(answer)
