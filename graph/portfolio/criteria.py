"""The portfolio's criteria file (``kamgraph.toml``): how accounts are selected and graded.

Every table and key is optional; what is left out keeps the default shown here::

    [selection]
    key_tiers = ["gold", "silver"]   # the tiers whose accounts are key accounts

    [selection.weights]              # relative (any scale); 0 = not weighed
    revenue = 1
    profit = 2                       # profit, not revenue, makes a key account
    growth_potential = 2
    financial_stability = 1
    strategic_fit = 1
    relationship_closeness = 1

    [selection.full_marks]           # the amount that scores 100 (default: the largest in view)
    # revenue = 2_000_000
    # profit = 400_000

    [selection.tiers]                # the lowest score of each tier, best first
    gold = 70
    silver = 45
    bronze = 0

    [matrix]
    attractiveness_cut = 50          # a score this high or higher is attractive
    strength_cut = 50                # a relative strength this high or higher is strong

    [matrix.strength_weights]        # our relative strength, from the relationship analyses
    health = 1
    power_coverage = 1
    threads_to_power = 1

    [pareto]
    top_share = 0.2                  # the top 20% of accounts by revenue, by profit
    dominant_share = 0.15            # one account above 15% of the revenue dominates

    [load]
    key_accounts_per_quarterback = 1 # more is over the limit (the practice's ideal is one)
    accounts_per_member = 5          # a member on more accounts is spread thin

A bad key or value is :class:`~graph.errors.InvalidData`, one line per problem naming the
file and the key.

>>> criteria = parse('[selection.tiers]\\nA = 60\\nB = 0\\n[selection]\\nkey_tiers = ["A"]')
>>> list(criteria.selection.tiers), criteria.selection.weights.profit
(['A', 'B'], 2.0)
>>> parse("[selection.weights]\\nprofti = 2", source="kamgraph.toml")
Traceback (most recent call last):
...
graph.errors.InvalidData: kamgraph.toml: 1 problem:
  - kamgraph.toml, key selection.weights.profti: not a key kamgraph knows
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from graph.errors import InvalidData

#: The file read from the working folder when no ``--criteria`` is given.
CRITERIA_FILE: Final = "kamgraph.toml"


class _Table(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Weights(_Table):
    """The weight of each selection criterion (relative; 0 leaves it out)."""

    revenue: float = Field(default=1.0, ge=0)
    profit: float = Field(default=2.0, ge=0)
    growth_potential: float = Field(default=2.0, ge=0)
    financial_stability: float = Field(default=1.0, ge=0)
    strategic_fit: float = Field(default=1.0, ge=0)
    relationship_closeness: float = Field(default=1.0, ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> Weights:
        if not any(self.model_dump().values()):
            raise ValueError("at least one weight must be above 0")
        return self


class FullMarks(_Table):
    """The revenue and profit that score 100 (None: the largest among the accounts in view)."""

    revenue: float | None = Field(default=None, gt=0)
    profit: float | None = Field(default=None, gt=0)


def _default_tiers() -> dict[str, float]:
    return {"gold": 70.0, "silver": 45.0, "bronze": 0.0}


class Selection(_Table):
    """Weights, full marks, tiers (name → lowest score, best first) and the key tiers."""

    weights: Weights = Weights()
    full_marks: FullMarks = FullMarks()
    tiers: dict[str, float] = Field(default_factory=_default_tiers)
    key_tiers: tuple[str, ...] = ("gold", "silver")

    @model_validator(mode="after")
    def _tiers_in_order(self) -> Selection:
        if not self.tiers:
            raise ValueError("name at least one tier")
        scores = list(self.tiers.values())
        if any(not 0 <= s <= 100 for s in scores):
            raise ValueError("a tier's lowest score is 0–100")
        if any(a <= b for a, b in itertools.pairwise(scores)):
            raise ValueError("list the tiers best first, each lower than the one before")
        unknown = [t for t in self.key_tiers if t not in self.tiers]
        if unknown:
            raise ValueError(f"key_tiers names {', '.join(unknown)}, not among the tiers")
        return self


class StrengthWeights(_Table):
    """How our relative strength weighs the account's health and its reach to power."""

    health: float = Field(default=1.0, ge=0)
    power_coverage: float = Field(default=1.0, ge=0)
    threads_to_power: float = Field(default=1.0, ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> StrengthWeights:
        if not any(self.model_dump().values()):
            raise ValueError("at least one weight must be above 0")
        return self


class Matrix(_Table):
    """Where the KAM portfolio matrix divides attractive from not, strong from weak."""

    attractiveness_cut: float = Field(default=50.0, ge=0, le=100)
    strength_cut: float = Field(default=50.0, ge=0, le=100)
    strength_weights: StrengthWeights = StrengthWeights()


class Pareto(_Table):
    """The share of accounts that makes the top, and the revenue share that dominates."""

    top_share: float = Field(default=0.2, gt=0, le=1)
    dominant_share: float = Field(default=0.15, gt=0, le=1)


class Load(_Table):
    """How many key accounts a quarterback, and accounts a member, may carry."""

    key_accounts_per_quarterback: int = Field(default=1, ge=0)
    accounts_per_member: int = Field(default=5, ge=1)


class Criteria(_Table):
    """Everything the portfolio view is configured by (``kamgraph.toml``)."""

    selection: Selection = Selection()
    matrix: Matrix = Matrix()
    pareto: Pareto = Pareto()
    load: Load = Load()
    #: Where the criteria came from, for the view to say ("defaults" when no file).
    source: str = Field(default="defaults", exclude=True)


DEFAULT_CRITERIA: Final = Criteria()


def parse(text: str, *, source: str = CRITERIA_FILE) -> Criteria:
    """Criteria from TOML text; every problem is one line naming ``source`` and the key."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InvalidData([f"{source}: not valid TOML ({error})"], source) from None
    if "source" in document:
        raise InvalidData([f"{source}, key source: not a key kamgraph knows"], source)
    try:
        return Criteria.model_validate({**document, "source": source})
    except ValidationError as error:
        problems = []
        for e in error.errors():
            key = ".".join(str(part) for part in e["loc"])
            message = "not a key kamgraph knows" if e["type"] == "extra_forbidden" else e["msg"]
            where = f"{source}, key {key}" if key else source
            problems.append(f"{where}: {message.removeprefix('Value error, ')}")
        raise InvalidData(problems, source) from None


def load_criteria(path: Path | None = None, *, folder: Path | None = None) -> Criteria:
    """The criteria in ``path``; without one, ``kamgraph.toml`` in ``folder`` (the working
    folder) if there is one, else the defaults. A named file that is missing is an error."""
    if path is None:
        found = (folder or Path.cwd()) / CRITERIA_FILE
        if not found.is_file():
            return DEFAULT_CRITERIA
        path = found
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise InvalidData([f"{path}: cannot read the criteria file ({why or error})"]) from None
    return parse(text, source=str(path))
