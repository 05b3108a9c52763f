"""The analysis results: plain pydantic models, served as-is by the CLI (--json) and API.

This is the contract between :mod:`graph.analysis` (which fills it) and :mod:`visual`
(which draws it); neither side computes what the other owns.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Side = Literal["ours", "customer"]


class Strength(BaseModel):
    """How strong one relationship (team member → stakeholder) is on ``as_of``."""

    member_id: str
    stakeholder_id: str
    strength: float = Field(ge=0, le=5)
    source: Literal["manual", "computed"]
    rating_age_days: int | None = None  # age of a manual rating, when it has a date
    last_contact: dt.date | None = None
    fading: bool = False


class Person(BaseModel):
    """Someone on either side, named by id."""

    id: str
    side: Side


class ThreadsToPower(BaseModel):
    """Internally node-disjoint paths from our team to one power target (0/1/2+)."""

    stakeholder_id: str
    threads: int
    #: How many of the threads are our own strong relationships with the target: "3
    #: threads, none direct" reaches them only through their colleagues.
    direct: int = 0

    @property
    def status(self) -> str:
        """ "none", "fragile" (one thread), "through colleagues only" (2+, none of them our
        own strong relationship: nobody of ours covers the target) or "resilient".

        >>> ThreadsToPower(stakeholder_id="coo", threads=3, direct=0).status
        'through colleagues only'
        """
        if self.threads < 2:
            return ("none", "fragile")[self.threads]
        return "resilient" if self.direct else "through colleagues only"


class CoverageGap(BaseModel):
    """A place the account is exposed; ``stakeholder_id`` is None for a missing DMU role."""

    stakeholder_id: str | None
    kind: str
    severity: int = Field(ge=1, le=5)
    reason: str
    role: str | None = None  # the DMU role nobody holds, for kind "missing_role"


class KeyPersonRisk(BaseModel):
    """A person whose loss would cut us off from power."""

    id: str
    side: Side
    reason: str


class HiddenInfluencer(BaseModel):
    """Ranks high on computed influence but has no DMU role or rating recorded."""

    stakeholder_id: str
    computed_rank: float
    reason: str


class InfluenceScore(BaseModel):
    """Recorded influence next to the computed rank (0–1, normalised to the account)."""

    stakeholder_id: str
    recorded: int | None
    computed: float


class PathToPower(BaseModel):
    """The strongest chain of introductions from our team to an uncovered target."""

    target_id: str
    path: list[str]  # ids, ours first; empty when there is no path
    reason: str


class OwnershipIssue(BaseModel):
    """A quarterback-coordination problem (no quarterback, unowned, mismatched, overloaded)."""

    kind: str
    subject_id: str | None
    reason: str


class HealthComponent(BaseModel):
    """One named, weighted part of the health score."""

    name: str
    weight: float
    score: float = Field(ge=0, le=100)
    explanation: str


class NextMove(BaseModel):
    """A concrete action with its reason, ranked."""

    action: str
    reason: str
    priority: int = Field(ge=1)


class AccountAnalysis(BaseModel):
    """Everything the analyses say about one account on one date."""

    account_id: str
    as_of: dt.date
    health_score: int = Field(ge=0, le=100)
    health_components: list[HealthComponent]
    single_threaded: bool
    thread_carrier: Person | None
    strengths: list[Strength]
    threads_to_power: list[ThreadsToPower]
    coverage_gaps: list[CoverageGap]
    key_person_risks: list[KeyPersonRisk]
    influence: list[InfluenceScore]
    hidden_influencers: list[HiddenInfluencer]
    paths_to_power: list[PathToPower]
    ownership_issues: list[OwnershipIssue]
    next_moves: list[NextMove]
