"""Service calls shared by the HTTP routes and the CLI; neither shell holds logic."""

from __future__ import annotations

from graph.sample import sample_portfolio
from graph.store import AccountSummary, GraphStore, WriteSummary

__all__ = ["AccountSummary", "load_sample"]


def load_sample(store: GraphStore) -> WriteSummary:
    """Write the built-in sample portfolio (re-running it changes nothing)."""
    return store.write(sample_portfolio())
