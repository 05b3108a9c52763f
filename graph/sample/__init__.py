"""The built-in sample portfolio (``kamgraph demo``): realistic accounts to try kamgraph on."""

from __future__ import annotations

from importlib.resources import files

from graph.model import Portfolio


def sample_portfolio() -> Portfolio:
    """The sample portfolio shipped in ``graph/sample/portfolio.json``, validated."""
    text = files(__package__).joinpath("portfolio.json").read_text(encoding="utf-8")
    return Portfolio.model_validate_json(text)
