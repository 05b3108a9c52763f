"""Importer fixtures: a small hand-built portfolio, and the store's JSON as a fingerprint."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph.model import (
    Account,
    Competitor,
    ConflictsWith,
    Favors,
    Influences,
    Interaction,
    Knows,
    Ownership,
    Portfolio,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
    TeamMember,
)
from graph.store import GraphStore
from importers import json_document
from importers.load import Parsed


def store_json(store: GraphStore) -> str:
    """Everything the store holds, as kamgraph JSON: equal strings, equal stores."""
    return json_document.dumps(store.read_portfolio())


def batch_records(parsed: Parsed) -> list[list[tuple[str, dict[str, Any]]]]:
    """Each of the import's batches as its records in order: (kind, the fields set), as
    the store writes them (an unset field is left alone, so it must stay unset)."""
    return [
        [
            (kind, record.model_dump(mode="json", exclude_unset=True))
            for kind in Portfolio.model_fields
            for record in getattr(batch, kind)
        ]
        for batch in parsed.batches()
    ]


@pytest.fixture
def small_portfolio() -> Portfolio:
    """One account with every kind of record, user text included."""
    return Portfolio(
        accounts=[
            Account(
                id="acme",
                name="Acme <GmbH>",
                tier="gold",
                annual_revenue=1.5e6,
                profit=-2e4,
                growth_potential=4,
                financial_stability=3.5,
                strategic_fit=5,
                relationship_closeness=0,
            )
        ],
        stakeholders=[
            Stakeholder(
                id="ceo",
                account_id="acme",
                name="Zoë O'Neil",
                seniority="c_level",
                dmu_roles=["decision_maker", "economic_buyer"],
                influence=5,
                stance="supporter",
            ),
            Stakeholder(id="cto", account_id="acme", name='Ty, "the" CTO', notes="a\nb"),
        ],
        team_members=[TeamMember(id="kim", name="Kim"), TeamMember(id="raj", name="Raj")],
        competitors=[Competitor(id="rival", name="Rival")],
        team=[TeamAssignment(member_id="kim", account_id="acme", role="quarterback")],
        knows=[
            Knows(
                member_id="kim",
                stakeholder_id="cto",
                strength=4,
                last_contact=dt.date(2026, 10, 1),
                level="credible_source",
            )
        ],
        reports_to=[ReportsTo(stakeholder_id="cto", manager_id="ceo")],
        influences=[Influences(source_id="cto", target_id="ceo", weight=4)],
        conflicts=[ConflictsWith(stakeholder_id="cto", other_id="ceo")],
        owners=[Ownership(member_id="raj", stakeholder_id="ceo")],
        favors=[Favors(stakeholder_id="cto", competitor_id="rival")],
        interactions=[
            Interaction(
                id="ix1",
                account_id="acme",
                date=dt.date(2026, 9, 1),
                channel="meeting",
                member_ids=["kim", "raj"],
                stakeholder_ids=["cto"],
            )
        ],
    )


@pytest.fixture(autouse=True)
def _recorded_as_stored(recorded_as_stored: None) -> None:
    """Every write block here checks its recorded states against the store."""
