"""History: diffing two reads of an account and undoing the difference; the change log
every write appends to, read back as of any date (on each engine)."""

from __future__ import annotations

import datetime as dt

import pytest

from api.service import load_sample
from graph.errors import InvalidData, NotRecorded
from graph.history import COLLECTIONS, Stamp, diff, diff_stored, rewind
from graph.model import (
    Account,
    AccountGraph,
    Competitor,
    Favors,
    Interaction,
    Knows,
    Ownership,
    Portfolio,
    ReportsTo,
    Stakeholder,
    Stance,
    TeamAssignment,
    TeamMember,
)
from graph.sample import sample_portfolio
from graph.store import GraphStore
from importers.load import Parsed, load

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


def test_the_states_recording_compares_diff_as_the_account_graphs_do(store: GraphStore) -> None:
    """What a write records (diff_stored of two account_states) is exactly the diff of
    the account graphs read at both ends, record by record, field by field."""
    store.write(sample_portfolio())
    ids = ["helix", "northwind", "orbital"]
    graphs, states = store.account_graphs(ids), store.account_states(ids)
    meeting = sample_portfolio().interactions[0]
    store.write(
        MOVES.model_copy(
            update={
                "team_members": [
                    TeamMember(id="tm-lena", name="Lena", seniority="vp"),
                    TeamMember(id="tm-olu", name="Olu"),  # on Orbital only as an owner
                ],
                "owners": [*MOVES.owners, Ownership(member_id="tm-olu", stakeholder_id="hx-cio")],
                "competitors": [Competitor(id="comp-trellis", name="Trellis Inc.")],
                "favors": [Favors(stakeholder_id="hx-cfo", competitor_id="comp-trellis")],
                # re-filed under Helix, with one colleague fewer
                "interactions": [
                    meeting.model_copy(update={"account_id": "helix", "member_ids": ("tm-lena",)})
                ],
            }
        )
    )
    after, states_after = store.account_graphs(ids), store.account_states(ids)

    assert sorted(states) == ids
    # Every kind of record is read (the one statement's rows are told apart by kind).
    assert [c.field for c in COLLECTIONS if not any(s[c.field] for s in states.values())] == []
    stamp = Stamp("crm-import", DAY1)
    for was, now in zip(graphs, after, strict=True):
        account_id = was.account.id
        assert list(diff_stored(None, states[account_id])) == diff(None, was)
        changes = list(diff_stored(states[account_id], states_after[account_id]))
        assert changes == diff(was, now)
        assert changes  # every account changed: the test compares something
        # Stamped as they are made: the same changes, with the block's date and actor.
        assert list(diff_stored(states[account_id], states_after[account_id], stamp)) == [
            c.model_copy(update={"at": DAY1, "actor": "crm-import"}) for c in changes
        ]
    assert list(diff_stored(states_after["helix"], store.account_states(["helix"])["helix"])) == []


# --- the change log in the store: three dates, read back exactly ------------------------

DAY1, DAY2, DAY3 = dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 3, 10)


def crm_export(*, changed: bool) -> Parsed:
    """Acme as a CRM exports it; ``changed``: a month later (a stance moved, a rating
    grew, a title changed, a new VP reports to the CTO)."""
    people = [
        Stakeholder(
            id="ceo", account_id="acme", name="Cy", title="CEO" if not changed else "CEO & Chair"
        ),
        Stakeholder(
            id="cto", account_id="acme", name="Ty", stance="supporter" if changed else "neutral"
        ),
    ]
    lines = [ReportsTo(stakeholder_id="cto", manager_id="ceo")]
    if changed:
        people.append(Stakeholder(id="vp", account_id="acme", name="Vi", seniority="vp"))
        lines.append(ReportsTo(stakeholder_id="vp", manager_id="cto"))
    batch = Portfolio(
        accounts=[Account(id="acme", name="Acme")],
        team_members=[TeamMember(id="kim", name="Kim"), TeamMember(id="raj", name="Raj")],
        team=[TeamAssignment(member_id="kim", account_id="acme", role="quarterback")],
        stakeholders=people,
        reports_to=lines,
        knows=[Knows(member_id="kim", stakeholder_id="cto", strength=4 if changed else 3)],
        owners=[Ownership(member_id="kim", stakeholder_id="cto")],
    )
    return Parsed(source="export.json", batches=lambda: iter([batch]), records=1)


def on(day: dt.date, actor: str = "import json export.json") -> Stamp:
    return Stamp(actor=actor, at=day)


def three_dates(store: GraphStore) -> list[AccountGraph]:
    """An import, a changed import and a direct write on three dates; the graph after each."""
    graphs = []
    load(store, crm_export(changed=False), stamp=on(DAY1))
    graphs.append(store.account_graph("acme"))
    load(store, crm_export(changed=True), stamp=on(DAY2))
    graphs.append(store.account_graph("acme"))
    with store.atomic(stamp=on(DAY3, "kim")) as target:
        target.write(
            Portfolio(
                owners=[Ownership(member_id="raj", stakeholder_id="cto")],
                reports_to=[ReportsTo(stakeholder_id="vp", manager_id=None)],
            )
        )
    graphs.append(store.account_graph("acme"))
    return graphs


def test_the_account_reads_as_it_was_at_the_end_of_each_date(store: GraphStore) -> None:
    day1, day2, day3 = three_dates(store)
    assert day1 != day2 != day3
    for day, graph in [(DAY1, day1), (DAY2, day2), (DAY3, day3)]:
        assert store.account_graph("acme", as_of=day) == graph
        assert store.account_graph("acme", as_of=day + dt.timedelta(days=20)) == graph
    assert store.account_graph("acme", as_of=dt.date(2030, 1, 1)) == day3
    with pytest.raises(NotRecorded) as early:
        store.account_graph("acme", as_of=DAY1 - dt.timedelta(days=1))
    assert str(early.value) == (
        "account 'acme' was not recorded by 2026-01-09: its history starts on 2026-01-10"
    )


def test_a_diff_lists_exactly_what_changed_with_when_and_who(store: GraphStore) -> None:
    three_dates(store)
    got = [
        (c.kind, c.subject_id, c.counterpart_id, c.field, c.before, c.after, c.at, c.actor)
        for c in store.changes_between("acme", DAY1, DAY3)
    ]
    import_ = "import json export.json"
    vp = Stakeholder(id="vp", account_id="acme", name="Vi", seniority="vp").model_dump(mode="json")
    raj = TeamMember(id="raj", name="Raj").model_dump(mode="json")
    vp_line = {"stakeholder_id": "vp", "manager_id": "cto"}
    assert got == [
        ("stakeholder_changed", "ceo", None, "title", "CEO", "CEO & Chair", DAY2, import_),
        ("stakeholder_changed", "cto", None, "stance", "neutral", "supporter", DAY2, import_),
        ("stakeholder_added", "vp", None, None, None, vp, DAY2, import_),
        ("relationship_changed", "cto", "kim", "strength", 3, 4, DAY2, import_),
        ("line_added", "vp", "cto", None, None, vp_line, DAY2, import_),
        ("team_member_added", "raj", None, None, None, raj, DAY3, "kim"),
        ("owner_changed", "cto", None, "member_id", "kim", "raj", DAY3, "kim"),
        ("line_removed", "vp", "cto", None, vp_line, None, DAY3, "kim"),
    ]
    assert store.changes_between("acme", DAY2, DAY2) == []


def test_writing_what_is_stored_records_nothing(store: GraphStore) -> None:
    load(store, crm_export(changed=False), stamp=on(DAY1))
    recorded = store.history_span("acme")
    load(store, crm_export(changed=False), stamp=on(DAY2))  # the same export, re-run
    store.write(store.read_portfolio())
    assert store.history_span("acme") == recorded
    assert store.account_graph("acme", as_of=DAY1) == store.account_graph("acme")


def test_an_earlier_date_than_the_newest_change_is_refused_and_changes_nothing(
    store: GraphStore,
) -> None:
    three_dates(store)
    before = (store.read_portfolio(), store.history_span("acme"))
    with pytest.raises(InvalidData) as refused:
        load(store, crm_export(changed=False), stamp=on(DAY2))
    assert refused.value.problems == [
        "changes dated 2026-02-10 would come before the newest recorded change (2026-03-10): "
        "history is kept in date order, so import older data first, or give a later "
        "--effective date"
    ]
    assert (store.read_portfolio(), store.history_span("acme")) == before


# --- found by review: erasure, re-filed interactions, dates of record -------------------


def meeting(i: str, account: str, *who: str) -> Interaction:
    return Interaction(
        id=i,
        account_id=account,
        date=dt.date(2025, 12, 1),
        channel="meeting",
        member_ids=["kim"],
        stakeholder_ids=who,
    )


def people_at_acme(store: GraphStore) -> None:
    with store.atomic(stamp=on(DAY1)) as target:
        target.write(
            Portfolio(
                accounts=[Account(id="acme", name="Acme"), Account(id="beta", name="Beta")],
                team_members=[TeamMember(id="kim", name="Kim")],
                stakeholders=[
                    Stakeholder(id="x", account_id="acme", name="Xavier Quill"),
                    Stakeholder(
                        id="y", account_id="acme", name="Yan", notes="Met Xavier\nQuill at a fair"
                    ),
                    Stakeholder(id="b1", account_id="beta", name="Bo"),
                ],
                interactions=[meeting("i1", "acme", "x")],
            )
        )


def test_after_an_erasure_the_past_reads_without_them_and_without_their_name(
    store: GraphStore,
) -> None:
    people_at_acme(store)
    with store.atomic(stamp=on(DAY2)) as target:
        target.write(Portfolio(interactions=[meeting("i1", "acme", "x", "y")]))
    store.erase_stakeholder("x", scrub=True)
    then = store.account_graph("acme", as_of=DAY1)
    assert [s.id for s in then.stakeholders] == ["y"]
    assert then.interactions == (meeting("i1", "acme", "y"),)  # the meeting, without them
    assert "Quill" not in then.model_dump_json()
    diffed = store.changes_between("acme", DAY1 - dt.timedelta(days=1))
    assert "Quill" not in str([c.model_dump() for c in diffed])
    assert '"x"' not in str([c.model_dump_json() for c in diffed])


def test_an_interaction_refiled_under_another_account_reads_right_on_both(
    store: GraphStore,
) -> None:
    people_at_acme(store)
    acme, beta = store.account_graphs(["acme", "beta"])
    with store.atomic(stamp=on(DAY2)) as target:
        target.write(Portfolio(interactions=[meeting("i1", "beta", "b1")]))
    assert store.account_graph("acme").interactions == ()
    assert [i.id for i in store.account_graph("beta").interactions] == ["i1"]
    assert store.account_graph("acme", as_of=DAY1) == acme
    assert store.account_graph("beta", as_of=DAY1) == beta


def test_a_future_date_is_refused(store: GraphStore) -> None:
    future = dt.date.today() + dt.timedelta(days=1)
    with pytest.raises(InvalidData, match="would be recorded in the future"):
        load(store, crm_export(changed=False), stamp=on(future))
    assert store.count_nodes() == 0


def test_a_dry_run_foresees_the_date_order_refusal(store: GraphStore) -> None:
    load(store, crm_export(changed=False), stamp=on(DAY2))
    with pytest.raises(InvalidData, match="would come before the newest recorded change"):
        load(store, crm_export(changed=True), stamp=on(DAY1), dry_run=True)
    load(store, crm_export(changed=False), stamp=on(DAY1), dry_run=True)  # changes nothing


def test_the_demo_loads_into_a_store_with_later_history(store: GraphStore) -> None:
    load(store, crm_export(changed=False), stamp=on(dt.date.today()))
    load_sample(store)
    assert {"helix", "northwind", "orbital"} <= {s.account.id for s in store.list_accounts()}


def test_a_shared_team_member_renamed_through_one_account_is_recorded_on_every_one(
    store: GraphStore,
) -> None:
    # Lena is on Northwind and Baltic; the import names neither account's records.
    day = dt.date.today()
    with store.atomic(stamp=Stamp("demo", day - dt.timedelta(days=7))) as target:
        target.write(sample_portfolio())
    lena = next(m for m in sample_portfolio().team_members if m.id == "tm-lena")
    unchanged = Portfolio(team_members=[lena])
    with store.atomic(stamp=Stamp("import sheet team.xlsx", day)) as target:
        target.write(unchanged)
    assert store.changes_between("baltic", day - dt.timedelta(days=1), day) == []
    renamed = Portfolio(team_members=[lena.model_copy(update={"name": "Lena Hoffmann-Berg"})])
    with store.atomic(stamp=Stamp("import sheet team.xlsx", day)) as target:
        target.write(renamed)
    for account_id in ("northwind", "baltic"):
        got = [
            (c.kind, c.subject_id, c.field, c.before, c.after)
            for c in store.changes_between(account_id, day - dt.timedelta(days=1), day)
        ]
        assert got == [
            ("team_member_changed", "tm-lena", "name", "Lena Hoffmann", "Lena Hoffmann-Berg")
        ], account_id
    assert store.changes_between("helix", day - dt.timedelta(days=1), day) == []


def test_a_block_applies_its_writes_to_the_states_and_reads_again_only_what_it_cannot(
    store: GraphStore,
) -> None:
    # The guard in tests/conftest.py checks every block's applied states against the
    # store; this checks that the applying is what usually happens.
    rereads = []
    for portfolio in (sample_portfolio(), sample_portfolio(), MOVES):
        with store.atomic() as target:
            target.write(portfolio)
            assert target._recorder is not None
            rereads.append(target._recorder.rereads)
    with store.atomic() as target:
        target.delete_stakeholder("hx-new")
        assert target._recorder is not None
        rereads.append(target._recorder.rereads)
    # Created, then every record upserted in place; a move between accounts and a delete
    # are read again.
    assert rereads == [frozenset(), frozenset(), {"helix", "orbital"}, {"helix"}]


def test_a_block_takes_the_accounts_as_the_last_one_left_them_instead_of_reading_them(
    store: GraphStore,
) -> None:
    store.write(sample_portfolio())
    ceo = next(s for s in sample_portfolio().stakeholders if s.id == "nw-ceo")
    read = []
    for stance in (Stance.skeptic, Stance.champion):
        with store.atomic() as target:
            target.write(Portfolio(stakeholders=[ceo.model_copy(update={"stance": stance})]))
            assert target._recorder is not None
            read.append(target._recorder.read_before)
    assert read == [frozenset(), frozenset()]
    today = dt.date.today()
    moves = [
        (c.before, c.after)
        for c in store.changes_between("northwind", today - dt.timedelta(days=1), today)
        if c.kind == "stakeholder_changed" and c.field == "stance"
    ]
    assert moves == [("supporter", "skeptic"), ("skeptic", "champion")]


def test_a_write_by_another_process_between_two_blocks_is_read_not_missed(
    store: GraphStore,
) -> None:
    store.write(sample_portfolio())
    ceo = next(s for s in sample_portfolio().stakeholders if s.id == "nw-ceo")
    elsewhere = GraphStore(store.engine)  # another process on the same store: its own memory
    elsewhere.write(Portfolio(stakeholders=[ceo.model_copy(update={"stance": Stance.opponent})]))
    with store.atomic() as target:
        target.write(Portfolio(stakeholders=[ceo.model_copy(update={"stance": Stance.champion})]))
        assert target._recorder is not None
        assert target._recorder.read_before == {"northwind"}
    today = dt.date.today()
    moves = [
        (c.before, c.after)
        for c in store.changes_between("northwind", today - dt.timedelta(days=1), today)
        if c.kind == "stakeholder_changed" and c.field == "stance"
    ]
    assert moves == [("supporter", "opponent"), ("opponent", "champion")]
    now = store.account_graph("northwind", as_of=today)
    assert next(s for s in now.stakeholders if s.id == "nw-ceo").stance == Stance.champion
