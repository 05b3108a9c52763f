"""The portfolio through the CLI and real HTTP, on both engines, on the sample portfolio.

The sample (graph/sample/portfolio.json) has four accounts; with the default criteria
(weights revenue 1, profit 2, growth 2, stability 1, fit 1, closeness 1; full marks the
largest: Northwind's revenue 2,450,000 and profit 610,000) the scores are, by hand:

- northwind: (100 + 2·100 + 2·80 + 90 + 100 + 80) / 8 = 91.25 → gold (recorded gold)
- helix: (70.2 + 2·43.4 + 2·60 + 80 + 80 + 40) / 8 = 59.6 → silver (recorded gold)
- orbital: (35.9 + 2·15.1 + 2·100 + 60 + 60 + 60) / 8 = 55.8 → silver (recorded silver)
- baltic: (9.8 + 2·10 + 2·80 + 80 + 60 + 40) / 8 = 46.2 → silver (no tier recorded)

Revenue 5,290,000 and profit 1,028,000 in all.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api import service
from api.cli import app
from graph.access import LOCAL, Caller, Role
from graph.history import Stamp
from graph.model import Account, Portfolio
from graph.settings import Settings
from graph.store import GraphStore, open_store
from visual import portfolio_svg

from ..conftest import api_client, write_recorded

AS_OF = "2026-11-25"
runner = CliRunner()


def test_get_portfolio_on_the_sample(sample_client: TestClient) -> None:
    answer = sample_client.get("/portfolio", params={"as_of": AS_OF})
    assert answer.status_code == 200, answer.text
    view = answer.json()
    rows = {a["account_id"]: a for a in view["accounts"]}
    assert [a["account_id"] for a in view["accounts"]] == [
        "northwind",
        "helix",
        "orbital",
        "baltic",
    ]
    assert rows["northwind"]["score"] == pytest.approx(91.25, abs=0.05)
    assert {
        i: (a["score"], a["tier"], a["tier_recorded"]) for i, a in rows.items() if i != "northwind"
    } == {
        "helix": (59.6, "gold", "gold"),
        "orbital": (55.8, "silver", "silver"),
        "baltic": (46.2, "silver", None),
    }
    assert rows["helix"]["tier_computed"] == "silver"
    assert rows["helix"]["single_threaded"] is True
    assert rows["orbital"]["revenue_share"] == round(880000 / 5290000, 4)
    assert rows["baltic"]["profit_share"] == round(61000 / 1028000, 4)
    assert {a["quadrant"] for a in view["accounts"]} <= {
        "strategic",
        "star",
        "status",
        "streamline",
    }
    for key in ("name", "health_score", "revenue", "profit"):
        assert key in rows["helix"]
    assert view["key_accounts"] == ["northwind", "helix", "orbital", "baltic"]
    pareto = view["pareto"]
    assert (pareto["top_by_revenue"], pareto["top_by_profit"]) == (["northwind"], ["northwind"])
    assert (pareto["revenue_not_profit"], pareto["profit_not_revenue"]) == ([], [])
    assert pareto["dominant"] == ["northwind", "helix", "orbital"]  # baltic holds 4.5%
    lena = next(k for k in view["kam_load"] if k["member_id"] == "tm-lena")
    assert (lena["key_accounts"], lena["over_limit"]) == (["baltic", "northwind"], True)
    at_risk = {(r["person_id"], r["side"]): r for r in view["revenue_at_risk"]}
    jonas = at_risk[("tm-jonas", "ours")]  # carries Helix's single thread
    assert (jonas["accounts"], jonas["revenue"], jonas["profit"]) == (["helix"], 1720000, 265000)
    assert at_risk[("bpt-head-ops", "customer")]["accounts"] == ["baltic"]
    assert view["door_openers"] == [
        {
            "email": "jan.devries@mail.example",  # Jan.deVries@… at Baltic: the case differs
            "stakeholder_ids": ["bpt-head-ops", "orb-former-opex"],
            "account_ids": ["baltic", "orbital"],
        }
    ]


def test_a_kam_sees_only_their_accounts(store_settings: Settings) -> None:
    with open_store(store_settings) as store:
        service.load_sample(store)
    with api_client(store_settings, role=Role.kam, member="tm-maria") as client:
        view = client.get("/portfolio", params={"as_of": AS_OF}).json()
    assert [a["account_id"] for a in view["accounts"]] == ["orbital"]
    assert view["accounts"][0]["revenue_share"] == 1.0
    assert [k["member_id"] for k in view["kam_load"]] == ["tm-maria"]
    assert view["door_openers"] == []  # Baltic, where Jan works now, is not theirs to see


def test_a_bad_date_is_422(sample_client: TestClient) -> None:
    assert sample_client.get("/portfolio", params={"as_of": "2026-02-30"}).status_code == 422


@pytest.mark.parametrize("chunk", [1, 3])
def test_chunks_give_the_same_view_as_one_read(sample_store: GraphStore, chunk: int) -> None:
    day = dt.date.fromisoformat(AS_OF)
    whole = service.portfolio(sample_store, LOCAL, as_of=day, chunk=100)
    assert service.portfolio(sample_store, LOCAL, as_of=day, chunk=chunk) == whole
    two = Caller(
        member_id="tm-lena", role=Role.viewer, accounts=frozenset({"baltic", "helix", "gone"})
    )
    seen = service.portfolio(sample_store, two, as_of=day, chunk=chunk)
    assert [a.account_id for a in seen.accounts] == ["helix", "baltic"]


def test_as_of_reads_each_account_as_it_was(store: GraphStore) -> None:
    write_recorded(
        store, Portfolio(accounts=[Account(id="a", name="A", annual_revenue=100, profit=10)])
    )
    with store.atomic(stamp=Stamp("test", dt.date(2026, 6, 1))) as target:
        target.write(
            Portfolio(
                accounts=[
                    Account(id="a", name="A", annual_revenue=300),
                    Account(id="b", name="B", annual_revenue=100),
                ]
            )
        )
    before = service.portfolio(store, LOCAL, as_of=dt.date(2026, 5, 31))
    after = service.portfolio(store, LOCAL, as_of=dt.date(2026, 6, 1))
    assert [(a.account_id, a.revenue) for a in before.accounts] == [("a", 100)]  # b not yet
    assert [(a.account_id, a.revenue, a.revenue_share) for a in after.accounts] == [
        ("a", 300, 0.75),
        ("b", 100, 0.25),
    ]


def _demo(data_dir: Path) -> list[str]:
    store = ["--store", f"embedded:{data_dir}"]
    assert runner.invoke(app, [*store, "demo"]).exit_code == 0
    return store


def test_the_cli_prints_the_portfolio_json_and_writes_the_svg(
    data_dir: Path, tmp_path: Path
) -> None:
    store = _demo(data_dir)
    shown = runner.invoke(app, [*store, "portfolio", "--as-of", AS_OF])
    assert shown.exit_code == 0, shown.output
    assert "portfolio as of 2026-11-25: 4 accounts, 4 key (criteria: defaults)" in shown.output
    assert "Helix Pharmaceuticals  59.6 gold (silver)" in shown.output
    assert (
        "Lena Hoffmann (ours): 2 key of 2 (Baltic Port Terminals, Northwind Logistics)  "
        "over the limit" in shown.output
    )
    assert "Dr. Rachel Adeyemi (customer): revenue 1,720,000" in shown.output
    assert (
        "jan.devries@mail.example: Jan de Vries at Baltic Port Terminals, Orbital Energy"
        in shown.output
    )
    # People and accounts are named; ids are for --json.
    for an_id in ("tm-lena", "hx-ceo", "bpt-head-ops", "northwind,"):
        assert an_id not in shown.output, an_id
    svg = tmp_path / "portfolio.svg"
    as_json = runner.invoke(
        app, [*store, "portfolio", "--as-of", AS_OF, "--json", "--svg", str(svg)]
    )
    assert as_json.exit_code == 0, as_json.output
    view = json.loads(as_json.stdout)
    assert [a["account_id"] for a in view["accounts"]] == [
        "northwind",
        "helix",
        "orbital",
        "baltic",
    ]
    text = svg.read_text(encoding="utf-8")
    assert text.startswith("<svg") and "Baltic Port Terminals" in text


def test_the_cli_reads_the_criteria_file(data_dir: Path, tmp_path: Path) -> None:
    store = _demo(data_dir)
    criteria = tmp_path / "strict.toml"
    criteria.write_text(
        '[selection.tiers]\nA = 90\nB = 50\n[selection]\nkey_tiers = ["A"]\n', encoding="utf-8"
    )
    result = runner.invoke(
        app, [*store, "portfolio", "--as-of", AS_OF, "--json", "--criteria", str(criteria)]
    )
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["criteria"] == str(criteria)
    assert {a["account_id"]: a["tier_computed"] for a in view["accounts"]} == {
        "northwind": "A",
        "helix": "B",
        "orbital": "B",
        "baltic": None,
    }
    # a recorded tier is a decision and wins: gold and silver are no key tiers of these criteria
    assert view["key_accounts"] == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[selection.weights]\nprofti = 2\n",
            "key selection.weights.profti: not a key kamgraph knows",
        ),
        ("[pareto\n", "not valid TOML"),
    ],
)
def test_a_bad_criteria_file_exits_2_naming_the_file_and_key(
    data_dir: Path, tmp_path: Path, text: str, message: str
) -> None:
    store = _demo(data_dir)
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(app, [*store, "portfolio", "--criteria", str(bad)])
    assert result.exit_code == 2
    assert str(bad) in result.output and message in result.output


def test_the_svg_escapes_names_and_keeps_text_readable(store: GraphStore) -> None:
    write_recorded(
        store,
        Portfolio(
            accounts=[
                Account(
                    id="x", name="<script>alert(1)</script> & Co", annual_revenue=5, strategic_fit=3
                )
            ]
        ),
    )
    view = service.portfolio(store, LOCAL)
    svg = portfolio_svg.render(view)
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in svg
    sizes = [float(s) for s in re.findall(r"font-size:([\d.]+)px", svg)]
    assert sizes and min(sizes) >= 11  # 11 px of a 297 mm page is 8.3 pt
    assert 'width="297mm" height="210mm"' in svg
