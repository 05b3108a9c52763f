"""Amounts in several currencies are never added up: no shares, no Pareto, risk per currency."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.analysis.result import Person
from graph.errors import ConfigError
from graph.model import Account
from graph.network import to_networkx
from graph.portfolio import brief, portfolio_view
from graph.portfolio.result import AccountBrief
from graph.settings import Settings
from graph.store import AccountGraph

AS_OF = dt.date(2026, 11, 25)
KIM = Person(id="kim", side="ours")


def _brief(account_id: str, revenue: float, currency: str) -> AccountBrief:
    return AccountBrief(
        account_id=account_id,
        name=account_id.title(),
        revenue=revenue,
        profit=revenue / 10,
        currency=currency,
        key_people=[KIM],
        quarterbacks=["kim"],
    )


def test_one_currency_has_shares_and_pareto_and_no_note() -> None:
    view = portfolio_view([_brief("a", 80, "USD"), _brief("b", 20, "USD")], as_of=AS_OF)
    assert view.currencies == ["USD"] and view.currency_note is None
    assert [(a.currency, a.revenue_share) for a in view.accounts] == [("USD", 0.8), ("USD", 0.2)]
    assert view.pareto.top_by_revenue == ["a"]
    (risk,) = view.revenue_at_risk
    assert (risk.revenue, risk.currency) == (100, "USD")


def test_several_currencies_are_not_added_up() -> None:
    briefs = [_brief("a", 80, "EUR"), _brief("b", 20, "EUR"), _brief("c", 5000, "JPY")]
    view = portfolio_view(briefs, as_of=AS_OF)
    assert view.currencies == ["EUR", "JPY"]
    assert view.currency_note and "2 currencies (EUR, JPY)" in view.currency_note
    assert all(a.revenue_share is None and a.profit_share is None for a in view.accounts)
    assert view.pareto.top_by_revenue == view.pareto.dominant == []
    assert len(view.pareto.revenue_curve) == 1  # the origin only: no curve
    # Revenue at risk: one row per currency, each in its own.
    assert sorted((r.person_id, r.revenue, r.currency) for r in view.revenue_at_risk) == [
        ("kim", 100, "EUR"),
        ("kim", 5000, "JPY"),
    ]
    # Revenue scores against the largest in the account's own currency: JPY's 5000 does
    # not make EUR's 80 look small.
    score = {a.account_id: a for a in view.accounts}
    revenue = {a: next(c for c in score[a].components if c.name == "revenue") for a in score}
    assert revenue["a"].score == revenue["c"].score == 100


def test_the_brief_takes_the_accounts_currency_or_the_default() -> None:
    def currency_of(account: Account, default: str) -> str:
        G = to_networkx(AccountGraph(accounts=[account]), currency=default)
        return brief(G, as_of=AS_OF).currency

    assert currency_of(Account(id="a", name="A", currency="CHF"), "USD") == "CHF"
    assert currency_of(Account(id="a", name="A"), "USD") == "USD"


def test_the_default_currency_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAMGRAPH_CURRENCY", raising=False)
    assert Settings.from_env().currency == "EUR"
    monkeypatch.setenv("KAMGRAPH_CURRENCY", "SEK")
    assert Settings.from_env().currency == "SEK"
    monkeypatch.setenv("KAMGRAPH_CURRENCY", "kr")
    with pytest.raises(ConfigError, match="KAMGRAPH_CURRENCY='kr': must be an ISO 4217"):
        Settings.from_env()
