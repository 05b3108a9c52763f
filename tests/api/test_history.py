"""History through the shells: `kamgraph diff`, `history`, `review --since`, `show --as-of`,
and the API's changes, history and as_of routes, on an account edited on three dates."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import service
from api.cli import app
from graph.access import LOCAL
from graph.analysis.config import DEFAULT_CONFIG
from graph.history import Stamp
from graph.model import Account, Knows, Portfolio, Stakeholder, TeamAssignment, TeamMember
from graph.settings import Settings
from graph.store import GraphStore, open_store

from ..conftest import api_client
from ..graph.test_history import DAY1, DAY2, DAY3, three_dates

pytestmark = pytest.mark.usefixtures("recorded_as_stored")  # see tests/conftest.py

runner = CliRunner()


@pytest.fixture
def edited(store_settings: Settings) -> Settings:
    """A store whose account acme was imported, re-imported changed and edited."""
    with open_store(store_settings) as store:
        three_dates(store)
    return store_settings


def cli(settings: Settings, *args: str) -> str:
    result = runner.invoke(app, ["--store", settings.store, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_diff_groups_the_changes_for_people(edited: Settings) -> None:
    text = cli(edited, "diff", "acme", "--since", DAY1.isoformat(), "--until", DAY3.isoformat())
    assert text.startswith("acme: what changed from 2026-01-10 to 2026-03-10\n")
    assert "Joined\n  Vi" in text
    assert "Ty: stance neutral → supporter" in text
    assert "Kim → Ty: 3 → 4 (up)" in text
    assert "Ty: owner Kim → Raj" in text
    nothing = cli(edited, "diff", "acme", "--since", DAY3.isoformat())
    assert nothing.endswith("Nothing changed.\n")


def test_diff_json_is_the_documented_object(edited: Settings) -> None:
    data = json.loads(cli(edited, "diff", "acme", "--since", DAY1.isoformat(), "--json"))
    assert set(data) == {
        "account_id", "since", "until", "changes", "health", "gaps_opened", "gaps_closed"
    }  # fmt: skip
    assert [c["kind"] for c in data["changes"]][:3] == [
        "stakeholder_changed",
        "stakeholder_changed",
        "stakeholder_added",
    ]
    assert set(data["changes"][0]) >= {"kind", "subject_id", "field", "before", "after", "at"}
    assert set(data["health"]) == {"before", "after"}


def test_history_pages_newest_first(edited: Settings) -> None:
    first = cli(edited, "history", "acme", "--per-page", "3")
    assert first.splitlines()[0].startswith("acme: ")
    assert "(page 1 of " in first
    assert first.splitlines()[1].startswith("2026-03-10  kim  line_removed vp → cto")
    last = cli(edited, "history", "acme", "--per-page", "3", "--page", "100")
    assert len(last.splitlines()) == 1


def test_show_and_review_read_the_past(edited: Settings, tmp_path: Path) -> None:
    then = json.loads(cli(edited, "show", "acme", "--as-of", DAY1.isoformat()))
    assert [s["id"] for s in then["stakeholders"]] == ["ceo", "cto"]
    page = tmp_path / "review.html"
    cli(edited, "review", "acme", "-o", str(page), "--since", DAY1.isoformat())
    assert "What changed since 2026-01-10" in page.read_text()
    early = runner.invoke(app, ["--store", edited.store, "show", "acme", "--as-of", "2025-12-31"])
    assert early.exit_code == 3
    assert "its history starts on 2026-01-10" in early.output


@pytest.fixture
def client(edited: Settings) -> Iterator[TestClient]:
    with api_client(edited) as client:
        yield client


def test_the_api_serves_changes_history_and_the_past(client: TestClient) -> None:
    changes = client.get("/accounts/acme/changes", params={"since": DAY1.isoformat()})
    assert changes.status_code == 200, changes.text
    assert changes.json()["changes"][0]["subject_id"] == "ceo"
    log = client.get("/accounts/acme/history", params={"per_page": 2}).json()
    assert (log["starts"], len(log["changes"]), log["total"]) == ("2026-01-10", 2, 16)
    then = client.get("/accounts/acme/graph", params={"as_of": DAY2.isoformat()}).json()
    assert "vp" in [s["id"] for s in then["stakeholders"]]
    early = client.get("/accounts/acme/graph", params={"as_of": "2025-01-01"})
    assert early.status_code == 404
    assert early.json()["detail"].endswith("its history starts on 2026-01-10")
    review = client.get("/accounts/acme/review", params={"since": DAY1.isoformat()})
    assert review.status_code == 200 and "What changed since 2026-01-10" in review.text
    assert client.get("/accounts/nope/changes", params={"since": "2026-01-01"}).status_code == 404
    assert client.get("/accounts/acme/changes", params={"since": "0"}).status_code == 422


def test_a_diff_from_the_first_date_there_is_answers(client: TestClient) -> None:
    """The stale-map news window before the start date stops at the first date there is
    (found by the schema fuzz test: 0001-01-01 overflowed)."""
    answer = client.get("/accounts/acme/changes", params={"since": "0001-01-01"})
    assert answer.status_code == 200, answer.text
    kinds = [c["kind"] for c in answer.json()["changes"]]
    assert kinds[0] == "account_added" and answer.json()["health"]["before"] is None


def test_a_diff_reads_each_dates_newcomers_from_its_own_window(store: GraphStore) -> None:
    """The stale-map news of both dates of a diff: a decision maker who joined uncovered
    opens a newcomer gap in a diff across the join; a diff starting after the join sees
    them new at both ends (nothing opens); one starting the newcomer window after the
    join sees them new only at the start (the gap closes)."""
    start, joined = dt.date(2025, 1, 6), dt.date(2025, 3, 3)
    base = Portfolio(
        accounts=[Account(id="acme", name="Acme")],
        stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cleo", seniority="c_level")],
        team_members=[TeamMember(id="kam", name="Kim")],
        team=[TeamAssignment(member_id="kam", account_id="acme", role="quarterback")],
        knows=[Knows(member_id="kam", stakeholder_id="ceo", strength=4)],
    )
    with store.atomic(stamp=Stamp("test", start)) as target:
        target.write(base)
    newcomer = Stakeholder(
        id="cfo", account_id="acme", name="Finn", dmu_roles=["decision_maker"], influence=5
    )
    with store.atomic(stamp=Stamp("test", joined)) as target:
        target.write(Portfolio(stakeholders=[newcomer]))

    def newcomer_gaps(since: dt.date, until: dt.date) -> tuple[list[str], list[str]]:
        diff = service.account_diff(store, LOCAL, "acme", since, until).diff
        opened = [g.stakeholder_id for g in diff.gaps_opened if g.kind == "newcomer_in_power"]
        closed = [g.stakeholder_id for g in diff.gaps_closed if g.kind == "newcomer_in_power"]
        return opened, closed

    window = dt.timedelta(days=DEFAULT_CONFIG.newcomer_days)
    assert newcomer_gaps(start, joined + dt.timedelta(days=10)) == (["cfo"], [])
    assert newcomer_gaps(joined + dt.timedelta(days=5), joined + dt.timedelta(days=10)) == ([], [])
    assert newcomer_gaps(joined + dt.timedelta(days=5), joined + window + dt.timedelta(days=5)) == (
        [],
        ["cfo"],
    )
