"""Service calls shared by the HTTP routes and the CLI; neither shell holds logic."""

from __future__ import annotations

import datetime as dt

import networkx as nx

from graph.analysis import AccountAnalysis, analyze
from graph.erasure import Skipped, without_erased
from graph.errors import NotFound
from graph.network import to_networkx
from graph.sample import sample_portfolio
from graph.store import AccountSummary, Erasure, GraphStore, Mention, WriteSummary
from visual import board_html, board_svg, review
from visual.layout import Layout

__all__ = [
    "AccountSummary",
    "Mention",
    "account_board",
    "account_board_svg",
    "account_review",
    "analyze_account",
    "erase_stakeholder",
    "load_sample",
]


class ErasureReport(Erasure):
    """What an erasure did, in the graph and on the disk."""

    #: the id was erased before (an erasure cut short is completed: the files rewritten)
    already_erased: bool
    #: what the engine did with its files
    files: str


def erase_stakeholder(
    store: GraphStore, stakeholder_id: str, *, scrub: bool = False
) -> ErasureReport:
    """Erase a person (right to erasure): from the graph, with its guard against
    re-imports, then from the engine's files. ``scrub`` redacts mentions in other records.

    An id erased before is not an error: the files are rewritten again, so an erasure
    interrupted before that step completes. :class:`~graph.errors.NotFound` otherwise.
    """
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
    people erased from this store."""
    return store.write(without_erased(sample_portfolio(), store.erased(), Skipped()))


def analyze_account(
    store: GraphStore, account_id: str, as_of: dt.date | None = None
) -> AccountAnalysis:
    """Every relationship analysis of one account on ``as_of`` (today when None).

    Raises :class:`~graph.errors.NotFound` for an unknown account.
    """
    graph = to_networkx(store.account_graph(account_id))
    return analyze(graph, as_of=as_of or dt.date.today())


def account_board(
    store: GraphStore,
    account_id: str,
    *,
    layout: Layout = Layout.board,
    as_of: dt.date | None = None,
) -> str:
    """The account's interactive board: one offline HTML page."""
    return board_html.render(*_analysed(store, account_id, as_of), layout=layout)


def account_board_svg(store: GraphStore, account_id: str, *, as_of: dt.date | None = None) -> str:
    """The account's board as a static SVG (A4 landscape)."""
    return board_svg.render(*_analysed(store, account_id, as_of))


def account_review(store: GraphStore, account_id: str, *, as_of: dt.date | None = None) -> str:
    """The account's review page (self-contained HTML, prints to A4 landscape)."""
    return review.render(*_analysed(store, account_id, as_of))


def _analysed(
    store: GraphStore, account_id: str, as_of: dt.date | None
) -> tuple[nx.MultiDiGraph, AccountAnalysis]:
    """The account's graph and its analysis on ``as_of`` (today when None): what views draw."""
    G = to_networkx(store.account_graph(account_id))
    return G, analyze(G, as_of=as_of or dt.date.today())
