"""Service calls shared by the HTTP routes and the CLI; neither shell holds logic."""

from __future__ import annotations

import datetime as dt

from graph.analysis import AccountAnalysis, analyze
from graph.network import to_networkx
from graph.sample import sample_portfolio
from graph.store import AccountSummary, GraphStore, WriteSummary

__all__ = ["AccountSummary", "analyze_account", "load_sample"]


def load_sample(store: GraphStore) -> WriteSummary:
    """Write the built-in sample portfolio (re-running it changes nothing)."""
    return store.write(sample_portfolio())


def analyze_account(
    store: GraphStore, account_id: str, as_of: dt.date | None = None
) -> AccountAnalysis:
    """Every relationship analysis of one account on ``as_of`` (today when None).

    Raises :class:`~graph.errors.NotFound` for an unknown account.
    """
    graph = to_networkx(store.account_graph(account_id))
    return analyze(graph, as_of=as_of or dt.date.today())
