"""The portfolio view's results: plain pydantic models, served as-is by the CLI and the API.

:class:`AccountBrief` is what one account's analysis leaves for the portfolio (small, so
ten thousand of them fit in memory while the accounts themselves are streamed);
:class:`PortfolioView` is what the portfolio functions make of all of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from graph.analysis.result import Person, Side
from graph.model import DEFAULT_CURRENCY

Quadrant = Literal["strategic", "star", "status", "streamline"]


class AccountBrief(BaseModel):
    """One account as the portfolio needs it, from its record and its analysis."""

    account_id: str
    name: str
    tier_recorded: str | None = None
    revenue: float | None = None
    profit: float | None = None
    #: the ISO 4217 code of revenue and profit (the account's, or the installation's default)
    currency: str = DEFAULT_CURRENCY
    growth_potential: float | None = None
    financial_stability: float | None = None
    strategic_fit: float | None = None
    relationship_closeness: float | None = None
    health_score: int = Field(default=0, ge=0, le=100)
    #: the health components "power coverage" and "threads to power" (0–100)
    power_coverage: float = Field(default=0, ge=0, le=100)
    threads_to_power: float = Field(default=0, ge=0, le=100)
    single_threaded: bool = False
    quarterbacks: list[str] = []
    #: our people on the account: on its team, or owning one of its stakeholders
    members: list[str] = []
    #: member → how many of the account's stakeholders they own
    owned: dict[str, int] = {}
    #: our people holding at least one strong relationship here
    strong_holders: list[str] = []
    important: int = 0
    #: important stakeholders owned by someone who is not the quarterback
    important_owned_by_others: int = 0
    #: the key-person risks: who carries the single thread or cuts us off from power
    key_people: list[Person] = []
    #: (e-mail in lower case, stakeholder id) of the account's stakeholders with one
    emails: list[tuple[str, str]] = []
    #: person id → name, for every person the brief names (so reports need no ids)
    names: dict[str, str] = {}


class SelectionComponent(BaseModel):
    """One weighted criterion of an account's selection score."""

    name: str
    weight: float
    value: float | None  # the recorded fact (an amount or a 0–5 rating); None: unknown
    score: float | None = Field(ge=0, le=100)  # None when unknown: weighed without it


class PortfolioAccount(BaseModel):
    """One account's row in the portfolio: selection, tier, matrix, Pareto, team shape."""

    account_id: str
    name: str
    score: float | None = Field(ge=0, le=100)  # None: no selection fact recorded
    components: list[SelectionComponent]
    tier: str | None  # the recorded tier when there is one, else the computed one
    tier_computed: str | None
    tier_recorded: str | None
    key: bool
    reason: str
    strength: float = Field(ge=0, le=100)  # our relative strength in the matrix
    quadrant: Quadrant | None  # None when unscored (no attractiveness to place it by)
    posture: str | None
    health_score: int
    single_threaded: bool
    revenue: float | None
    profit: float | None
    currency: str
    #: shares of the portfolio's total, None when unknown or the portfolio mixes currencies
    revenue_share: float | None = Field(ge=0, le=1)
    profit_share: float | None = Field(ge=0, le=1)
    quarterbacks: list[str]
    #: bow-tie → diamond: the share (0–1) of important stakeholders owned by someone other
    #: than the quarterback (None: no important stakeholder), and how many of ours hold a
    #: strong relationship
    diamond: float | None = Field(ge=0, le=1)
    strong_holders: int


class CurvePoint(BaseModel):
    """One step of a cumulative (Pareto) curve: the top ``accounts`` share hold ``share``."""

    accounts: float = Field(ge=0, le=1)
    share: float = Field(ge=0, le=1)


class ParetoResult(BaseModel):
    """Who holds the revenue and who the profit; lists of account ids, largest first."""

    top_by_revenue: list[str]
    top_by_profit: list[str]
    revenue_not_profit: list[str]
    profit_not_revenue: list[str]
    dominant: list[str]
    revenue_curve: list[CurvePoint]
    profit_curve: list[CurvePoint]


class KamLoad(BaseModel):
    """One quarterback's accounts, the key ones, and whether that is over the limit."""

    member_id: str
    accounts: list[str]
    key_accounts: list[str]
    over_limit: bool


class MemberLoad(BaseModel):
    """One of ours across the portfolio: their accounts and the stakeholders they own."""

    member_id: str
    accounts: list[str]
    stakeholders_owned: int
    spread: bool  # on more accounts than the criteria's accounts_per_member


class RevenueAtRisk(BaseModel):
    """What rides on one person: the accounts where they are a key-person risk."""

    person_id: str
    side: Side
    accounts: list[str]
    #: the riding accounts' revenue and profit in ``currency``: one row per person and
    #: currency, as amounts in different currencies are never added up
    revenue: float
    profit: float
    currency: str = DEFAULT_CURRENCY


class DoorOpener(BaseModel):
    """One e-mail address on several accounts: a person who moved, or sits on both."""

    email: str
    stakeholder_ids: list[str]
    account_ids: list[str]


class PortfolioView(BaseModel):
    """Everything the portfolio functions say about the accounts in view on one date."""

    as_of: dt.date
    criteria: str  # the criteria file read, or "defaults"
    #: where the matrix divides attractive from not and strong from weak (0–100)
    attractiveness_cut: float
    strength_cut: float
    #: the share of accounts the Pareto top sets hold (0–1)
    top_share: float
    accounts: list[PortfolioAccount]
    key_accounts: list[str]
    #: the currencies of the accounts in view, sorted
    currencies: list[str]
    #: why shares and Pareto are missing: the accounts are in several currencies, and no
    #: exchange rate is known (None: one currency)
    currency_note: str | None
    pareto: ParetoResult
    kam_load: list[KamLoad]
    members: list[MemberLoad]
    revenue_at_risk: list[RevenueAtRisk]
    door_openers: list[DoorOpener]
    #: person id → name, for every person the view names (ids stay the keys of the JSON)
    names: dict[str, str] = {}


__all__ = [
    "AccountBrief",
    "CurvePoint",
    "DoorOpener",
    "KamLoad",
    "MemberLoad",
    "ParetoResult",
    "Person",
    "PortfolioAccount",
    "PortfolioView",
    "Quadrant",
    "RevenueAtRisk",
    "SelectionComponent",
]
