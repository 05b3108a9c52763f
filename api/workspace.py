"""The workspace panel's reads and writes: what the panel shows of one stakeholder, and
each of its forms as one write through :mod:`api.records` (so every edit is checked,
versioned and recorded by history as the write API's are)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, field_validator

from api import records, service
from graph.access import Caller
from graph.errors import NotFound
from graph.model import (
    Channel,
    DmuRole,
    Id,
    Interaction,
    Prose,
    RelationshipLevel,
    Stance,
    TeamMember,
    TeamRole,
)
from graph.store import GraphStore

RECENT_INTERACTIONS = 5


class Form(BaseModel):
    """A panel form: an empty field is a value left out (None), as a browser sends it."""

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value


class StakeholderForm(Form):
    """The stakeholder's editable fields, and the version the form was opened at."""

    version: str
    dmu_roles: list[DmuRole] = []
    stance: Stance
    influence: int | None = None
    notes: Prose | None = None


class OwnerForm(Form):
    """Who owns the stakeholder (None: nobody); ``version`` of the ownership shown."""

    version: str | None = None
    member_id: Id | None = None


class RelationshipForm(Form):
    """One of ours rating their relationship with the stakeholder (``version`` None: new)."""

    version: str | None = None
    member_id: Id
    strength: int | None = None
    level: RelationshipLevel | None = None
    target_level: RelationshipLevel | None = None


class InteractionForm(Form):
    """A call, e-mail or meeting to log with the stakeholder."""

    date: dt.date
    channel: Channel
    member_ids: list[Id]
    summary: Prose | None = None


@dataclass(frozen=True)
class Teammate:
    """Someone on the account team, with their role there."""

    member: TeamMember
    role: TeamRole


@dataclass(frozen=True)
class Panel:
    """Everything the panel shows of one stakeholder, with the versions its forms send."""

    account_id: str
    stakeholder: records.Versioned
    owner: records.Versioned | None
    relationships: list[records.Versioned]
    team: list[Teammate]
    interactions: list[Interaction]
    writable: bool


def panel(store: GraphStore, caller: Caller, account_id: str, stakeholder_id: str) -> Panel:
    """The stakeholder as the panel shows them; NotFound unless they are on the account."""
    graph = service.account_graph(store, caller, account_id)
    if stakeholder_id not in {s.id for s in graph.stakeholders}:
        raise NotFound("stakeholder", stakeholder_id)
    stakeholder = records.read(store, caller, "stakeholders", (stakeholder_id,))
    try:
        owner: records.Versioned | None = records.read(store, caller, "owners", (stakeholder_id,))
    except NotFound:
        owner = None
    relationships = [
        records.read(store, caller, "relationships", (k.member_id, k.stakeholder_id))
        for k in graph.knows
        if k.stakeholder_id == stakeholder_id
    ]
    members = {m.id: m for m in graph.team_members}
    team = [Teammate(members[t.member_id], t.role) for t in graph.team if t.member_id in members]
    met = [i for i in graph.interactions if stakeholder_id in i.stakeholder_ids]
    met.sort(key=lambda i: i.date, reverse=True)
    return Panel(
        account_id=account_id,
        stakeholder=stakeholder,
        owner=owner,
        relationships=relationships,
        team=team,
        interactions=met[:RECENT_INTERACTIONS],
        writable=caller.may_write(account_id),
    )


def edit_stakeholder(
    store: GraphStore, caller: Caller, stakeholder_id: str, form: StakeholderForm
) -> None:
    """Save the stakeholder form; a version older than the stored one is refused."""
    patch = form.model_dump(mode="json", exclude={"version"})
    records.update(store, caller, "stakeholders", (stakeholder_id,), patch, form.version)


def set_owner(store: GraphStore, caller: Caller, stakeholder_id: str, form: OwnerForm) -> None:
    """Assign, change or (no member) unassign the stakeholder's owner."""
    key = (stakeholder_id,)
    if form.member_id is None:
        if form.version is not None:
            records.delete(store, caller, "owners", key, form.version)
    elif form.version is None:
        body = {"member_id": form.member_id, "stakeholder_id": stakeholder_id}
        records.create(store, caller, "owners", body)
    else:
        records.update(store, caller, "owners", key, {"member_id": form.member_id}, form.version)


def rate(store: GraphStore, caller: Caller, stakeholder_id: str, form: RelationshipForm) -> None:
    """Rate one of ours' relationship with the stakeholder: a new one, or a change."""
    fields = form.model_dump(mode="json", exclude={"version", "member_id"})
    if form.version is None:
        body = {"member_id": form.member_id, "stakeholder_id": stakeholder_id, **fields}
        records.create(store, caller, "relationships", body)
    else:
        key = (form.member_id, stakeholder_id)
        records.update(store, caller, "relationships", key, fields, form.version)


def log_interaction(
    store: GraphStore, caller: Caller, account_id: str, stakeholder_id: str, form: InteractionForm
) -> None:
    """Log an interaction with the stakeholder, under a fresh id."""
    body = {
        "id": f"ix-{form.date.isoformat()}-{secrets.token_hex(3)}",
        "account_id": account_id,
        "stakeholder_ids": [stakeholder_id],
        **form.model_dump(mode="json"),
    }
    records.create(store, caller, "interactions", body)
