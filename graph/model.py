"""The domain model: accounts, the customer's stakeholders, our team and how they relate.

Every record that enters the store passes through one of these pydantic models, so
bad data is rejected with a message that names the field and, for enums, the allowed
values. Dates are ``datetime.date``; the store keeps them as ISO strings. Text is
single-line (:data:`Line`: names, titles, ids) or prose (:data:`Prose`: notes and
summaries, where tabs and line breaks belong); neither takes other control characters,
which engines refuse or mangle, and numbers must be finite.

>>> Knows(member_id="tm-1", stakeholder_id="st-1", strength=4).strength
4
>>> Stance("Champion")
<Stance.champion: 'champion'>
>>> Account(id="a", name="A\\x00B")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for Account
name
  contains a control character (U+0000); remove it [type=control_character, ...]
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from enum import StrEnum
from functools import cache
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

#: The longest id kamgraph stores (the API refuses longer ones in paths, unechoed).
MAX_ID_LENGTH = 200

#: C0 controls, DEL and C1 controls (pydantic itself refuses lone surrogates).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: The same, less tab and line feed: prose keeps its layout.
_PROSE_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


#: The validation context of records read back from the store: text an earlier kamgraph
#: stored before control characters were refused still reads (an export then names it).
STORED: dict[str, bool] = {"stored": True}


def _refuse(pattern: re.Pattern[str], text: str, info: ValidationInfo) -> str:
    if info.context is not STORED and (found := pattern.search(text)):
        raise PydanticCustomError(
            "control_character",
            "contains a control character ({code}); remove it",
            {"code": f"U+{ord(found.group()):04X}"},
        )
    return text


def single_line(text: str, info: ValidationInfo) -> str:
    """``text`` if it holds no control character (tab and line breaks included)."""
    return _refuse(_CONTROL, text, info)


def id_text(text: str, info: ValidationInfo) -> str:
    """An id: one line with no ``/`` — it is a segment of the record's URL, and a
    ``/`` (even sent as ``%2F``) would split it, leaving the record unreachable.

    >>> Stakeholder(id="x/y", account_id="a", name="X")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Stakeholder
    id
      contains '/', which a record's URL cannot carry; use another character ...
    """
    text = single_line(text, info)
    if info.context is not STORED and "/" in text:
        raise PydanticCustomError(
            "slash_in_id", "contains '/', which a record's URL cannot carry; use another character"
        )
    return text


def prose(text: str, info: ValidationInfo) -> str:
    """``text`` with CR LF and lone CR as LF, if it holds no control but tab and LF.

    >>> Account(id="a", name="A", notes="Call back\\r\\n\\tin May").notes
    'Call back\\n\\tin May'
    """
    return _refuse(_PROSE_CONTROL, text.replace("\r\n", "\n").replace("\r", "\n"), info)


#: Single-line text: a title, an industry, an email, a rating's source.
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(single_line)
]
#: Prose: notes and summaries, which may hold tabs and line breaks.
Prose = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(prose)
]
Id = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ID_LENGTH),
    AfterValidator(id_text),
    Field(description="A stable id of ours or the CRM's; never an engine id."),
]
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(single_line),
]

#: The currency an installation's accounts are in when they record none (``KAMGRAPH_CURRENCY``).
DEFAULT_CURRENCY = "EUR"
_CURRENCY = re.compile(r"[A-Z]{3}")


def currency_code(text: str) -> str:
    """An ISO 4217 currency code: three upper-case letters.

    >>> Account(id="a", name="A", currency="usd")
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for Account
    currency
      must be an ISO 4217 currency code, three upper-case letters such as EUR or USD ...
    """
    if not _CURRENCY.fullmatch(text):
        raise PydanticCustomError(
            "currency_code",
            "must be an ISO 4217 currency code, three upper-case letters such as EUR or USD",
        )
    return text


Currency = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    AfterValidator(currency_code),
    Field(description="ISO 4217 code of its revenue and profit, e.g. EUR, USD, GBP."),
]

#: A person's other e-mail addresses: calendar and mail imports match them as ``email``.
Aliases = Annotated[
    tuple[Line, ...], Field(description="Other e-mail addresses of the same person.")
]

MAX_STRENGTH = 5


class LenientEnum(StrEnum):
    """An enum that accepts its values case-insensitively, with spaces or dashes for '_'.

    A bad value fails with the full list of allowed values, which pydantic shows.
    """

    @classmethod
    def _missing_(cls, value: object) -> LenientEnum | None:
        if isinstance(value, str):
            key = value.strip().lower().replace(" ", "_").replace("-", "_")
            for member in cls:
                if member.value == key:
                    return member
        return None

    @classmethod
    def allowed(cls) -> str:
        """The allowed values, for error messages and help texts."""
        return ", ".join(m.value for m in cls)


class DmuRole(LenientEnum):
    """Roles in the customer's decision-making unit (buying centre)."""

    decision_maker = "decision_maker"
    economic_buyer = "economic_buyer"
    technical_buyer = "technical_buyer"
    user_buyer = "user_buyer"
    influencer = "influencer"
    evaluator = "evaluator"
    procurement = "procurement"
    gatekeeper = "gatekeeper"
    champion = "champion"
    blocker = "blocker"


#: The roles whose holders can say yes (or stop the deal): they must be covered.
POWER_ROLES = frozenset({DmuRole.decision_maker, DmuRole.economic_buyer})


class Stance(LenientEnum):
    """Where a stakeholder stands toward us, best first."""

    champion = "champion"
    supporter = "supporter"
    neutral = "neutral"
    skeptic = "skeptic"
    opponent = "opponent"


class Seniority(LenientEnum):
    """Seniority levels, most senior first; ``rank`` 1 is the back rank of the board."""

    c_level = "c_level"
    vp = "vp"
    director = "director"
    manager = "manager"
    individual = "individual"

    @property
    def rank(self) -> int:
        """1 for the C-suite down to 5 for individual contributors."""
        return list(Seniority).index(self) + 1


class DecisionOrientation(LenientEnum):
    """What a stakeholder weighs most when deciding."""

    financial = "financial"
    technical = "technical"
    relationship = "relationship"
    business = "business"


class TeamRole(LenientEnum):
    """Roles on our side of an account; exactly one quarterback per account."""

    quarterback = "quarterback"
    exec_sponsor = "exec_sponsor"
    solution_engineer = "solution_engineer"
    specialist = "specialist"
    service = "service"
    sales = "sales"


class Channel(LenientEnum):
    """How an interaction happened; meetings weigh more than calls, calls more than email."""

    meeting = "meeting"
    call = "call"
    email = "email"


class Tier(LenientEnum):
    """Key-account tier from the weighted selection criteria."""

    gold = "gold"
    silver = "silver"
    bronze = "bronze"


class RelationshipLevel(LenientEnum):
    """How the stakeholder sees us, lowest first (current vs. desired level)."""

    vendor = "vendor"
    credible_source = "credible_source"
    problem_solver = "problem_solver"
    trusted_advisor = "trusted_advisor"


class Record(BaseModel):
    """Base for every record: unknown fields are errors, strings are stripped, and numbers
    are finite (``1e999`` in a file is infinity, which no engine stores)."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, frozen=True, allow_inf_nan=False
    )


#: A selection rating: 0 (none) to 5 (the best), fractions allowed.
Rating = Annotated[float, Field(ge=0, le=5)]


class Account(Record):
    """A key account: the customer organisation, with the facts its selection weighs.

        ``tier`` is a recorded decision (it wins over the tier the selection criteria
        compute); revenue and profit are ours from the account, per year, in ``currency``
    (an ISO 4217 code; none recorded: the installation's default); the four ratings
        (0–5) are the team's judgement. Every fact may be missing: the selection weighs
        what is known (:mod:`graph.portfolio.selection`).
    """

    id: Id
    name: Name
    industry: Line | None = None
    tier: Tier | None = None
    annual_revenue: float | None = Field(default=None, ge=0, description="Our revenue from it.")
    profit: float | None = Field(default=None, description="Our profit from it (may be < 0).")
    #: None: not recorded — the installation's default currency (``KAMGRAPH_CURRENCY``)
    currency: Currency | None = None
    growth_potential: Rating | None = Field(
        default=None, description="How much more business it could give us (0–5)."
    )
    financial_stability: Rating | None = Field(
        default=None, description="How sound its finances are (0–5)."
    )
    strategic_fit: Rating | None = Field(
        default=None, description="How well it fits our strategy and offer (0–5)."
    )
    relationship_closeness: Rating | None = Field(
        default=None, description="How close our relationship with it is (0–5)."
    )
    notes: Prose | None = None


class Stakeholder(Record):
    """A person at the customer."""

    id: Id
    account_id: Id
    name: Name
    title: Line | None = None
    function: Line | None = Field(default=None, description="Function or department.")
    seniority: Seniority = Seniority.individual
    dmu_roles: tuple[DmuRole, ...] = ()
    influence: int | None = Field(default=None, ge=1, le=5, description="Recorded influence.")
    stance: Stance = Stance.neutral
    orientation: DecisionOrientation | None = None
    inner_circle: bool = False
    left_company: bool = False
    email: Line | None = None
    aliases: Aliases = ()
    notes: Prose | None = None

    @field_validator("dmu_roles", mode="before")
    @classmethod
    def _split_roles(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part for part in (p.strip() for p in value.split(";")) if part)
        return value

    @field_validator("dmu_roles")
    @classmethod
    def _unique_roles(cls, value: tuple[DmuRole, ...]) -> tuple[DmuRole, ...]:
        return tuple(dict.fromkeys(value))


class TeamMember(Record):
    """A person on our side who can hold relationships."""

    id: Id
    name: Name
    title: Line | None = None
    #: None until recorded: seniority checks skip a colleague whose level nobody entered
    #: (a CRM's users carry none) rather than flag them as a junior.
    seniority: Seniority | None = None
    email: Line | None = None
    aliases: Aliases = ()


class Competitor(Record):
    """A competitor some stakeholders may favour."""

    id: Id
    name: Name


class Knows(Record):
    """A relationship from one of ours to one of theirs.

    ``strength`` is a manual 0–5 rating (``None`` = compute it from interactions);
    ``rated_on`` says how old that rating is; ``level``/``target_level`` record the
    current and desired relationship level.
    """

    member_id: Id
    stakeholder_id: Id
    strength: int | None = Field(default=None, ge=0, le=MAX_STRENGTH)
    rated_on: dt.date | None = None
    last_contact: dt.date | None = None
    level: RelationshipLevel | None = None
    target_level: RelationshipLevel | None = None
    source: Line | None = Field(default=None, description="Where the rating came from.")


class ReportsTo(Record):
    """A reporting line at the customer: ``stakeholder_id`` reports to ``manager_id``.

    ``manager_id`` None says they report to nobody at the account: writing it removes a
    stored line (a CRM export's blank manager after a reorganisation). Reads never
    return one.
    """

    stakeholder_id: Id
    manager_id: Id | None

    @model_validator(mode="after")
    def _not_self(self) -> ReportsTo:
        if self.stakeholder_id == self.manager_id:
            raise ValueError(f"stakeholder {self.stakeholder_id!r} cannot report to themselves")
        return self


class Influences(Record):
    """``source_id`` influences ``target_id`` (weight 1 = a little … 5 = decisively)."""

    source_id: Id
    target_id: Id
    weight: int = Field(default=3, ge=1, le=5)

    @model_validator(mode="after")
    def _not_self(self) -> Influences:
        if self.source_id == self.target_id:
            raise ValueError(f"stakeholder {self.source_id!r} cannot influence themselves")
        return self


class ConflictsWith(Record):
    """Two stakeholders who are rivals; stored once, read as symmetric."""

    stakeholder_id: Id
    other_id: Id

    @model_validator(mode="after")
    def _not_self(self) -> ConflictsWith:
        if self.stakeholder_id == self.other_id:
            raise ValueError(f"stakeholder {self.stakeholder_id!r} cannot conflict with themselves")
        return self


class Ownership(Record):
    """The one team member the quarterback made accountable for a stakeholder."""

    member_id: Id
    stakeholder_id: Id


class TeamAssignment(Record):
    """A team member's role on an account."""

    member_id: Id
    account_id: Id
    role: TeamRole


class Favors(Record):
    """A stakeholder who prefers a competitor."""

    stakeholder_id: Id
    competitor_id: Id


class Interaction(Record):
    """A call, email or meeting between some of ours and some of theirs on one account."""

    id: Id
    account_id: Id
    date: dt.date
    channel: Channel
    member_ids: tuple[Id, ...] = Field(min_length=1)
    stakeholder_ids: tuple[Id, ...] = Field(min_length=1)
    summary: Prose | None = None


class Portfolio(Record):
    """Everything kamgraph stores, as one document (sample data, JSON import/export)."""

    accounts: tuple[Account, ...] = ()
    stakeholders: tuple[Stakeholder, ...] = ()
    team_members: tuple[TeamMember, ...] = ()
    competitors: tuple[Competitor, ...] = ()
    team: tuple[TeamAssignment, ...] = ()
    knows: tuple[Knows, ...] = ()
    reports_to: tuple[ReportsTo, ...] = ()
    influences: tuple[Influences, ...] = ()
    conflicts: tuple[ConflictsWith, ...] = ()
    owners: tuple[Ownership, ...] = ()
    favors: tuple[Favors, ...] = ()
    interactions: tuple[Interaction, ...] = ()


class AccountGraph(Portfolio):
    """Everything about one account, as the store reads it (``accounts`` has one item)."""

    @property
    def account(self) -> Account:
        """The account itself."""
        return self.accounts[0]


def record_key(record: BaseModel) -> Any:
    """A record's identity: its id, or the ids of what an edge joins (+ its role).

    Lists of records are kept sorted by it, so one account always reads the same.
    """
    keys = _key_fields(type(record))
    if keys is None:
        return record.id
    return tuple(str(getattr(record, k)) for k in keys)


@cache
def _key_fields(model: type[BaseModel]) -> tuple[str, ...] | None:
    """The fields of a record's key; None: its id (asked per class, as records are sorted
    by it on every read)."""
    fields = model.model_fields
    return None if "id" in fields else tuple(k for k in fields if k.endswith("_id") or k == "role")


def record_version(record: BaseModel) -> str:
    """A record's version: a hash of its stored fields, so any write that changes them
    (an import, an edit, an erasure) moves it and an unchanged write does not.

    >>> a = Account(id="a", name="A")
    >>> record_version(a) == record_version(Account(id="a", name="A", tier=None))
    True
    >>> record_version(a) == record_version(Account(id="a", name="B"))
    False
    """
    text = json.dumps(
        record.model_dump(mode="json"), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]
