"""History's pure core: diffing two reads of an account and undoing the difference."""

from __future__ import annotations

import datetime as dt

from graph.history import diff, rewind
from graph.model import (
    Knows,
    Ownership,
    Portfolio,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
)
from graph.sample import sample_portfolio
from graph.store import GraphStore

MOVES = Portfolio(
    stakeholders=[
        Stakeholder(id="hx-cfo", account_id="helix", name="Philippe Moreau", stance="supporter"),
        Stakeholder(id="hx-new", account_id="helix", name="Nadia New", seniority="vp"),
        # to another account: drops her lines to Helix colleagues
        Stakeholder(id="hx-cio", account_id="orbital", name="Dr. Wei Zhang"),
    ],
    knows=[
        Knows(
            member_id="tm-jonas",
            stakeholder_id="hx-vp-supply",
            strength=3,
            last_contact=dt.date(2026, 11, 30),
        )
    ],
    reports_to=[
        ReportsTo(stakeholder_id="hx-new", manager_id="hx-ceo"),
        ReportsTo(stakeholder_id="hx-cso", manager_id=None),
    ],
    owners=[Ownership(member_id="tm-priya", stakeholder_id="hx-ceo")],
    team=[TeamAssignment(member_id="tm-priya", account_id="helix", role="exec_sponsor")],
)


def test_a_write_diffs_into_changes_that_undo_it(store: GraphStore) -> None:
    store.write(sample_portfolio())
    before = store.account_graphs(["helix", "orbital"])
    store.write(MOVES)
    after = store.account_graphs(["helix", "orbital"])

    for was, now in zip(before, after, strict=True):
        assert rewind(now, diff(was, now)) == was
    helix = {(c.kind, c.subject_id, c.counterpart_id, c.field) for c in diff(before[0], after[0])}
    assert ("stakeholder_changed", "hx-cfo", None, "stance") in helix
    assert ("stakeholder_added", "hx-new", None, None) in helix
    assert ("stakeholder_removed", "hx-cio", None, None) in helix
    assert ("line_removed", "hx-cio", "hx-ceo", None) in helix  # dropped by the move
    assert ("line_removed", "hx-cso", "hx-ceo", None) in helix
    assert ("line_added", "hx-new", "hx-ceo", None) in helix
    assert ("relationship_changed", "hx-vp-supply", "tm-jonas", "strength") in helix
    assert ("owner_changed", "hx-ceo", None, "member_id") in helix
    assert ("team_added", "tm-priya", "exec_sponsor", None) in helix
    orbital = {(c.kind, c.subject_id) for c in diff(before[1], after[1])}
    assert ("stakeholder_added", "hx-cio") in orbital


def test_unchanged_gives_no_changes_and_a_new_account_is_all_added(store: GraphStore) -> None:
    store.write(sample_portfolio())
    graph = store.account_graph("northwind")
    assert diff(graph, graph) == []
    created = diff(None, graph)
    assert {c.kind for c in created} >= {"account_added", "stakeholder_added", "line_added"}
    assert all(c.before is None and c.field is None for c in created)
    bare = store.account_graph("northwind").model_copy(
        update={"accounts": (graph.account.model_copy(update={"name": "Renamed"}),)}
    )
    (renamed,) = [c for c in diff(graph, bare) if c.collection == "accounts"]
    assert (renamed.field, renamed.after) == ("name", "Renamed")
