"""The store's record-level reads and removals, on each engine: each removal is one
atomic write that history records, and takes with it what cannot stand alone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from graph.errors import InvalidData, NotFound
from graph.history import Stamp
from graph.model import (
    Account,
    Competitor,
    ConflictsWith,
    Favors,
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

from ..conftest import write_recorded

DAY = dt.date(2026, 11, 2)
SMALL = Portfolio(
    accounts=[Account(id="acme", name="Acme"), Account(id="globex", name="Globex")],
    team_members=[TeamMember(id="kim", name="Kim"), TeamMember(id="raj", name="Raj")],
    competitors=[Competitor(id="rival", name="Rival")],
    team=[
        TeamAssignment(member_id="kim", account_id="acme", role="quarterback"),
        TeamAssignment(member_id="raj", account_id="globex", role="quarterback"),
    ],
    stakeholders=[
        Stakeholder(id="ceo", account_id="acme", name="Cy"),
        Stakeholder(id="cto", account_id="acme", name="Ty"),
        Stakeholder(id="g-ceo", account_id="globex", name="Gil"),
    ],
    knows=[Knows(member_id="kim", stakeholder_id="ceo", strength=4)],
    owners=[Ownership(member_id="kim", stakeholder_id="ceo")],
    reports_to=[ReportsTo(stakeholder_id="cto", manager_id="ceo")],
    conflicts=[ConflictsWith(stakeholder_id="cto", other_id="ceo")],
    favors=[Favors(stakeholder_id="ceo", competitor_id="rival")],
    interactions=[
        # only the ceo on their side, only kim on ours
        Interaction(
            id="solo", account_id="acme", date=DAY, channel="call",
            member_ids=["kim"], stakeholder_ids=["ceo"],
        ),
        Interaction(
            id="shared", account_id="acme", date=DAY, channel="meeting",
            member_ids=["kim", "raj"], stakeholder_ids=["ceo", "cto"],
        ),
    ],
)  # fmt: skip


@pytest.fixture
def small(store: GraphStore) -> GraphStore:
    write_recorded(store, SMALL)
    return store


def removed(store: GraphStore, account_id: str) -> set[tuple[str, str]]:
    """(kind, subject) of the account's changes recorded today by "tester"."""
    changes = store.changes_between(account_id, dt.date.today() - dt.timedelta(days=1))
    return {(c.kind, c.subject_id) for c in changes if c.actor == "tester"}


def as_tester(store: GraphStore, remove: Callable[[GraphStore], None]) -> None:
    with store.atomic(stamp=Stamp.today("tester")) as target:
        remove(target)


def test_records_page_filter_and_hide_other_accounts(small: GraphStore) -> None:
    page, total = small.records("stakeholders", limit=2)
    assert ([s.id for s in page], total) == (["ceo", "cto"], 3)
    assert small.records("stakeholders", offset=2)[0][0].id == "g-ceo"
    seen, total = small.records("stakeholders", visible=frozenset({"globex"}))
    assert ([s.id for s in seen], total) == (["g-ceo"], 1)
    assert small.records("interactions", filters={"member_id": "raj"})[1] == 1
    (shared,) = small.records("interactions", filters={"stakeholder_id": "cto"})[0]
    assert (shared.member_ids, shared.stakeholder_ids) == (("kim", "raj"), ("ceo", "cto"))
    assert small.record("conflicts", {"stakeholder_id": "ceo", "other_id": "cto"}) is not None
    assert small.record("conflicts", {"stakeholder_id": "ceo", "other_id": "ceo"}) is None
    assert small.record("owners", {"stakeholder_id": "cto"}) is None


def test_a_write_judged_as_a_caller_sees_the_store(small: GraphStore) -> None:
    line = Portfolio(reports_to=[ReportsTo(stakeholder_id="ceo", manager_id="g-ceo")])
    with pytest.raises(InvalidData) as seen_all:
        small.write(line)
    assert seen_all.value.problems == [
        "reporting line 'ceo': 'ceo' works at 'acme' but 'g-ceo' at 'globex'"
    ]
    with pytest.raises(InvalidData) as seen_acme:
        small.write(line, visible=frozenset({"acme"}))
    assert seen_acme.value.problems == ["reporting line 'ceo': unknown stakeholder 'g-ceo'"]
    assert [p.field for p in seen_acme.value.problems] == ["manager_id"]  # type: ignore[attr-defined]


def test_deleting_a_stakeholder_takes_the_interactions_only_they_attended(
    small: GraphStore,
) -> None:
    as_tester(small, lambda s: s.delete_stakeholder("ceo"))
    graph = small.account_graph("acme")
    assert [s.id for s in graph.stakeholders] == ["cto"]
    assert (graph.knows, graph.owners, graph.reports_to, graph.conflicts, graph.favors) == (
        (), (), (), (), (),
    )  # fmt: skip
    assert [(i.id, i.stakeholder_ids) for i in graph.interactions] == [("shared", ("cto",))]
    assert {("stakeholder_removed", "ceo"), ("interaction_removed", "solo")} <= removed(
        small, "acme"
    )


def test_deleting_a_team_member_takes_the_interactions_left_with_nobody_of_ours(
    small: GraphStore,
) -> None:
    as_tester(small, lambda s: s.delete_team_member("kim"))
    graph = small.account_graph("acme")
    assert [(i.id, i.member_ids) for i in graph.interactions] == [("shared", ("raj",))]
    assert (graph.knows, graph.owners, graph.team) == ((), (), ())
    assert ("team_removed", "kim") in removed(small, "acme")
    assert small.record("team_members", {"id": "kim"}) is None


def test_deleting_an_account_takes_everything_on_it_and_nothing_else(small: GraphStore) -> None:
    as_tester(small, lambda s: s.delete_account("acme"))
    assert [a.id for a in small.records("accounts")[0]] == ["globex"]
    assert [s.id for s in small.records("stakeholders")[0]] == ["g-ceo"]
    assert small.records("interactions")[1] == 0
    assert {m.id for m in small.records("team_members")[0]} == {"kim", "raj"}
    assert small.records("competitors")[1] == 1
    assert ("account_removed", "acme") in removed(small, "acme")
    assert small.account_graph("globex").stakeholders[0].id == "g-ceo"


@pytest.mark.parametrize(
    ("remove", "kind", "left"),
    [
        (lambda s: s.end_relationship("kim", "ceo"), "relationship_removed", "knows"),
        (lambda s: s.unassign_owner("ceo"), "owner_removed", "owners"),
        (lambda s: s.drop_reporting_line("cto"), "line_removed", "reports_to"),
        (lambda s: s.drop_conflict_line("ceo", "cto"), "line_removed", "conflicts"),
        (lambda s: s.remove_favor("ceo", "rival"), "preference_removed", "favors"),
        (lambda s: s.remove_team_role("acme", "kim", "quarterback"), "team_removed", "team"),
        (lambda s: s.delete_interaction("solo"), "interaction_removed", "interactions"),
        (lambda s: s.delete_competitor("rival"), "preference_removed", "favors"),
    ],
)
def test_each_removal_is_recorded_and_a_second_one_is_not_found(
    small: GraphStore, remove: Callable[[GraphStore], None], kind: str, left: str
) -> None:
    before = len(getattr(small.account_graph("acme"), left))
    as_tester(small, remove)
    assert len(getattr(small.account_graph("acme"), left)) == before - 1
    assert kind in {k for k, _ in removed(small, "acme")}
    with pytest.raises(NotFound):
        remove(small)


def test_a_removal_of_nothing_writes_nothing(small: GraphStore) -> None:
    total = small.history_span("acme")[1]
    with pytest.raises(NotFound, match="no team role with id 'acme/kim/service'"):
        small.remove_team_role("acme", "kim", "service")  # kim is the quarterback
    with pytest.raises(NotFound, match="no stakeholder with id 'nobody'"):
        small.delete_stakeholder("nobody")
    assert small.history_span("acme")[1] == total
