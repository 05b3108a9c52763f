"""GET /accounts/{id}/board, /board.svg and /review through the app, on each engine."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api import service
from api.pages import VIS_DIR, VIS_URL
from graph.access import LOCAL
from graph.settings import Settings
from graph.store import open_store
from visual import board_html, board_svg, review

from ..conftest import api_client, write_recorded
from .conftest import XSS_SCRIPT, acme_graph


@pytest.fixture
def client(store_settings: Settings) -> Iterator[TestClient]:
    with open_store(store_settings) as store:
        write_recorded(store, acme_graph())
    with api_client(store_settings) as client:
        yield client


def test_board_page(client: TestClient) -> None:
    answer = client.get("/accounts/acme/board", params={"layout": "network", "as_of": "2025-06-30"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    policy = board_html.SERVED_CSP
    assert answer.headers["content-security-policy"] == policy + "; frame-ancestors 'none'"
    assert f'content="{policy}"' in answer.text
    assert '"layout":"network"' in answer.text and '"as_of":"2025-06-30"' in answer.text
    assert XSS_SCRIPT not in answer.text


def test_served_boards_share_one_cached_vis_network(
    client: TestClient, store_settings: Settings
) -> None:
    """The app's board pages link vis-network from the app (kept by the browser for good);
    the offline board, the CLI's, inlines the same files."""
    page = client.get("/accounts/acme/board").text
    names = ("vis-network.min.js", "vis-network.css")
    files = [(VIS_DIR / name).read_bytes() for name in names]
    samples = [text[5000:5200].decode() for text in files]  # minified: one line there
    assert f'<script src="{VIS_URL}/vis-network.min.js"></script>' in page
    assert f'<link rel="stylesheet" href="{VIS_URL}/vis-network.css">' in page
    assert not any(sample in page for sample in samples)
    for name, text in zip(names, files, strict=True):
        asset = client.get(f"{VIS_URL}/{name}")
        assert asset.status_code == 200 and asset.content == text
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    with open_store(store_settings) as store:
        offline = board_html.render(*service.analyzed_account(store, LOCAL, "acme"))
    assert all(sample in offline for sample in samples) and VIS_URL not in offline


def test_board_svg(client: TestClient) -> None:
    answer = client.get("/accounts/acme/board.svg")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/svg+xml"
    assert answer.headers["content-security-policy"] == board_svg.CSP + "; frame-ancestors 'none'"
    assert ET.fromstring(answer.text).get("class") == "kamgraph-board"


def test_review_page(client: TestClient) -> None:
    answer = client.get("/accounts/acme/review", params={"as_of": "2025-06-30"})
    assert answer.status_code == 200
    assert answer.headers["content-security-policy"] == review.CSP + "; frame-ancestors 'none'"
    assert "as of 2025-06-30" in answer.text and "<h2>Coverage gaps</h2>" in answer.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/accounts/nope/board", 404),
        ("/accounts/nope/board.svg", 404),
        ("/accounts/nope/review", 404),
        ("/accounts/acme/board?layout=chess", 422),
        ("/accounts/acme/review?as_of=yesterday", 422),
    ],
)
def test_bad_requests(client: TestClient, path: str, status: int) -> None:
    assert client.get(path).status_code == status


def test_operation_ids_are_stable(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/accounts/{account_id}/board"]["get"]["operationId"] == "read_board"
    assert paths["/accounts/{account_id}/board.svg"]["get"]["operationId"] == "read_board_svg"
    assert paths["/accounts/{account_id}/review"]["get"]["operationId"] == "read_review"
