"""load(): a streamed import is checked and written batch by batch, all or nothing: a refused
batch leaves the store as it was, and every problem of every batch is reported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from graph.errors import InvalidData
from graph.model import (
    Account,
    ConflictsWith,
    Influences,
    Interaction,
    Knows,
    Portfolio,
    ReportsTo,
    Stakeholder,
    TeamMember,
)
from graph.settings import Settings
from graph.store import DroppedLine, GraphStore, Move, open_store
from importers.load import Parsed, load


def parsed(*batches: Portfolio) -> Parsed:
    return Parsed(source="export", batches=lambda: iter(batches), records=len(batches))


ACCOUNTS = Portfolio(accounts=[Account(id="acme", name="Acme")])
PEOPLE = Portfolio(stakeholders=[Stakeholder(id="cfo", account_id="acme", name="Fi")])


def test_a_later_batch_may_name_what_an_earlier_one_writes(store: GraphStore) -> None:
    progress: list[int] = []
    report = load(store, parsed(ACCOUNTS, PEOPLE), on_batch=progress.append)
    assert (report.nodes["accounts"].created, report.nodes["stakeholders"].created) == (1, 1)
    assert [s.id for s in store.account_graph("acme").stakeholders] == ["cfo"]
    assert progress == [1, 1]  # each batch checked and written


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_batch_the_store_refuses_stops_the_import_before_any_write(
    store: GraphStore, dry_run: bool
) -> None:
    store.write(Portfolio(team_members=[TeamMember(id="kim", name="Kim")]))
    before = store.read_portfolio()
    clash = Portfolio(stakeholders=[Stakeholder(id="kim", account_id="acme", name="Kim")])
    orphan = Portfolio(stakeholders=[Stakeholder(id="x", account_id="nowhere", name="X")])
    with pytest.raises(InvalidData) as refused:
        load(store, parsed(ACCOUNTS, PEOPLE, clash, orphan), dry_run=dry_run)
    assert refused.value.source == "export"
    assert refused.value.problems == [
        "id 'kim' names both a stakeholder and a team member",
        "stakeholder 'x': unknown account 'nowhere'",
    ]
    assert store.read_portfolio() == before


def test_a_reporting_cycle_split_across_batches_is_found_before_any_write(
    store: GraphStore,
) -> None:
    people = Portfolio(
        accounts=[Account(id="acme", name="Acme")],
        stakeholders=[Stakeholder(id=i, account_id="acme", name=i) for i in ("a", "b")],
    )
    up = Portfolio(reports_to=[ReportsTo(stakeholder_id="a", manager_id="b")])
    down = Portfolio(reports_to=[ReportsTo(stakeholder_id="b", manager_id="a")])
    with pytest.raises(InvalidData) as refused:
        load(store, parsed(people, up, down))
    assert refused.value.problems == ["reporting lines form a cycle: b → a → b"]
    assert store.count_nodes() == 0


def at(account: str, *ids: str) -> list[Stakeholder]:
    return [Stakeholder(id=i, account_id=account, name=i.upper()) for i in ids]


def line(person: str, manager: str | None) -> Portfolio:
    return Portfolio(reports_to=[ReportsTo(stakeholder_id=person, manager_id=manager)])


def test_a_cycle_through_someone_an_earlier_batch_adds_is_found_before_any_write(
    store: GraphStore,
) -> None:
    store.write(
        Portfolio(accounts=[Account(id="acme", name="Acme")], stakeholders=at("acme", "y", "z"))
    )
    store.write(line("y", "z"))
    before = store.read_portfolio()
    with pytest.raises(InvalidData) as refused:
        load(
            store,
            parsed(Portfolio(stakeholders=at("acme", "x")), line("z", "x"), line("x", "y")),
        )
    assert refused.value.source == "export"  # found by the check pass, not by a write
    assert refused.value.problems == ["reporting lines form a cycle: x → y → z → x"]
    assert store.read_portfolio() == before


def test_lines_a_move_drops_do_not_count_as_a_cycle(store: GraphStore) -> None:
    accounts = [Account(id="acme", name="Acme"), Account(id="beta", name="Beta")]
    store.write(Portfolio(accounts=accounts, stakeholders=at("beta", "y", "z", "v")))
    store.write(Portfolio(reports_to=[ReportsTo(stakeholder_id="y", manager_id="z")]))
    store.write(line("z", "v"))
    load(store, parsed(Portfolio(stakeholders=at("acme", "y", "v")), line("v", "y")))
    acme, beta = store.account_graphs(["acme", "beta"])
    assert acme.reports_to == (ReportsTo(stakeholder_id="v", manager_id="y"),)
    assert beta.reports_to == ()


def test_two_managers_for_one_person_in_one_batch_are_refused(store: GraphStore) -> None:
    people = Portfolio(
        accounts=[Account(id="acme", name="Acme")], stakeholders=at("acme", "a", "b")
    )
    twice = Portfolio(
        reports_to=[
            ReportsTo(stakeholder_id="a", manager_id="b"),
            ReportsTo(stakeholder_id="a", manager_id=None),
        ]
    )
    with pytest.raises(InvalidData, match="stakeholder 'a' is given 2 managers"):
        load(store, parsed(people, twice))
    assert store.count_nodes() == 0


def test_an_import_that_only_removes_reporting_lines_says_so(store: GraphStore) -> None:
    store.write(
        Portfolio(accounts=[Account(id="acme", name="Acme")], stakeholders=at("acme", "a", "b"))
    )
    store.write(line("a", "b"))
    report = load(store, parsed(line("a", None)))
    assert report.lines == {"no_manager": 1}
    assert "  no_manager           1 written" in report.summary()
    assert store.account_graph("acme").reports_to == ()


def test_a_cycle_through_lines_that_come_along_with_a_move_is_found_before_any_write(
    store: GraphStore,
) -> None:
    """q → r move together from gamma to acme, keeping their line; then w → q, r → x, x → w."""
    accounts = [Account(id="acme", name="Acme"), Account(id="gamma", name="Gamma")]
    store.write(
        Portfolio(accounts=accounts, stakeholders=[*at("gamma", "q", "r"), *at("acme", "w", "x")])
    )
    store.write(line("q", "r"))
    before = store.read_portfolio()
    batches = (
        Portfolio(stakeholders=at("acme", "q", "r")),
        Portfolio(
            reports_to=[
                ReportsTo(stakeholder_id="w", manager_id="q"),
                ReportsTo(stakeholder_id="r", manager_id="x"),
            ]
        ),
        line("x", "w"),
    )
    with pytest.raises(InvalidData) as refused:
        load(store, parsed(*batches))
    assert refused.value.source == "export"  # found by the check pass, not by a write
    assert refused.value.problems == ["reporting lines form a cycle: x → w → q → r → x"]
    assert store.read_portfolio() == before


def crm_export() -> tuple[Portfolio, ...]:
    """What a CRM export would hold: Ann (``ann``) and Bob, a line and two meetings."""

    def met(i: str, *who: str) -> Interaction:
        return Interaction(
            id=i,
            account_id="acme",
            date=dt.date(2026, 11, 2),
            channel="call",
            member_ids=["kim"],
            stakeholder_ids=who,
        )

    return (
        Portfolio(
            accounts=[Account(id="acme", name="Acme")],
            team_members=[TeamMember(id="kim", name="Kim")],
            stakeholders=at("acme", "ann", "bob"),
        ),
        Portfolio(
            reports_to=[ReportsTo(stakeholder_id="bob", manager_id="ann")],
            knows=[Knows(member_id="kim", stakeholder_id=i, strength=3) for i in ("ann", "bob")],
            interactions=[met("alone", "ann"), met("shared", "ann", "bob")],
        ),
    )


@pytest.mark.parametrize("dry_run", [False, True])
def test_an_import_skips_an_erased_person_and_every_record_naming_them(
    store: GraphStore, dry_run: bool
) -> None:
    load(store, parsed(*crm_export()))
    store.erase_stakeholder("ann")
    before = store.read_portfolio()
    report = load(store, parsed(*crm_export()), dry_run=dry_run)
    assert report.skipped == {"erased person": 1}
    assert "  skipped 1 erased person" in report.summary()
    assert report.nodes["stakeholders"].created == 0
    assert store.read_portfolio() == before  # nothing of hers came back
    graph = store.account_graph("acme")
    assert [s.id for s in graph.stakeholders] == ["bob"]
    assert [(i.id, i.stakeholder_ids) for i in graph.interactions] == [("shared", ("bob",))]


def test_the_erased_stay_out_after_a_restart(store_settings: Settings) -> None:
    with open_store(store_settings) as first:  # the embedded engine stops when it closes
        load(first, parsed(*crm_export()))
        first.erase_stakeholder("ann")
        first.erase_stakeholder("bob")
    with open_store(store_settings) as again:
        report = load(again, parsed(*crm_export()))
        assert report.skipped == {"erased people": 2}
        assert again.account_graph("acme").stakeholders == ()


def team_at_acme(store: GraphStore) -> None:
    """ceo ← cto ← dev (reporting), cfo influences cto, cto conflicts with ceo; beta empty."""
    store.write(
        Portfolio(
            accounts=[Account(id="acme", name="Acme"), Account(id="beta", name="Beta")],
            stakeholders=at("acme", "ceo", "cto", "cfo", "dev"),
            reports_to=[
                ReportsTo(stakeholder_id="cto", manager_id="ceo"),
                ReportsTo(stakeholder_id="dev", manager_id="cto"),
            ],
            influences=[Influences(source_id="cfo", target_id="cto", weight=3)],
            conflicts=[ConflictsWith(stakeholder_id="cto", other_id="ceo")],
        )
    )


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_move_to_another_account_is_reported_with_the_lines_it_drops(
    store: GraphStore, dry_run: bool
) -> None:
    team_at_acme(store)
    report = load(store, parsed(Portfolio(stakeholders=at("beta", "cto"))), dry_run=dry_run)
    assert report.moves == [
        Move(
            stakeholder_id="cto",
            from_account="acme",
            to_account="beta",
            dropped=[
                DroppedLine(kind="conflicts", from_id="cto", to_id="ceo"),
                DroppedLine(kind="influences", from_id="cfo", to_id="cto"),
                DroppedLine(kind="reports_to", from_id="cto", to_id="ceo"),
                DroppedLine(kind="reports_to", from_id="dev", to_id="cto"),
            ],
        )
    ]
    moved, dropped = ("would move", "would drop") if dry_run else ("moved", "dropped")
    assert (
        f"  {moved} cto from acme to beta; {dropped} 4 lines: conflicts cto → ceo, "
        "influences cfo → cto, reports_to cto → ceo, reports_to dev → cto" in report.summary()
    )
    acme = store.account_graph("acme")
    assert (len(acme.reports_to), len(acme.influences), len(acme.conflicts)) == (
        (2, 1, 1) if dry_run else (0, 0, 0)
    )


def test_people_who_move_together_keep_their_lines_and_a_split_move_drops_them(
    store: GraphStore,
) -> None:
    """cto and dev move in one batch (their line stays); ceo follows in the next batch, after
    the write of the first has dropped the lines between it and them."""
    team_at_acme(store)
    report = load(
        store,
        parsed(
            Portfolio(stakeholders=at("beta", "cto", "dev")),
            Portfolio(stakeholders=at("beta", "ceo")),
        ),
    )
    assert [
        (m.stakeholder_id, [(d.kind, d.from_id, d.to_id) for d in m.dropped]) for m in report.moves
    ] == [
        (
            "cto",
            [
                ("conflicts", "cto", "ceo"),
                ("influences", "cfo", "cto"),
                ("reports_to", "cto", "ceo"),
            ],
        ),
        ("dev", []),
        ("ceo", []),
    ]
    beta = store.account_graph("beta")
    assert beta.reports_to == (ReportsTo(stakeholder_id="dev", manager_id="cto"),)
    assert (beta.influences, beta.conflicts) == ((), ())


def test_a_write_reports_its_moves(store: GraphStore) -> None:
    team_at_acme(store)
    summary = store.write(Portfolio(stakeholders=at("beta", "dev")))
    assert summary.moves == [
        Move(
            stakeholder_id="dev",
            from_account="acme",
            to_account="beta",
            dropped=[DroppedLine(kind="reports_to", from_id="dev", to_id="cto")],
        )
    ]


def test_the_batches_are_read_once_and_a_mover_moves_whole(store: GraphStore) -> None:
    """Each batch is written right after its own check, so what is written is what was
    checked: a stakeholder the check finds at another account moves (one account, not
    two), and the input is not read a second time."""
    store.write(
        Portfolio(
            accounts=[Account(id="acme", name="Acme"), Account(id="beta", name="Beta")],
            stakeholders=[Stakeholder(id="sam", account_id="beta", name="Sam")],
        )
    )
    reads: list[int] = []

    def batches() -> Iterator[Portfolio]:
        reads.append(1)
        yield Portfolio(stakeholders=[Stakeholder(id="sam", account_id="acme", name="Sam")])

    report = load(store, Parsed(source="move.csv", batches=batches, records=1))
    assert reads == [1]
    assert [m.stakeholder_id for m in report.moves] == ["sam"]
    assert [s.id for s in store.account_graph("acme").stakeholders] == ["sam"]
    assert store.account_graph("beta").stakeholders == ()


@pytest.mark.parametrize("dry_run", [True, False])
def test_new_changed_unchanged_and_moving_records_are_counted_and_written(
    store: GraphStore, dry_run: bool
) -> None:
    """Records the check finds absent are created (once, even when a later batch repeats
    them), the stored ones updated in place or moved; a field the import does not set
    (a stance entered by hand) leaves a record unchanged. A dry run counts alike and
    writes nothing."""
    store.write(
        Portfolio(
            accounts=[Account(id="acme", name="Acme"), Account(id="beta", name="Beta")],
            stakeholders=[
                Stakeholder(id="same", account_id="acme", name="Sam", stance="champion"),
                Stakeholder(id="renamed", account_id="acme", name="Ren"),
                Stakeholder(id="mover", account_id="beta", name="Mo"),
            ],
        )
    )
    people = [
        Stakeholder(id="same", account_id="acme", name="Sam"),
        Stakeholder(id="renamed", account_id="acme", name="Renée"),
        Stakeholder(id="mover", account_id="acme", name="Mo"),
        Stakeholder(id="newbie", account_id="gamma", name="Nu"),
    ]
    first = Portfolio(
        accounts=[Account(id="acme", name="Acme"), Account(id="gamma", name="Gamma")],
        stakeholders=people,
    )
    again = Portfolio(stakeholders=[people[-1]])
    stored = store.dump()
    report = load(store, parsed(first, again), dry_run=dry_run)
    assert report.nodes["accounts"].model_dump() == {"created": 1, "updated": 0, "unchanged": 1}
    assert report.nodes["stakeholders"].model_dump() == {
        "created": 1,
        "updated": 2,
        "unchanged": 2,  # "same", and "newbie" the second time
    }
    assert [m.stakeholder_id for m in report.moves] == ["mover"]
    if dry_run:
        assert store.dump() == stored
        return
    acme = {s.id: s for s in store.account_graph("acme").stakeholders}
    assert sorted(acme) == ["mover", "renamed", "same"]
    assert (acme["renamed"].name, acme["same"].stance.value) == ("Renée", "champion")
    assert store.account_graph("beta").stakeholders == ()
    assert [s.id for s in store.account_graph("gamma").stakeholders] == ["newbie"]
    assert store.count_nodes() == 3 + 4
