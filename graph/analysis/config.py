"""The knobs of the relationship analyses, each with a documented default.

One :class:`AnalysisConfig` travels with every analysis, so two runs with the same
graph, ``as_of`` and config give the same numbers.

>>> AnalysisConfig().strong_threshold
3.0
>>> AnalysisConfig(fading_after_days=60).fading_after_days
60
"""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from graph.model import Channel


class _Knobs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChannelWeights(_Knobs):
    """How much one interaction counts toward a computed strength, by channel.

    A meeting builds more of a relationship than a call, a call more than an email.
    """

    meeting: float = Field(default=3.0, gt=0)
    call: float = Field(default=2.0, gt=0)
    email: float = Field(default=1.0, gt=0)

    def of(self, channel: Channel) -> float:
        """The weight of one interaction on ``channel``."""
        return float(getattr(self, channel.value))


class HealthWeights(_Knobs):
    """The weight of each health component in the 0–100 score (relative, any scale)."""

    power_coverage: float = Field(default=30, ge=0)
    threads_to_power: float = Field(default=25, ge=0)
    breadth: float = Field(default=15, ge=0)
    freshness: float = Field(default=15, ge=0)
    ownership: float = Field(default=15, ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> HealthWeights:
        if not any(self.model_dump().values()):
            raise ValueError("at least one health weight must be above 0")
        return self


class AnalysisConfig(_Knobs):
    """Thresholds and weights of the analyses; the defaults suit a typical key account."""

    strong_threshold: float = Field(
        default=3.0, ge=0, le=5, description="A relationship this strong (0–5) or more is strong."
    )
    fading_after_days: int = Field(
        default=90, ge=1, description="A relationship with no contact for longer is fading."
    )
    half_life_days: float = Field(
        default=90.0, gt=0, description="An interaction counts half as much after this many days."
    )
    saturation: float = Field(
        default=6.0,
        gt=0,
        description=(
            "k in strength = 5·(1 − exp(−Σ/k)), Σ the decayed, channel-weighted interactions: "
            "with the defaults two fresh meetings make a strong relationship (3.16), one 1.97."
        ),
    )
    channel_weights: ChannelWeights = ChannelWeights()
    high_influence: int = Field(
        default=4, ge=1, le=5, description="Recorded influence that makes a stakeholder important."
    )
    high_rank: float = Field(
        default=0.7,
        ge=0,
        le=1,
        description="Computed influence rank (0–1) that makes a stakeholder important.",
    )
    hidden_rank: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Rank from which someone with no role and no recorded influence is hidden.",
    )
    opponent_influence: int = Field(
        default=3, ge=1, le=5, description="Recorded influence that makes an opponent a threat."
    )
    reporting_weight: float = Field(
        default=3.0,
        gt=0,
        description="Weight of a reporting line in the influence rank (influence lines: 1–5).",
    )
    introduction_cost: float = Field(
        default=0.5,
        gt=0,
        description=(
            "Cost of one hop along the customer's own lines in a path to power, against "
            "1/strength for a hop along one of our relationships (0.5 = a 2/5 relationship)."
        ),
    )
    max_seniority_gap: int = Field(
        default=2,
        ge=0,
        le=4,
        description="Owners more levels below their stakeholder than this are mismatched.",
    )
    owner_overload: int = Field(
        default=8, ge=1, description="Owners of more stakeholders in one account are overloaded."
    )
    breadth_stakeholders: int = Field(
        default=5, ge=1, description="Their people we want strong relationships with (breadth)."
    )
    breadth_members: int = Field(
        default=3, ge=1, description="Our people we want holding those relationships (breadth)."
    )
    newcomer_days: int = Field(
        default=90,
        ge=1,
        description=(
            "A stakeholder who joined, or whose manager changed, this many days before as_of "
            "or fewer is new in the role (the stale-map alerts)."
        ),
    )
    health_weights: HealthWeights = HealthWeights()
    max_next_moves: int = Field(default=10, ge=1, description="Next moves listed, best first.")


DEFAULT_CONFIG: Final = AnalysisConfig()
