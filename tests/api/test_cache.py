"""The service's cache, through real HTTP into the app on each engine: a write — through the
API, or by another process — shows at the next read; a caller never gets what was built
for another caller's view."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api import service
from api.app import create_app
from api.cache import LRU, RESULTS, footprint
from api.service import load_sample
from graph.access import LOCAL, SERVE_ADMIN, Role
from graph.errors import ConfigError
from graph.history import Stamp
from graph.model import Portfolio, Stakeholder
from graph.settings import Settings
from graph.store import open_store

from ..serve_support import start_serve

#: What every cached route answers for orbital (one per kind of cached result).
CACHED = (
    "/accounts/orbital/analysis",
    "/accounts/orbital/board",
    "/accounts/orbital/board.svg",
    "/accounts/orbital/review",
    "/accounts/orbital/review?since=2024-01-01",
    "/ui/accounts/orbital/board.json",
    "/",
)
NEWCOMER = {
    "id": "orb-newcomer",
    "account_id": "orbital",
    "name": "Nadia Newcomer",
    "dmu_roles": ["economic_buyer"],
    "influence": 5,
}


@pytest.fixture
def app(store_settings: Settings) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    """The app on the sample portfolio, and the headers of an admin, a leader and a viewer
    on orbital's team alone."""
    with open_store(store_settings) as store:
        load_sample(store)
        headers = {
            name: {"Authorization": f"Bearer {service.create_token(store, LOCAL, m, r).token}"}
            for name, m, r in [
                ("admin", SERVE_ADMIN, Role.admin),
                ("leader", "tm-lena", Role.leader),
                ("viewer", "tm-maria", Role.viewer),
            ]
        }
    with TestClient(create_app(store_settings), base_url="http://localhost") as client:
        yield client, headers


def answers(client: TestClient, headers: dict[str, str]) -> list[str]:
    out = []
    for path in CACHED:
        got = client.get(path, headers=headers)
        assert got.status_code == 200, (path, got.text)
        out.append(got.text)
    return out


def assert_shown(before: list[str], after: list[str]) -> None:
    """Every answer shows the newcomer now (the index: one more hanging piece)."""
    for path, old, new in zip(CACHED, before, after, strict=True):
        assert old != new, path
        assert path == "/" or ("orb-newcomer" not in old and "orb-newcomer" in new), path


def test_a_write_through_the_api_shows_at_the_next_read(app: tuple) -> None:
    client, headers = app
    first = answers(client, headers["admin"])
    assert answers(client, headers["admin"]) == first  # the same answers, cached
    created = client.post("/stakeholders", json=NEWCOMER, headers=headers["admin"])
    assert created.status_code == 201, created.text
    after = answers(client, headers["admin"])
    assert_shown(first, after)
    # What the older version left is gone from memory, not just unreachable.
    keys = list(RESULTS._items)
    assert len({k[1] for k in keys if k[0] == keys[-1][0]}) == 1  # this store's: one version


def test_a_write_by_another_process_shows_at_the_next_read(
    app: tuple, store_settings: Settings
) -> None:
    client, headers = app
    first = answers(client, headers["admin"])
    code = (
        "from graph.history import Stamp\n"
        "from graph.model import Portfolio, Stakeholder\n"
        "from graph.settings import Settings\n"
        "from graph.store import open_store\n"
        "with open_store(Settings.from_env()) as store:\n"
        "    with store.atomic(stamp=Stamp('elsewhere', store.history_newest())) as target:\n"
        f"        target.write(Portfolio(stakeholders=[Stakeholder(**{NEWCOMER!r})]))\n"
    )
    env = {**os.environ, "KAMGRAPH_STORE": store_settings.store}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    after = answers(client, headers["admin"])
    assert_shown(first, after)


def test_every_worker_of_serve_shows_a_write_at_the_next_read(data_dir: Path) -> None:
    """`kamgraph serve --workers 2`: each connection may land on either worker, and every
    one of them, having cached the board before, draws the newcomer after the write."""
    served = start_serve(data_dir, "--workers", "2")
    try:

        def boards() -> list[str]:
            answers = []
            for _ in range(12):  # a fresh connection each: the workers take turns
                with httpx.Client(base_url=served.base, headers=served.http.headers) as fresh:
                    answer = fresh.get("/accounts/orbital/board")
                    assert answer.status_code == 200
                    answers.append(answer.text)
            return answers

        assert not any("orb-newcomer" in board for board in boards())
        with (
            open_store(Settings(store=f"embedded:{data_dir}")) as store,
            store.atomic(stamp=Stamp("elsewhere", store.history_newest())) as target,
        ):
            target.write(Portfolio(stakeholders=[Stakeholder(**NEWCOMER)]))
        assert all("orb-newcomer" in board for board in boards())
    finally:
        served.stop()


@pytest.mark.parametrize("first", ["admin", "viewer"])
def test_a_caller_never_gets_what_was_built_for_another_view(app: tuple, first: str) -> None:
    """Whoever asks first, the viewer's index lists orbital alone, and what only the
    others see stays a 404 for the viewer; the admin and the leader see everything."""
    client, headers = app
    order = ["admin", "leader", "viewer"] if first == "admin" else ["viewer", "leader", "admin"]
    index = {}
    for who in order:
        index[who] = client.get("/", headers=headers[who]).text
        for account in ("helix", "orbital"):
            board = client.get(f"/accounts/{account}/board", headers=headers[who])
            expected = 404 if (who, account) == ("viewer", "helix") else 200
            assert board.status_code == expected, (who, account)
    assert "Orbital Energy" in index["viewer"]
    assert not any(name in index["viewer"] for name in ("Helix", "Northwind", "Baltic"))
    for who in ("admin", "leader"):
        assert all(name in index[who] for name in ("Helix", "Northwind", "Baltic", "Orbital"))


def test_the_lru_keeps_its_size_and_computes_a_missing_value_once() -> None:
    cache = LRU(2, weigh=lambda _: 1)
    made: list[str] = []
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        made.append("a")
        started.set()
        release.wait()
        return "A"

    results: list[str] = []
    askers = [threading.Thread(target=lambda: results.append(cache.get("a", slow)))]
    askers[0].start()
    started.wait()
    askers += [threading.Thread(target=lambda: results.append(cache.get("a", slow)))]
    askers[1].start()
    release.set()
    for asker in askers:
        asker.join()
    assert results == ["A", "A"] and made == ["a"]
    assert cache.get("b", lambda: "B") == "B" and cache.get("a", lambda: "?") == "A"
    assert cache.get("c", lambda: "C") == "C"  # b, least recently used, goes
    assert len(cache) == 2 and cache.get("b", lambda: "B again") == "B again"
    with pytest.raises(ZeroDivisionError):
        cache.get("d", lambda: 1 // 0)
    assert cache.get("d", lambda: "D") == "D"  # a failure keeps nothing


def test_the_lru_keeps_values_within_its_budget_in_bytes() -> None:
    cache = LRU(10, weigh=len)  # type: ignore[arg-type]
    for key in "ab":
        cache.get(key, lambda key=key: key * 4)
    assert cache.weight == 8
    cache.get("a", lambda: "?")  # a used last: b goes first
    cache.get("c", lambda: "cccc")
    assert cache.weight == 8 and cache.get("b", lambda: "new b") == "new b"
    assert cache.weight == 9  # b (5) and c (4); a went
    assert cache.get("big", lambda: "x" * 11) == "x" * 11  # over the budget: not kept
    assert cache.get("big", lambda: "y" * 12) == "y" * 12  # made again
    cache.retain(lambda key: key != "c")
    assert cache.weight == 5 and len(cache) == 1


def test_what_the_app_keeps_is_weighed_and_its_budget_is_a_setting(
    app: tuple, store_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, headers = app
    texts = answers(client, headers["admin"])
    kept = [value for value, _ in RESULTS._items.values()]
    # Weighed when kept (a graph's views, made as it is drawn, add a little since).
    assert RESULTS.weight == pytest.approx(sum(footprint(value) for value in kept), rel=0.01)
    # Pages weigh at least their text; a graph with its analysis more than its page.
    assert RESULTS.weight > sum(len(text) for text in texts)
    # A graph with its analysis weighs with the account: Baltic has 3 people, Northwind 26.
    analysed = {key[4]: value for key, (value, _) in RESULTS._items.items() if key[3] == "analysed"}
    assert footprint(analysed["baltic"]) * 2 < footprint(analysed["northwind"])
    settings = store_settings.model_copy(update={"cache_mb": 0})
    with TestClient(create_app(settings), base_url="http://localhost") as bare:
        assert RESULTS.budget == 0 and len(RESULTS) == 0
        assert answers(bare, headers["admin"]) == texts
        assert len(RESULTS) == 0  # nothing kept, every answer the same
    monkeypatch.setenv("KAMGRAPH_CACHE_MB", "64")
    assert Settings.from_env().cache_bytes == 64 * 1024 * 1024
    monkeypatch.setenv("KAMGRAPH_CACHE_MB", "lots")
    with pytest.raises(ConfigError, match="KAMGRAPH_CACHE_MB: Input should be a valid integer"):
        Settings.from_env()
