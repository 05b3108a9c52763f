"""Service calls shared by the HTTP routes and the CLI; neither shell holds logic."""

from __future__ import annotations

import bisect
import datetime as dt
import secrets
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import networkx as nx
from pydantic import BaseModel

from api.cache import cached
from graph.access import (
    LOCAL,
    SERVE_ADMIN,
    SERVE_LABEL,
    Caller,
    Role,
    Token,
    new_secret,
    secret_hash,
)
from graph.analysis import AccountAnalysis, analyze
from graph.analysis.config import DEFAULT_CONFIG
from graph.analysis.result import CoverageGap
from graph.erasure import Skipped, without_erased
from graph.errors import InvalidData, NotFound
from graph.history import AccountDiff, Change, HealthChange, Stamp
from graph.model import Account, AccountGraph
from graph.network import to_networkx
from graph.portfolio import PortfolioView, brief, portfolio_view
from graph.portfolio.criteria import DEFAULT_CRITERIA, Criteria
from graph.sample import SAMPLE_AS_OF, sample_portfolio
from graph.store import AccountSummary, Erasure, GraphStore, Mention, WriteSummary
from visual import board_html, board_svg, changes, review
from visual.board import HANGING_KINDS
from visual.layout import Layout

__all__ = [
    "AccountSummary",
    "Mention",
    "PortfolioView",
    "account_board",
    "account_board_svg",
    "account_review",
    "analyze_account",
    "erase_stakeholder",
    "load_sample",
    "portfolio",
]

#: Accounts read (and analysed) per round trip in a portfolio: memory stays bounded by
#: two chunks, the one being analysed and the next one being read.
PORTFOLIO_CHUNK = 100


class ErasureReport(Erasure):
    """What an erasure did, in the graph and on the disk."""

    #: the id was erased before (an erasure cut short is completed: the files rewritten)
    already_erased: bool
    #: what the engine did with its files
    files: str


def erase_stakeholder(
    store: GraphStore, caller: Caller, stakeholder_id: str, *, scrub: bool = False
) -> ErasureReport:
    """Erase a person (right to erasure): from the graph, with its guard against
    re-imports, then from the engine's files. ``scrub`` redacts mentions in other records.

    An id erased before is not an error: the files are rewritten again, so an erasure
    interrupted before that step completes. :class:`~graph.errors.NotFound` otherwise.
    """
    if not caller.is_admin:  # an admin's duty; others learn nothing of unseen people
        _check_stakeholder(store, caller, stakeholder_id, write=False)
        caller.check_admin()
    try:
        erasure = store.erase_stakeholder(stakeholder_id, scrub=scrub)
        again = False
    except NotFound:
        if stakeholder_id not in store.erased():
            raise
        erasure = Erasure(
            stakeholder_id=stakeholder_id, interactions_deleted=0, interactions_kept=0, mentions=[]
        )
        again = True
    return ErasureReport(**erasure.model_dump(), already_erased=again, files=store.purge_deleted())


def load_sample(store: GraphStore) -> WriteSummary:
    """Write the built-in sample portfolio (re-running it changes nothing), without the
    people erased from this store; the history records it on the day it describes."""
    sample = without_erased(sample_portfolio(), store.erased(), Skipped())
    newest = store.history_newest()
    # A store with later history gets the sample on its newest date (history is in order).
    at = max(SAMPLE_AS_OF, newest) if newest else SAMPLE_AS_OF
    with store.atomic(stamp=Stamp(actor="demo", at=at)) as target:
        return target.write(sample)


def list_accounts(
    store: GraphStore, caller: Caller, query: str | None = None
) -> list[AccountSummary]:
    """The accounts the caller may see whose name or id contains ``query``, by name."""
    return store.list_accounts(query, visible=caller.accounts)


class AccountRow(BaseModel):
    """One line of the index of accounts: how the account stands today."""

    account: Account
    health_score: int
    #: stakeholders who matter with no strong relationship (the board's hanging pieces)
    hanging: int
    single_threaded: bool
    #: the date of the account's newest recorded change (None: nothing recorded)
    last_change: dt.date | None


def account_index(store: GraphStore, caller: Caller, query: str | None = None) -> list[AccountRow]:
    """The accounts the caller may see (name or id containing ``query``), each analysed
    as of today, by name."""
    day = dt.date.today()
    return cached(store, caller, ("index", query, day), lambda: _index(store, caller, query))


def _index(store: GraphStore, caller: Caller, query: str | None) -> list[AccountRow]:
    rows = []
    for summary in list_accounts(store, caller, query):
        account_id = summary.account.id
        analysis = _analysed(store, caller, account_id, None)[1]
        newest = store.history_page(account_id, page=1, per_page=1)
        hanging = {
            g.stakeholder_id
            for g in analysis.coverage_gaps
            if g.stakeholder_id is not None and g.kind in HANGING_KINDS
        }
        rows.append(
            AccountRow(
                account=summary.account,
                health_score=analysis.health_score,
                hanging=len(hanging),
                single_threaded=analysis.single_threaded,
                last_change=newest[0].at if newest else None,
            )
        )
    return rows


def analyze_account(
    store: GraphStore, caller: Caller, account_id: str, as_of: dt.date | None = None
) -> AccountAnalysis:
    """Every relationship analysis of one account as it was on ``as_of`` (today when None).

    Raises :class:`~graph.errors.NotFound` for an unknown account (or one not recorded yet
    by ``as_of``).
    """
    return _analysed(store, caller, account_id, as_of)[1]


def analyzed_account(
    store: GraphStore, caller: Caller, account_id: str, as_of: dt.date | None = None
) -> tuple[nx.MultiDiGraph, AccountAnalysis]:
    """:func:`analyze_account` with the graph it analysed, which names the people its ids
    stand for (what a report for people prints)."""
    return _analysed(store, caller, account_id, as_of)


def account_graph(
    store: GraphStore, caller: Caller, account_id: str, as_of: dt.date | None = None
) -> AccountGraph:
    """The account's graph now, or as it was at the end of ``as_of``."""
    caller.check_read(account_id)
    return store.account_graph(account_id, as_of=as_of)


def account_diff(
    store: GraphStore,
    caller: Caller,
    account_id: str,
    since: dt.date,
    until: dt.date | None = None,
) -> Compared:
    """What changed on the account after the end of ``since`` and by the end of ``until``
    (today when None): the record changes, and what the analyses of both dates make of
    them. Before the account's history starts it counts as not there yet."""
    caller.check_read(account_id)
    until = until or dt.date.today()
    if until < since:
        raise InvalidData([f"the end date {until} is before the start date {since}"])
    # One read of the account and its log serves both dates' stale-map news too.
    between = store.account_between(account_id, since, until, news_since=_news_start(since))
    before, after, changed = between.before, between.after, between.changes

    def network(graph: AccountGraph, day: dt.date) -> nx.MultiDiGraph:
        recent = [c for c in between.news if c.at and _news_start(day) < c.at <= day]
        return _network_of(store, graph, between.first, recent)

    old = analyze(network(before, since), as_of=since) if before is not None else None
    new = analyze(network(after, until), as_of=until)

    def gap_key(gap: CoverageGap) -> tuple[str, str | None, str | None]:
        return (gap.kind, gap.stakeholder_id, gap.role)

    old_gaps = {gap_key(g): g for g in (old.coverage_gaps if old else [])}
    new_gaps = {gap_key(g): g for g in new.coverage_gaps}
    diff = AccountDiff(
        account_id=account_id,
        since=since,
        until=until,
        changes=changed,
        health=HealthChange(before=old.health_score if old else None, after=new.health_score),
        gaps_opened=[g for k, g in new_gaps.items() if k not in old_gaps],
        gaps_closed=[g for k, g in old_gaps.items() if k not in new_gaps],
    )
    return Compared(diff=diff, before=before, after=after)


class Compared(BaseModel):
    """A diff with the account's graphs at both ends (views name people from them)."""

    diff: AccountDiff
    before: AccountGraph | None
    after: AccountGraph


class HistoryPage(BaseModel):
    """One page of an account's change log, newest first."""

    account_id: str
    page: int
    per_page: int
    total: int
    starts: dt.date | None
    changes: list[Change]


def account_history(
    store: GraphStore, caller: Caller, account_id: str, *, page: int = 1, per_page: int = 50
) -> HistoryPage:
    """Who changed what on the account, when: one page of its log, newest first."""
    caller.check_read(account_id)
    store.account_graph(account_id)  # NotFound for an unknown account
    starts, total = store.history_span(account_id)
    changes = store.history_page(account_id, page=page, per_page=per_page)
    return HistoryPage(
        account_id=account_id,
        page=page,
        per_page=per_page,
        total=total,
        starts=starts,
        changes=changes,
    )


def account_board(
    store: GraphStore,
    caller: Caller,
    account_id: str,
    *,
    layout: Layout = Layout.board,
    as_of: dt.date | None = None,
    vis_url: str | None = None,
) -> str:
    """The account's interactive board: one HTML page, offline (vis-network inlined), or
    for the app with ``vis_url`` (where the app serves vis-network's files, shared by
    every board page)."""
    caller.check_read(account_id)
    day = as_of or dt.date.today()
    return cached(
        store,
        caller,
        ("board", account_id, as_of, day, layout, vis_url),
        lambda: board_html.render(
            *_analysed(store, caller, account_id, as_of), layout=layout, vis_url=vis_url
        ),
    )


def account_board_data(
    store: GraphStore, caller: Caller, account_id: str, *, layout: Layout = Layout.board
) -> dict[str, Any]:
    """What the workspace draws the account's board from, today: the board's data and
    vis-network's nodes, edges and options (the offline board's own)."""
    return board_html.workspace_data(*_analysed(store, caller, account_id, None), layout=layout)


def account_board_svg(
    store: GraphStore, caller: Caller, account_id: str, *, as_of: dt.date | None = None
) -> str:
    """The account's board as a static SVG (A4 landscape)."""
    caller.check_read(account_id)
    day = as_of or dt.date.today()
    return cached(
        store,
        caller,
        ("svg", account_id, as_of, day),
        lambda: board_svg.render(*_analysed(store, caller, account_id, as_of)),
    )


def account_review(
    store: GraphStore,
    caller: Caller,
    account_id: str,
    *,
    as_of: dt.date | None = None,
    since: dt.date | None = None,
    links: Sequence[tuple[str, str]] = (),
) -> str:
    """The account's review page (self-contained HTML, prints to A4 landscape); with
    ``since`` (the last review), what changed from then to ``as_of``; ``links`` (label,
    URL) lead to the app's other pages."""
    caller.check_read(account_id)
    day = as_of or dt.date.today()

    def make() -> str:
        G, analysis = _analysed(store, caller, account_id, as_of)
        changed = None
        if since is not None:
            compared = account_diff(store, caller, account_id, since, as_of)
            groups = changes.summarize(compared.diff, compared.before, compared.after)
            changed = review.ChangesSince(since=since, groups=groups)
        return review.render(G, analysis, changes=changed, links=links)

    return cached(store, caller, ("review", account_id, as_of, day, since, tuple(links)), make)


def diff_text(compared: Compared) -> str:
    """A diff as plain text for people, grouped (joined, left, moves, relationships …)."""
    diff = compared.diff
    head = f"{diff.account_id}: what changed from {diff.since} to {diff.until}"
    groups = changes.summarize(diff, compared.before, compared.after)
    return head + "\n\n" + changes.text(groups)


def _analysed(
    store: GraphStore, caller: Caller, account_id: str, as_of: dt.date | None
) -> tuple[nx.MultiDiGraph, AccountAnalysis]:
    """The account's graph as it was on ``as_of`` (now when None) and its analysis on that
    day: what views draw (cached: views only read them)."""
    caller.check_read(account_id)
    day = as_of or dt.date.today()

    def make() -> tuple[nx.MultiDiGraph, AccountAnalysis]:
        graph = store.account_graph(account_id, as_of=as_of)
        G = _network(store, graph, day)
        return G, analyze(G, as_of=day)

    return cached(store, caller, ("analysed", account_id, as_of, day), make)


#: How far back a stale-map alert looks for newcomers and reorganisations (and one day
#: more: the window ends at the end of the analysed day).
_NEWS_WINDOW: Final = dt.timedelta(days=DEFAULT_CONFIG.newcomer_days + 1)


def _news_start(day: dt.date) -> dt.date:
    """Where the stale-map news window before the end of ``day`` starts (no earlier than
    the first date there is)."""
    return day - _NEWS_WINDOW if day - dt.date.min > _NEWS_WINDOW else dt.date.min


def _network(store: GraphStore, graph: AccountGraph, as_of: dt.date) -> nx.MultiDiGraph:
    """The analysis graph, with the history's dates the stale-map alerts need (see
    :func:`_network_of`), read from the log's window before ``as_of``."""
    first, recent = store.history_between(graph.account.id, _news_start(as_of), as_of)
    return _network_of(store, graph, first, recent)


def _network_of(
    store: GraphStore, graph: AccountGraph, first: dt.date | None, recent: list[Change]
) -> nx.MultiDiGraph:
    """The analysis graph, with who joined the account and whose manager changed among
    the ``recent`` changes (the newcomer window's).

    The account's first recorded day (``first``) is its first mapping, not news: nobody
    "joins" or is "reorganised" by it.
    """
    if first is None or not recent:  # a quiet account: no news
        return to_networkx(graph, currency=store.default_currency)
    here = {s.id for s in graph.stakeholders}
    joined: dict[str, dt.date] = {}
    manager_changed: dict[str, dt.date] = {}
    for change in recent:
        if change.at is None or change.at <= first or change.subject_id not in here:
            continue
        if change.kind == "stakeholder_added":
            joined[change.subject_id] = change.at
        elif change.collection == "reports_to" and change.at > joined.get(change.subject_id, first):
            manager_changed[change.subject_id] = change.at
    return to_networkx(
        graph, joined=joined, manager_changed=manager_changed, currency=store.default_currency
    )


def portfolio(
    store: GraphStore,
    caller: Caller,
    *,
    as_of: dt.date | None = None,
    criteria: Criteria = DEFAULT_CRITERIA,
    chunk: int = PORTFOLIO_CHUNK,
) -> PortfolioView:
    """The portfolio view of the accounts the caller sees, as they were on ``as_of`` (today
    when None): selection and tiers, the KAM matrix, Pareto, KAM load, revenue at risk and
    door openers. Accounts are streamed in chunks of ``chunk``, each cut down to its brief
    as it comes, so memory holds briefs, not graphs. Accounts whose history starts after
    ``as_of`` are not in it yet."""
    day = as_of or dt.date.today()
    briefs = [
        brief(to_networkx(graph, currency=store.default_currency), as_of=day)
        for graphs in _visible_chunks(store, caller, as_of, chunk)
        for graph in graphs
    ]
    return portfolio_view(briefs, as_of=day, criteria=criteria)


def _visible_chunks(
    store: GraphStore, caller: Caller, as_of: dt.date | None, chunk: int
) -> Iterator[list[AccountGraph]]:
    """The graphs of the caller's accounts, ``chunk`` at a time in id order; the next chunk
    is read in a second thread while the caller analyses this one (the engine works in its
    own process, so reading and analysing overlap)."""
    mine = None if caller.accounts is None else sorted(caller.accounts)
    if as_of is not None:
        newest = store.history_newest()
        if newest is None or as_of >= newest:
            as_of = None  # nothing to rewind: every account reads as it is now

    def read(after: str | None) -> tuple[str | None, list[AccountGraph]]:
        if mine is None:
            ids = store.account_ids(after=after, limit=chunk)
        else:
            start = 0 if after is None else bisect.bisect_right(mine, after)
            ids = mine[start : start + chunk]
        if not ids:
            return None, []
        graphs = store.account_graphs_as_of(ids, as_of) if as_of else store.account_graphs(ids)
        return ids[-1], graphs

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="portfolio-read") as reader:
        ahead = reader.submit(read, None)
        while True:
            last, graphs = ahead.result()
            if last is None:
                return
            ahead = reader.submit(read, last)
            yield graphs


def _check_stakeholder(
    store: GraphStore, caller: Caller, stakeholder_id: str, *, write: bool
) -> str:
    """The stakeholder's account, after checking the caller may read (or change) it; an
    unseen stakeholder is :class:`~graph.errors.NotFound`, as a missing one is."""
    account_id = store.stakeholder_account(stakeholder_id)
    if account_id is None:
        raise NotFound("stakeholder", stakeholder_id)
    check = caller.check_write if write else caller.check_read
    check(account_id, "stakeholder", stakeholder_id)
    return account_id


# --- tokens -------------------------------------------------------------------------------


class IssuedToken(BaseModel):
    """A new token: the secret, shown this once, and the record the store keeps."""

    token: str
    record: Token


def create_token(
    store: GraphStore, caller: Caller, member_id: str, role: Role, label: str | None = None
) -> IssuedToken:
    """Issue a token for a team member with a role (admins only)."""
    caller.check_admin()
    if member_id != SERVE_ADMIN and not store.team_member_exists(member_id):
        raise NotFound("team member", member_id)
    secret = new_secret()
    record = Token(
        id=secrets.token_hex(6),
        member_id=member_id,
        role=role,
        label=label,
        created_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )
    store.add_token(record, secret_hash(secret))
    return IssuedToken(token=secret, record=record)


def list_tokens(store: GraphStore, caller: Caller) -> list[Token]:
    """Every token, revoked ones too (admins only); never their secrets."""
    caller.check_admin()
    return store.tokens()


def revoke_token(store: GraphStore, caller: Caller, token_id: str) -> None:
    """Revoke a token now: its bearer and its browser sessions are out at their next
    request (admins only)."""
    caller.check_admin()
    store.revoke_token(token_id)


def serve_login(store: GraphStore) -> str:
    """A fresh admin token for ``kamgraph serve`` to print in its login URL; the previous
    start's is revoked, so only the newest printed URL logs in."""
    store.revoke_labelled_tokens(SERVE_LABEL)
    return create_token(store, LOCAL, SERVE_ADMIN, Role.admin, SERVE_LABEL).token
