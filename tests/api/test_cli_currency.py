"""Every amount the CLI shows carries its currency: the account's own, else KAMGRAPH_CURRENCY."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.model import Account, Knows, Portfolio, Stakeholder, TeamAssignment, TeamMember
from graph.settings import Settings
from graph.store import open_store

from ..conftest import write_recorded

runner = CliRunner()
AS_OF = ["--as-of", "2026-11-25"]


@pytest.fixture
def store_arg(data_dir: Path) -> list[str]:
    """acme records no currency; globex is in USD; kim is the quarterback of both."""
    with open_store(Settings(store=f"embedded:{data_dir}")) as store:
        write_recorded(
            store,
            Portfolio(
                accounts=[
                    Account(id="acme", name="Acme", annual_revenue=1000, profit=-50),
                    Account(id="globex", name="Globex", annual_revenue=2500, currency="USD"),
                ],
                stakeholders=[
                    Stakeholder(id=s, account_id=a, name=s, dmu_roles="decision_maker")
                    for s, a in (("a-ceo", "acme"), ("g-ceo", "globex"))
                ],
                team_members=[TeamMember(id="kim", name="Kim")],
                team=[
                    TeamAssignment(member_id="kim", account_id=a, role="quarterback")
                    for a in ("acme", "globex")
                ],
                knows=[  # kim carries both accounts: revenue at risk on each
                    Knows(member_id="kim", stakeholder_id=s, strength=4) for s in ("a-ceo", "g-ceo")
                ],
            ),
        )
    return ["--store", f"embedded:{data_dir}"]


@pytest.mark.parametrize(("env", "default"), [({}, "EUR"), ({"KAMGRAPH_CURRENCY": "GBP"}, "GBP")])
def test_analyze_and_review_show_amounts_with_the_accounts_currency(
    store_arg: list[str], tmp_path: Path, env: dict[str, str], default: str
) -> None:
    env = {"KAMGRAPH_CURRENCY": "", **env}
    acme = runner.invoke(app, [*store_arg, "analyze", "acme", *AS_OF], env=env)
    assert acme.exit_code == 0, acme.output
    assert f"revenue 1,000 {default}, profit -50 {default}" in acme.output
    globex = runner.invoke(app, [*store_arg, "analyze", "globex", *AS_OF], env=env)
    assert "revenue 2,500 USD" in globex.output
    out = tmp_path / "r.html"
    review = runner.invoke(app, [*store_arg, "review", "acme", *AS_OF, "-o", str(out)], env=env)
    assert review.exit_code == 0, review.output
    assert f"revenue 1,000 {default} · profit -50 {default}" in out.read_text(encoding="utf-8")


def test_a_portfolio_in_two_currencies_says_so_and_adds_nothing_up(
    store_arg: list[str], tmp_path: Path
) -> None:
    svg = tmp_path / "p.svg"
    result = runner.invoke(
        app, [*store_arg, "portfolio", *AS_OF, "--svg", str(svg)], env={"KAMGRAPH_CURRENCY": ""}
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "The accounts are in 2 currencies (EUR, USD)" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith(("Acme", "Glo"))}
    assert rows["Acme"].split()[5:8] == ["-", "-", "EUR"]  # no shares across currencies
    assert rows["Globex"].split()[5:8] == ["-", "-", "USD"]
    assert "Kim (ours): revenue 1,000 EUR, profit -50 EUR" in out
    assert "Kim (ours): revenue 2,500 USD, profit 0 USD" in out
    drawn = svg.read_text(encoding="utf-8")
    assert "Pareto: not across currencies" in drawn and "EUR, USD" in drawn


def test_a_bad_default_currency_is_a_configuration_error(store_arg: list[str]) -> None:
    result = runner.invoke(app, [*store_arg, "analyze", "acme"], env={"KAMGRAPH_CURRENCY": "$"})
    assert result.exit_code == 4
    assert "KAMGRAPH_CURRENCY='$': must be an ISO 4217 currency code" in result.output
