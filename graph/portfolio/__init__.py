"""The portfolio: pure functions over many accounts' analyses (no store).

:func:`~graph.portfolio.brief.brief` cuts each account's analysis down to an
:class:`AccountBrief`; the caller streams the accounts and keeps only the briefs.
:func:`portfolio_view` then runs every portfolio function over them, configured by the
criteria file (:mod:`graph.portfolio.criteria`). One concept per module:

- :mod:`~graph.portfolio.selection` — weighted score 0–100, tiers, key accounts
- :mod:`~graph.portfolio.matrix` — the KAM portfolio matrix and its postures
- :mod:`~graph.portfolio.pareto` — revenue and profit shares, top sets, dominant accounts
- :mod:`~graph.portfolio.team` — KAM load, members' spread, bow-tie → diamond
- :mod:`~graph.portfolio.risk` — revenue at risk per person, door openers
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from graph.portfolio import matrix, pareto, risk, selection, team
from graph.portfolio.brief import brief
from graph.portfolio.criteria import DEFAULT_CRITERIA, Criteria, load_criteria
from graph.portfolio.result import AccountBrief, PortfolioAccount, PortfolioView

__all__ = [
    "AccountBrief",
    "Criteria",
    "PortfolioView",
    "brief",
    "load_criteria",
    "portfolio_view",
]


def portfolio_view(
    briefs: Sequence[AccountBrief], *, as_of: dt.date, criteria: Criteria = DEFAULT_CRITERIA
) -> PortfolioView:
    """Every portfolio result for the accounts ``briefs`` describe, best score first.

    In one currency; when the accounts are in several, :func:`currency_note` says why
    the shares and the Pareto are left empty, and revenue scores within each currency.

    >>> a = AccountBrief(account_id="a", name="A", revenue=80.0, profit=8.0, strategic_fit=5,
    ...                  health_score=80, power_coverage=100, threads_to_power=50,
    ...                  quarterbacks=["kim"])
    >>> b = AccountBrief(account_id="b", name="B", revenue=20.0, profit=6.0,
    ...                  quarterbacks=["kim"])
    >>> view = portfolio_view([b, a], as_of=dt.date(2026, 11, 25))
    >>> [(x.account_id, x.score, x.tier, x.quadrant) for x in view.accounts]
    [('a', 100.0, 'gold', 'strategic'), ('b', 58.3, 'silver', 'star')]
    >>> view.key_accounts, view.kam_load[0].over_limit, view.pareto.dominant
    (['a', 'b'], True, ['a', 'b'])
    """
    currencies = sorted({b.currency for b in briefs})
    note = currency_note(currencies)
    # Revenue and profit score against the largest in the account's own currency.
    marks = {
        c: selection.full_marks([b for b in briefs if b.currency == c], criteria)
        for c in currencies
    }
    shown = [] if note else briefs
    revenue_shares = pareto.shares(shown, "revenue")
    profit_shares = pareto.shares(shown, "profit")
    rows = []
    for b in briefs:
        chosen = selection.select(b, marks=marks[b.currency], criteria=criteria)
        strength = matrix.relative_strength(b, criteria)
        quadrant = matrix.quadrant(chosen.score, strength, criteria)
        rows.append(
            PortfolioAccount(
                account_id=b.account_id,
                name=b.name,
                **chosen.model_dump(),
                strength=strength,
                quadrant=quadrant,
                posture=matrix.POSTURES[quadrant] if quadrant else None,
                health_score=b.health_score,
                single_threaded=b.single_threaded,
                revenue=b.revenue,
                profit=b.profit,
                currency=b.currency,
                revenue_share=_rounded(revenue_shares.get(b.account_id)),
                profit_share=_rounded(profit_shares.get(b.account_id)),
                quarterbacks=b.quarterbacks,
                diamond=team.diamond(b),
                strong_holders=len(b.strong_holders),
            )
        )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.account_id))
    key = [r.account_id for r in rows if r.key]
    return PortfolioView(
        as_of=as_of,
        criteria=criteria.source,
        attractiveness_cut=criteria.matrix.attractiveness_cut,
        strength_cut=criteria.matrix.strength_cut,
        top_share=criteria.pareto.top_share,
        accounts=rows,
        key_accounts=key,
        currencies=currencies,
        currency_note=note,
        pareto=pareto.pareto(shown, criteria),
        kam_load=team.kam_load(briefs, key, criteria),
        members=team.members(briefs, criteria),
        revenue_at_risk=risk.revenue_at_risk(briefs),
        door_openers=risk.door_openers(briefs),
        names={p: n for b in briefs for p, n in b.names.items()},
    )


def currency_note(currencies: Sequence[str]) -> str | None:
    """Why a portfolio in several currencies has no shares or Pareto (None: one currency).

    Amounts in different currencies are never added up: without exchange rates a share of
    "the total" would be meaningless.

    >>> currency_note(["EUR"]) is None, currency_note(["EUR", "USD"])[:40]
    (True, 'The accounts are in 2 currencies (EUR, U')
    """
    if len(currencies) < 2:
        return None
    return (
        f"The accounts are in {len(currencies)} currencies ({', '.join(currencies)}): "
        "amounts are not added up across currencies, so there are no revenue or profit "
        "shares and no Pareto; each amount is shown in its own currency, and revenue at "
        "risk is totalled per currency."
    )


def _rounded(share: float | None) -> float | None:
    return None if share is None else round(share, 4)
