"""The write API's service: read, create, update, delete and list every editable record.

One implementation driven by :data:`RESOURCES`, a table of resource specs: per resource
(named by its URL segment) the domain model, the key fields, how to find the record's
account (what access is checked against), who may do what, and how the store removes
one. The HTTP routes (:mod:`api.routes.records`) and the pages call these functions.

Every record has a version, :func:`~graph.model.record_version`: a hash of its stored
fields. A change names the version it was made against (``if_match``: the ETag value,
quoted or weak, or ``*``); the store's writer lock is held from comparing it to writing,
so of two changes made against one version the second is refused
(:class:`~graph.errors.VersionConflict`) instead of undoing the first.

Writes go through :meth:`~graph.store.GraphStore.write`, the validation imports get, and
run in one atomic block stamped with the caller, so history records who made them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Final, Generic, TypeVar
from urllib.parse import quote

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, create_model
from pydantic.fields import FieldInfo

from graph.access import Caller, Role
from graph.errors import (
    AlreadyExists,
    InvalidData,
    NotFound,
    Problem,
    VersionConflict,
    VersionRequired,
)
from graph.history import Stamp
from graph.model import (
    STORED,
    Account,
    Competitor,
    ConflictsWith,
    Favors,
    Id,
    Influences,
    Interaction,
    Knows,
    Ownership,
    Portfolio,
    Record,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
    TeamMember,
    TeamRole,
    record_version,
)
from graph.store import GraphStore

#: The most records one page of a list holds, and the most a list skips (an engine's
#: integers end somewhere; no list is this long).
MAX_LIMIT: Final = 500
MAX_OFFSET: Final = 1_000_000_000
#: A key: the path ids in URL order, e.g. ``(member_id, stakeholder_id)``.
Key = tuple[str, ...]
R = TypeVar("R", bound=BaseModel)
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Versioned:
    """A record as read (its Read model, which carries the version) and its version."""

    record: BaseModel
    version: str


class Page(BaseModel, Generic[R]):
    """One page of a list, in key order, and how many records match in all."""

    items: list[R]
    total: int
    limit: int
    offset: int


# --- who may do what --------------------------------------------------------------------

#: A rule: raise NotFound or Forbidden unless the caller may act on a record of this
#: account (None: a shared record, or a create before its account is known).
Rule = Callable[[Caller, str | None, str, str], None]


def _anyone(caller: Caller, account: str | None, noun: str, record_id: str) -> None:
    """Shared records (team members, competitors): every caller reads them."""


def _readers(caller: Caller, account: str | None, noun: str, record_id: str) -> None:
    if account is not None:
        caller.check_read(account, noun, record_id)


def _writers(caller: Caller, account: str | None, noun: str, record_id: str) -> None:
    if account is not None:
        caller.check_write(account, noun, record_id)


def _some_writer(caller: Caller, account: str | None, noun: str, record_id: str) -> None:
    """Creating: admins and kams. What the new record names is checked as the caller
    sees the store, so a record on an account they cannot see is refused as unknown."""
    caller.check_writer()


def _admins(caller: Caller, account: str | None, noun: str, record_id: str) -> None:
    _readers(caller, account, noun, record_id)  # an unseen record stays unseen
    caller.check_admin()


@dataclass(frozen=True)
class Access:
    """The rule of each action on one resource."""

    read: Rule
    create: Rule
    update: Rule
    delete: Rule


ON_ACCOUNT: Final = Access(read=_readers, create=_some_writer, update=_writers, delete=_writers)
ACCOUNTS: Final = Access(read=_readers, create=_some_writer, update=_writers, delete=_admins)
TEAM_MEMBERS: Final = Access(read=_anyone, create=_admins, update=_admins, delete=_admins)
COMPETITORS: Final = Access(read=_anyone, create=_some_writer, update=_admins, delete=_admins)


# --- the resources ----------------------------------------------------------------------

#: How a record's account is found (None: a shared record, on no account).
AccountOf = Callable[[GraphStore, Any], str | None]


def _field(name: str) -> AccountOf:
    """The account is one of the record's fields."""
    return lambda store, record: getattr(record, name)


def _stakeholder(name: str) -> AccountOf:
    """The record belongs to the account of the stakeholder in one of its fields."""
    return lambda store, record: store.stakeholder_account(getattr(record, name))


@dataclass(frozen=True)
class Resource:
    """One resource of the write API. ``create``/``read``/``update`` are its pydantic
    models: the fields a new record takes, a record as read (with its version), and the
    fields a merge patch may change (every one optional; none: it cannot be patched)."""

    name: str  #: the URL segment
    singular: str  #: operation ids: read_{singular}, list_{plural}
    plural: str
    noun: str  #: how messages name one
    kind: str  #: the store's record kind (a Portfolio field)
    model: type[Record]  #: the domain model the store writes
    keys: tuple[str, ...]  #: the key fields, in URL order
    params: tuple[str, ...]  #: the path parameters naming them
    filters: tuple[str, ...]  #: what a list filters by ("q": part of a name or id)
    account: AccountOf | None
    access: Access
    remove: Callable[[GraphStore, Any], None]
    create: type[BaseModel]
    read: type[BaseModel]
    update: type[BaseModel]
    #: the fields that tell a stored record for the 409 check (default: the key)
    unique: tuple[str, ...] = ()

    @property
    def patchable(self) -> bool:
        return bool(self.update.model_fields)

    def path(self, record: BaseModel) -> str:
        """The record's URL path."""
        ids = [quote(str(getattr(record, k)), safe="") for k in self.keys]
        return "/".join(["", self.name, *ids])

    def key_of(self, record: BaseModel) -> Key:
        return tuple(str(getattr(record, k)) for k in self.keys)


def _resource(
    name: str,
    singular: str,
    plural: str,
    noun: str,
    kind: str,
    model: type[Record],
    keys: tuple[str, ...],
    params: tuple[str, ...],
    filters: tuple[str, ...],
    account: AccountOf | None,
    access: Access,
    remove: Callable[[GraphStore, Any], None],
    *,
    required: Mapping[str, Any] | None = None,
    unique: tuple[str, ...] = (),
) -> Resource:
    """A resource with its Create/Read/Update models made from the domain model;
    ``required`` gives the type of a field a new record must have that the domain model
    lets be None (a reporting line's manager)."""
    title = "".join(part.capitalize() for part in singular.split("_"))
    overrides = {field: (kind_, ...) for field, kind_ in (required or {}).items()}
    create = create_model(  # type: ignore[call-overload]
        f"{title}Create", __base__=model, __doc__=f"A new {noun}.", **overrides
    )
    read = create_model(  # type: ignore[call-overload]
        f"{title}Read",
        __base__=model,
        __doc__=f"A {noun} as stored, with its version (the ETag a change must name).",
        version=(str, Field(description="A hash of the stored fields: changes with them.")),
        **overrides,
    )
    changeable = {
        field: (_annotation(info) | None, Field(default=None, description=info.description))
        for field, info in create.model_fields.items()
        if field not in keys
    }
    update = create_model(  # type: ignore[call-overload]
        f"{title}Update",
        __base__=Record,
        __doc__=f"A merge patch of a {noun}: the fields to change; null removes one.",
        **changeable,
    )
    return Resource(
        name=name,
        singular=singular,
        plural=plural,
        noun=noun,
        kind=kind,
        model=model,
        keys=keys,
        params=params,
        filters=filters,
        account=account,
        access=access,
        remove=remove,
        create=create,
        read=read,
        update=update,
        unique=unique or keys,
    )


def _annotation(info: FieldInfo) -> Any:
    """A field's type with its constraints (pydantic keeps them apart)."""
    if not info.metadata:
        return info.annotation
    return Annotated[(info.annotation, *info.metadata)]  # type: ignore[valid-type]


# fmt: off
RESOURCES: Final[dict[str, Resource]] = {
    r.name: r
    for r in (
        _resource(
            "accounts", "account", "accounts", "account", "accounts", Account,
            ("id",), ("account_id",), ("q",), _field("id"), ACCOUNTS,
            lambda store, r: store.delete_account(r.id),
        ),
        _resource(
            "stakeholders", "stakeholder", "stakeholders", "stakeholder", "stakeholders",
            Stakeholder, ("id",), ("stakeholder_id",), ("account_id", "q"),
            _field("account_id"), ON_ACCOUNT,
            lambda store, r: store.delete_stakeholder(r.id),
        ),
        _resource(
            "team-members", "team_member", "team_members", "team member", "team_members",
            TeamMember, ("id",), ("member_id",), ("q",), None, TEAM_MEMBERS,
            lambda store, r: store.delete_team_member(r.id),
        ),
        _resource(
            "competitors", "competitor", "competitors", "competitor", "competitors",
            Competitor, ("id",), ("competitor_id",), ("q",), None, COMPETITORS,
            lambda store, r: store.delete_competitor(r.id),
        ),
        _resource(
            "interactions", "interaction", "interactions", "interaction", "interactions",
            Interaction, ("id",), ("interaction_id",),
            ("account_id", "member_id", "stakeholder_id"), _field("account_id"), ON_ACCOUNT,
            lambda store, r: store.delete_interaction(r.id),
        ),
        _resource(
            "relationships", "relationship", "relationships", "relationship", "knows", Knows,
            ("member_id", "stakeholder_id"), ("member_id", "stakeholder_id"),
            ("account_id", "member_id", "stakeholder_id"), _stakeholder("stakeholder_id"),
            ON_ACCOUNT, lambda store, r: store.end_relationship(r.member_id, r.stakeholder_id),
        ),
        _resource(
            "account-team", "team_role", "team_roles", "team role", "team", TeamAssignment,
            ("account_id", "member_id", "role"), ("account_id", "member_id", "role"),
            ("account_id", "member_id", "role"), _field("account_id"), ON_ACCOUNT,
            lambda store, r: store.remove_team_role(r.account_id, r.member_id, r.role.value),
            unique=("account_id", "member_id"),  # one role per member and account
        ),
        _resource(
            "reporting-lines", "reporting_line", "reporting_lines", "reporting line",
            "reports_to", ReportsTo, ("stakeholder_id",), ("stakeholder_id",),
            ("account_id", "stakeholder_id", "manager_id"), _stakeholder("stakeholder_id"),
            ON_ACCOUNT, lambda store, r: store.drop_reporting_line(r.stakeholder_id),
            required={"manager_id": Id},
        ),
        _resource(
            "influence-lines", "influence_line", "influence_lines", "influence line",
            "influences", Influences, ("source_id", "target_id"), ("source_id", "target_id"),
            ("account_id", "source_id", "target_id"), _stakeholder("source_id"), ON_ACCOUNT,
            lambda store, r: store.drop_influence_line(r.source_id, r.target_id),
        ),
        _resource(
            "conflicts", "conflict", "conflicts", "conflict line", "conflicts", ConflictsWith,
            ("stakeholder_id", "other_id"), ("stakeholder_id", "other_id"),
            ("account_id", "stakeholder_id", "other_id"), _stakeholder("stakeholder_id"),
            ON_ACCOUNT, lambda store, r: store.drop_conflict_line(r.stakeholder_id, r.other_id),
        ),
        _resource(
            "owners", "owner", "owners", "owner", "owners", Ownership,
            ("stakeholder_id",), ("stakeholder_id",),
            ("account_id", "stakeholder_id", "member_id"), _stakeholder("stakeholder_id"),
            ON_ACCOUNT, lambda store, r: store.unassign_owner(r.stakeholder_id),
        ),
        _resource(
            "favors", "favor", "favors", "preference", "favors", Favors,
            ("stakeholder_id", "competitor_id"), ("stakeholder_id", "competitor_id"),
            ("account_id", "stakeholder_id", "competitor_id"), _stakeholder("stakeholder_id"),
            ON_ACCOUNT, lambda store, r: store.remove_favor(r.stakeholder_id, r.competitor_id),
        ),
    )
}
# fmt: on


# --- the service --------------------------------------------------------------------------


def read(store: GraphStore, caller: Caller, resource: str, key: Key) -> Versioned:
    """The record with this key, if the caller may see it (else NotFound, as if absent)."""
    spec = _spec(resource)
    return _versioned(spec, authorize(store, caller, resource, key, "read"))


def create(store: GraphStore, caller: Caller, resource: str, body: dict) -> Versioned:
    """Create a record; :class:`AlreadyExists` if its key is taken. A kam who creates an
    account becomes its quarterback in the same write (else they could not see it)."""
    spec = _spec(resource)
    spec.access.create(caller, None, spec.noun, "")
    record = _validated(spec.create, body)
    key = spec.key_of(record)
    with store.atomic(stamp=_stamp(caller)) as target:
        portfolio = _portfolio(spec, record)
        if spec.kind == "accounts" and caller.role is Role.kam:
            quarterback = TeamAssignment(
                member_id=caller.member_id, account_id=key[0], role=TeamRole.quarterback
            )
            portfolio = portfolio.model_copy(update={"team": (quarterback,)})
        target.check(portfolio, visible=caller.accounts, edit=True)  # as they see it
        taken = {k: str(getattr(record, k)) for k in spec.unique}
        if target.records(spec.kind, filters=taken, limit=1)[1]:
            raise AlreadyExists(spec.noun, "/".join(key))
        target.write(portfolio, visible=caller.accounts, edit=True)
        return _versioned(spec, _get(target, spec, key))


def update(
    store: GraphStore,
    caller: Caller,
    resource: str,
    key: Key,
    patch: dict,
    if_match: str | None,
) -> Versioned:
    """Apply a JSON merge patch (None removes an optional field) made against version
    ``if_match``; the merged record is validated as a new one would be. Changing a
    stakeholder's account moves them, as an import does."""
    spec = _spec(resource)
    authorize(store, caller, resource, key, "update")
    if not spec.patchable:
        raise InvalidData([Problem(f"a {spec.noun} has no fields to change")])
    _require(if_match, spec)
    changes = _validated(spec.update, patch).model_dump(mode="json", exclude_unset=True)
    with store.atomic(stamp=_stamp(caller)) as target:
        current = authorize(target, caller, resource, key, "update")
        _check_version(spec, key, current, if_match)
        merged = {**current.model_dump(mode="json"), **changes}
        record = _validated(spec.create, {k: v for k, v in merged.items() if v is not None})
        target.write(_portfolio(spec, record), visible=caller.accounts, edit=True)
        return _versioned(spec, _get(target, spec, key))


def delete(
    store: GraphStore, caller: Caller, resource: str, key: Key, if_match: str | None
) -> None:
    """Remove a record made against version ``if_match`` (see the store's removals for
    what goes with it: an account takes everything on it)."""
    spec = _spec(resource)
    authorize(store, caller, resource, key, "delete")
    _require(if_match, spec)
    with store.atomic(stamp=_stamp(caller)) as target:
        current = authorize(target, caller, resource, key, "delete")
        _check_version(spec, key, current, if_match)
        spec.remove(target, current)


def listing(
    store: GraphStore,
    caller: Caller,
    resource: str,
    *,
    filters: dict[str, str],
    limit: int,
    offset: int,
) -> Page:
    """A page of the records the caller may see, filtered by exact ids (``q``: part of a
    name or id), in key order."""
    spec = _spec(resource)
    problems = [
        Problem(f"{name}: {resource} are not filtered by it ({', '.join(spec.filters)})", name)
        for name in filters
        if name not in spec.filters
    ]
    if not 1 <= limit <= MAX_LIMIT:
        problems.append(Problem(f"limit: from 1 to {MAX_LIMIT}", "limit"))
    if not 0 <= offset <= MAX_OFFSET:
        problems.append(Problem(f"offset: from 0 to {MAX_OFFSET}", "offset"))
    if problems:
        raise InvalidData(problems)
    wanted = {("search" if k == "q" else k): v for k, v in filters.items() if v is not None}
    visible = caller.accounts if spec.account is not None else None
    found, total = store.records(
        spec.kind, filters=wanted, visible=visible, offset=offset, limit=limit
    )
    items = [_versioned(spec, record).record for record in found]
    return Page(items=items, total=total, limit=limit, offset=offset)


def authorize(store: GraphStore, caller: Caller, resource: str, key: Key, action: str) -> BaseModel:
    """The stored record with this key, after checking the caller may ``action`` it
    (read, update, delete): NotFound if they cannot see it (as if it were not there),
    Forbidden if they may not change it. Routes call it from the path, before the body."""
    spec = _spec(resource)
    record = _get(store, spec, key)
    account = spec.account(store, record) if spec.account is not None else None
    rule: Rule = getattr(spec.access, action)
    rule(caller, account, spec.noun, "/".join(key))
    return record


def version_required(resource: str) -> VersionRequired:
    """What a change without ``If-Match`` is refused with."""
    spec = _spec(resource)
    return VersionRequired(
        f"a change to a {spec.noun} must name the version it was made against: send "
        'If-Match with the ETag you read (or "*" to change whatever is there)'
    )


def _spec(resource: str) -> Resource:
    try:
        return RESOURCES[resource]
    except KeyError:
        raise ValueError(f"no resource {resource!r}: one of {', '.join(RESOURCES)}") from None


def _stamp(caller: Caller) -> Stamp:
    return Stamp(actor=caller.actor, at=dt.date.today())


def _get(store: GraphStore, spec: Resource, key: Key) -> BaseModel:
    """The stored record with this key; NotFound if there is none."""
    record_id = "/".join(key)
    if len(key) != len(spec.keys):
        raise NotFound(spec.noun, record_id)
    filters = {}
    for name, value in zip(spec.keys, key, strict=True):
        try:  # the key as stored (a role in any case, an id stripped)
            filters[name] = str(_KEY_TYPES[name].validate_python(value))
        except ValidationError:
            raise NotFound(spec.noun, record_id) from None
    record = store.record(spec.kind, filters)
    if record is None:
        raise NotFound(spec.noun, record_id)
    return record


_KEY_TYPES: Final[dict[str, TypeAdapter[Any]]] = {
    name: TypeAdapter(TeamRole if name == "role" else Id)
    for spec in RESOURCES.values()
    for name in spec.keys
}


def _versioned(spec: Resource, record: BaseModel) -> Versioned:
    version = record_version(record)
    read_model = spec.read.model_validate(
        {**record.model_dump(), "version": version}, context=STORED
    )
    return Versioned(record=read_model, version=version)


def _validated(model: type[M], data: object) -> M:
    """``data`` as ``model``; InvalidData naming each bad field otherwise."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = []
        for e in error.errors():
            field = ".".join(str(part) for part in e["loc"]) or None
            problems.append(Problem(f"{field}: {e['msg']}" if field else e["msg"], field))
        raise InvalidData(problems) from None


def _portfolio(spec: Resource, record: BaseModel) -> Portfolio:
    """What writing ``record`` writes: the record with every field set, so a field a
    patch removed is removed from the store."""
    whole = spec.model.model_validate(record.model_dump(mode="json"))
    return Portfolio(**{spec.kind: (whole,)})


def _require(if_match: str | None, spec: Resource) -> None:
    if if_match is None:
        raise version_required(spec.name)


def _check_version(spec: Resource, key: Key, current: BaseModel, if_match: str | None) -> None:
    """VersionConflict unless ``if_match`` names the current version (or is ``*``)."""
    version = record_version(current)
    tags = [tag.strip() for tag in (if_match or "").split(",")]
    if not any(tag == "*" or tag.removeprefix("W/").strip('"') == version for tag in tags):
        raise VersionConflict(spec.noun, "/".join(key), version)
