"""The built-in sample portfolio (``kamgraph demo``): realistic accounts to try kamgraph on."""

from __future__ import annotations

import datetime as dt
from importlib.resources import files
from typing import Final

from graph.model import Portfolio

#: The day the sample describes: its facts are dated up to then, ``make run`` analyses it
#: as of then, and ``kamgraph demo`` records it in the history on that date.
SAMPLE_AS_OF: Final = dt.date(2026, 11, 25)


def sample_portfolio() -> Portfolio:
    """The sample portfolio shipped in ``graph/sample/portfolio.json``, validated."""
    text = files(__package__).joinpath("portfolio.json").read_text(encoding="utf-8")
    return Portfolio.model_validate_json(text)
