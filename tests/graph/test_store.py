"""The store's contract, run on the embedded engine (and on Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from pydantic import BaseModel

from graph.errors import InvalidData, NotFound
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
    record_key,
)
from graph.network import to_networkx
from graph.sample import sample_portfolio
from graph.store import AccountGraph, GraphStore

NASTY = "O'Brien \"the\" \\ boss\n<b>$x</b> '}) DETACH DELETE n //"
#: A name is one line; the line break stays in the prose (an interaction's summary).
NASTY_NAME = NASTY.replace("\n", " ")


def acme() -> Portfolio:
    """A small account with one record of every kind."""
    return Portfolio(
        accounts=[Account(id="acme", name="Acme Corp", tier="gold", annual_revenue=1.5e6)],
        stakeholders=[
            Stakeholder(
                id="ceo",
                account_id="acme",
                name="Cy Ceo",
                title="CEO",
                seniority="c_level",
                dmu_roles=["decision_maker"],
                influence=5,
                stance="supporter",
            ),
            Stakeholder(id="cfo", account_id="acme", name="Fi Cfo", dmu_roles=["economic_buyer"]),
            Stakeholder(id="eng", account_id="acme", name=NASTY_NAME, stance="opponent"),
        ],
        team_members=[TeamMember(id="kam", name="Kim Kam"), TeamMember(id="se", name="Sam Se")],
        competitors=[Competitor(id="rival", name="Rival Inc")],
        team=[
            TeamAssignment(member_id="kam", account_id="acme", role="quarterback"),
            TeamAssignment(member_id="se", account_id="acme", role="solution_engineer"),
        ],
        knows=[
            Knows(
                member_id="kam",
                stakeholder_id="ceo",
                strength=4,
                rated_on=dt.date(2026, 10, 1),
                last_contact=dt.date(2026, 11, 2),
                level="problem_solver",
                target_level="trusted_advisor",
            ),
            Knows(member_id="se", stakeholder_id="eng", strength=2),
        ],
        reports_to=[
            ReportsTo(stakeholder_id="cfo", manager_id="ceo"),
            ReportsTo(stakeholder_id="eng", manager_id="cfo"),
        ],
        influences=[Influences(source_id="eng", target_id="ceo", weight=4)],
        conflicts=[ConflictsWith(stakeholder_id="cfo", other_id="eng")],
        owners=[Ownership(member_id="kam", stakeholder_id="ceo")],
        favors=[Favors(stakeholder_id="eng", competitor_id="rival")],
        interactions=[
            Interaction(
                id="ix1",
                account_id="acme",
                date=dt.date(2026, 11, 2),
                channel="meeting",
                member_ids=["kam", "se"],
                stakeholder_ids=["ceo", "eng"],
                summary=NASTY,
            )
        ],
    )


def test_every_kind_round_trips(store: GraphStore) -> None:
    written = acme()
    summary = store.write(written)
    assert summary.created == {
        "accounts": 1,
        "team_members": 2,
        "competitors": 1,
        "stakeholders": 3,
    }
    assert store.read_portfolio() == written
    graph = store.account_graph("acme")
    assert graph.account.name == "Acme Corp"
    assert graph.stakeholders == written.stakeholders[:]  # already in id order
    assert graph.knows[0].strength == 4 and isinstance(graph.knows[0].strength, int)
    assert graph.interactions[0].summary == NASTY


def test_writing_twice_changes_nothing(store: GraphStore) -> None:
    store.write(acme())
    before = store.read_portfolio()
    summary = store.write(acme())
    assert summary.created == {
        "accounts": 0,
        "team_members": 0,
        "competitors": 0,
        "stakeholders": 0,
    }
    assert store.read_portfolio() == before
    assert store.count_nodes() == 1 + 3 + 2 + 1 + 1


def test_a_partial_record_keeps_what_it_does_not_carry(store: GraphStore) -> None:
    store.write(acme())
    store.write(Portfolio(stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cy C.")]))
    ceo = store.account_graph("acme").stakeholders[0]
    assert (ceo.name, ceo.stance.value, ceo.influence, ceo.title) == (
        "Cy C.",
        "supporter",
        5,
        "CEO",
    )
    store.write(
        Portfolio(stakeholders=[Stakeholder(id="ceo", account_id="acme", name="Cy", title=None)])
    )
    assert store.account_graph("acme").stakeholders[0].title is None


def test_one_owner_and_one_manager_per_stakeholder(store: GraphStore) -> None:
    store.write(acme())
    store.write(
        Portfolio(
            owners=[Ownership(member_id="se", stakeholder_id="ceo")],
            reports_to=[ReportsTo(stakeholder_id="eng", manager_id="ceo")],
        )
    )
    graph = store.account_graph("acme")
    assert graph.owners == (Ownership(member_id="se", stakeholder_id="ceo"),)
    assert ReportsTo(stakeholder_id="eng", manager_id="ceo") in graph.reports_to
    assert ReportsTo(stakeholder_id="eng", manager_id="cfo") not in graph.reports_to


def test_reporting_to_nobody_removes_a_stored_line(store: GraphStore) -> None:
    store.write(acme())  # eng → cfo → ceo
    summary = store.write(
        Portfolio(
            reports_to=[
                ReportsTo(stakeholder_id="eng", manager_id=None),
                ReportsTo(stakeholder_id="ceo", manager_id=None),  # had none: nothing to do
            ]
        )
    )
    assert summary.written == {"reports_to_removed": 1}
    assert store.account_graph("acme").reports_to == (
        ReportsTo(stakeholder_id="cfo", manager_id="ceo"),
    )
    with pytest.raises(InvalidData, match="reporting line 'ghost': unknown stakeholder 'ghost'"):
        store.write(Portfolio(reports_to=[ReportsTo(stakeholder_id="ghost", manager_id=None)]))


def test_a_stakeholder_can_move_to_another_account(store: GraphStore) -> None:
    store.write(acme())
    store.write(
        Portfolio(
            accounts=[Account(id="beta", name="Beta")],
            stakeholders=[Stakeholder(id="cfo", account_id="beta", name="Fi Cfo")],
        )
    )
    assert [s.id for s in store.account_graph("beta").stakeholders] == ["cfo"]
    assert "cfo" not in {s.id for s in store.account_graph("acme").stakeholders}


def test_a_move_drops_the_lines_to_former_colleagues_and_keeps_the_history(
    store: GraphStore,
) -> None:
    store.write(acme())
    store.write(
        Portfolio(
            accounts=[Account(id="beta", name="Beta")],
            stakeholders=[Stakeholder(id="eng", account_id="beta", name="Eng")],
        )
    )
    acme_graph, beta_graph = store.account_graphs(["acme", "beta"])
    assert acme_graph.reports_to == (ReportsTo(stakeholder_id="cfo", manager_id="ceo"),)
    assert acme_graph.influences == acme_graph.conflicts == ()
    assert beta_graph.reports_to == beta_graph.influences == beta_graph.conflicts == ()
    # What we know of them travels with them; the meeting at Acme still happened.
    assert beta_graph.knows[0].member_id == "se" and beta_graph.favors[0].competitor_id == "rival"
    assert acme_graph.interactions[0].stakeholder_ids == ("ceo", "eng")
    for graph in (acme_graph, beta_graph):
        to_networkx(graph)  # every line joins two people of the account
    # An edit of that meeting keeps them; an edit newly naming them at Acme is refused
    # (an import is not: its meetings are history, see the JSON round trip).
    meeting = acme().interactions[0]
    kick_off = meeting.model_copy(update={"summary": "Kick-off"})
    store.write(Portfolio(interactions=[kick_off]), edit=True)
    later = Portfolio(interactions=[meeting.model_copy(update={"id": "later"})])
    with pytest.raises(InvalidData) as caught:
        store.write(later, edit=True)
    assert caught.value.problems == [
        "interaction 'later': stakeholder 'eng' works at 'beta', not 'acme'"
    ]
    assert [i.id for i in store.account_graph("acme").interactions] == [meeting.id]


def test_rewriting_an_interaction_replaces_its_participants(store: GraphStore) -> None:
    store.write(acme())
    again = acme().interactions[0].model_copy(update={"member_ids": ("se",)})
    store.write(Portfolio(interactions=[again]))
    assert store.account_graph("acme").interactions[0].member_ids == ("se",)


#: The lines a write may replace, each marked as it is now: a line deleted and made again
#: comes back unmarked (the engine's own edge ids are reused, so they cannot tell).
MARK_LINES = "MATCH ()-[r:REPORTS_TO|OWNS|WITH|ATTENDED]->() SET r.mark = 1"
MARKED_LINES = """
MATCH (a)-[r:REPORTS_TO|OWNS|WITH|ATTENDED]->(b)
RETURN type(r) AS type, a.id AS start, b.id AS end, r.mark AS mark
"""


def test_a_rewrite_keeps_the_lines_it_leaves_as_they_were(store: GraphStore) -> None:
    """Writing the same managers, owners and participants again keeps their lines (a
    weekly re-import rewrote every one); a participant left out loses only their own."""

    def lines() -> dict[tuple[str, str, str], int | None]:
        rows = store.engine.run(MARKED_LINES, write=False)
        return {(r["type"], r["start"], r["end"]): r["mark"] for r in rows}

    store.write(acme())
    store.engine.run(MARK_LINES, write=True)
    before = lines()
    assert {kind for kind, _, _ in before} == {"REPORTS_TO", "OWNS", "WITH", "ATTENDED"}
    assert set(before.values()) == {1}
    store.write(acme())
    assert lines() == before
    meeting = acme().interactions[0]
    store.write(Portfolio(interactions=[meeting.model_copy(update={"member_ids": ("se",)})]))
    assert lines() == {key: 1 for key in before if key != ("ATTENDED", "kam", meeting.id)}


def test_bad_references_are_all_reported_and_nothing_is_written(store: GraphStore) -> None:
    store.write(acme())
    before = store.read_portfolio()
    bad = Portfolio(
        accounts=[Account(id="new", name="New Co")],
        stakeholders=[
            Stakeholder(id="x", account_id="nowhere", name="X"),
            Stakeholder(id="y", account_id="new", name="Y"),
            Stakeholder(id="y", account_id="new", name="Y again"),
        ],
        knows=[Knows(member_id="ghost", stakeholder_id="ceo")],
        reports_to=[ReportsTo(stakeholder_id="y", manager_id="ceo")],
        owners=[
            Ownership(member_id="kam", stakeholder_id="cfo"),
            Ownership(member_id="se", stakeholder_id="cfo"),
        ],
        interactions=[
            Interaction(
                id="ix2",
                account_id="new",
                date=dt.date(2026, 1, 1),
                channel="call",
                member_ids=["kam"],
                stakeholder_ids=["ceo", "nobody"],
            )
        ],
    )
    with pytest.raises(InvalidData) as caught:
        store.write(bad)
    assert sorted(caught.value.problems) == sorted(
        [
            "stakeholder id 'y' appears 2 times",
            "stakeholder 'cfo' is given 2 owners",
            "stakeholder 'x': unknown account 'nowhere'",
            "relationship with 'ceo': unknown team member 'ghost'",
            "reporting line 'y': 'y' works at 'new' but 'ceo' at 'acme'",
            "interaction 'ix2': unknown stakeholder 'nobody'",
        ]
    )
    assert store.read_portfolio() == before


def test_a_line_across_accounts_left_by_an_older_build_is_not_read(store: GraphStore) -> None:
    store.write(acme())
    store.write(Portfolio(accounts=[Account(id="beta", name="Beta")]))
    store.write(Portfolio(stakeholders=[Stakeholder(id="x", account_id="beta", name="X")]))
    store.engine.run(
        "MATCH (a:Stakeholder {id: 'x'}), (b:Stakeholder {id: 'ceo'}) "
        "CREATE (a)-[:REPORTS_TO]->(b), (a)-[:INFLUENCES {weight: 2}]->(b), "
        "(a)-[:CONFLICTS_WITH]->(b)",
        {},
        write=True,
    )
    beta = store.account_graph("beta")
    assert beta.reports_to == beta.influences == beta.conflicts == ()
    to_networkx(beta)


def test_text_an_older_build_stored_with_control_characters_still_reads(
    store: GraphStore,
) -> None:
    store.write(acme())
    store.engine.run(
        "MATCH (s:Stakeholder {id: 'ceo'}) SET s.title = $title",
        {"title": "CEO\tand\x1bchair"},
        write=True,
    )
    ceo = next(s for s in store.account_graph("acme").stakeholders if s.id == "ceo")
    assert ceo.title == "CEO\tand\x1bchair"
    with pytest.raises(ValueError, match="control character"):
        Stakeholder.model_validate(ceo.model_dump())  # as an import of its export would say


@pytest.mark.parametrize(
    "clash",
    [
        Portfolio(team_members=[TeamMember(id="ceo", name="Cy")]),  # a stored stakeholder
        Portfolio(stakeholders=[Stakeholder(id="kam", account_id="acme", name="K")]),  # a member
        Portfolio(
            stakeholders=[Stakeholder(id="both", account_id="acme", name="B")],
            team_members=[TeamMember(id="both", name="B")],
        ),
    ],
)
def test_one_id_is_never_both_a_stakeholder_and_a_team_member(
    store: GraphStore, clash: Portfolio
) -> None:
    store.write(acme())
    before = store.read_portfolio()
    (person,) = {p.id for p in (*clash.stakeholders, *clash.team_members)}
    with pytest.raises(InvalidData) as caught:
        store.write(clash)
    assert caught.value.problems == [f"id {person!r} names both a stakeholder and a team member"]
    assert store.read_portfolio() == before


@pytest.mark.parametrize("named", [False, True], ids=["the line alone", "with its account"])
def test_a_reporting_cycle_through_stored_lines_is_refused(store: GraphStore, named: bool) -> None:
    # With its account named, the write reads the account's state before its check.
    store.write(acme())  # eng → cfo → ceo
    closing = ReportsTo(stakeholder_id="ceo", manager_id="eng")
    accounts = acme().accounts if named else []
    with pytest.raises(InvalidData, match="cycle: ceo → eng → cfo → ceo"):
        store.write(Portfolio(accounts=accounts, reports_to=[closing]))


def test_a_member_stored_under_the_id_of_someone_unseen_is_updated_not_stored_twice(
    store: GraphStore,
) -> None:
    # An edit limited to account a cannot see stakeholder x at u, so it may store a
    # team member x; a later such edit naming u must still find that member stored.
    store.write(
        Portfolio(
            accounts=[Account(id="a", name="A"), Account(id="u", name="U")],
            stakeholders=[Stakeholder(id="x", account_id="u", name="X")],
        )
    )
    only_a = frozenset({"a"})
    store.write(Portfolio(team_members=[TeamMember(id="x", name="X member")]), visible=only_a)
    summary = store.write(
        Portfolio(
            accounts=[Account(id="u", name="U")],
            team_members=[TeamMember(id="x", name="X renamed")],
        ),
        visible=only_a,
    )
    assert summary.created["team_members"] == 0
    assert store._read("MATCH (m:TeamMember {id: 'x'}) RETURN m.name AS name") == [
        {"name": "X renamed"}
    ]


def test_listing_and_searching_accounts(store: GraphStore) -> None:
    store.write(acme())
    store.write(Portfolio(accounts=[Account(id="b-2", name="beta Labs")]))
    listed = [(s.account.id, s.stakeholder_count) for s in store.list_accounts()]
    assert listed == [("acme", 3), ("b-2", 0)]
    assert [s.account.id for s in store.list_accounts("BETA")] == ["b-2"]
    assert [s.account.id for s in store.list_accounts("acm")] == ["acme"]
    assert store.list_accounts("zzz") == []


def test_reading_several_accounts_in_one_call(store: GraphStore) -> None:
    store.write(acme())
    store.write(Portfolio(accounts=[Account(id="empty", name="Empty")]))
    graphs = store.account_graphs()
    assert [g.account.id for g in graphs] == ["acme", "empty"]
    assert graphs[0] == store.account_graph("acme")
    assert graphs[1].stakeholders == () and graphs[1].team == ()
    with pytest.raises(NotFound, match="no account with id 'nope'"):
        store.account_graph("nope")


def written_slice(portfolio: Portfolio, account_id: str) -> AccountGraph:
    """What the store must read of one account of a consistent portfolio it was given:
    the account's records, its people's lines among themselves, the team members and
    competitors they name, each list in record-key order."""
    people = {s.id for s in portfolio.stakeholders if s.account_id == account_id}
    interactions = [
        i.model_copy(
            update={
                "member_ids": tuple(sorted(i.member_ids)),
                "stakeholder_ids": tuple(sorted(i.stakeholder_ids)),
            }
        )
        for i in portfolio.interactions
        if i.account_id == account_id
    ]
    records: dict[str, list[BaseModel]] = {
        "accounts": [a for a in portfolio.accounts if a.id == account_id],
        "stakeholders": [s for s in portfolio.stakeholders if s.id in people],
        "team": [t for t in portfolio.team if t.account_id == account_id],
        "knows": [k for k in portfolio.knows if k.stakeholder_id in people],
        "reports_to": [
            r for r in portfolio.reports_to if {r.stakeholder_id, r.manager_id} <= people
        ],
        "influences": [i for i in portfolio.influences if {i.source_id, i.target_id} <= people],
        "conflicts": [c for c in portfolio.conflicts if {c.stakeholder_id, c.other_id} <= people],
        "owners": [o for o in portfolio.owners if o.stakeholder_id in people],
        "favors": [f for f in portfolio.favors if f.stakeholder_id in people],
        "interactions": interactions,
    }
    members = {r.member_id for kind in ("team", "knows", "owners") for r in records[kind]}
    members |= {m for i in interactions for m in i.member_ids}
    records["team_members"] = [m for m in portfolio.team_members if m.id in members]
    favored = {f.competitor_id for f in records["favors"]}
    records["competitors"] = [c for c in portfolio.competitors if c.id in favored]
    return AccountGraph(**{kind: sorted(found, key=record_key) for kind, found in records.items()})


def edge_cases() -> Portfolio:
    """Accounts at the edges of what a read assembles: people who left, aliases, every
    optional field, a meeting with several of each side, a member only on a team, an
    account with nobody, a competitor two people favour."""
    return Portfolio(
        accounts=[
            Account(id="edge", name="Edge", tier="silver", annual_revenue=1000, profit=-5.5),
            Account(id="nobody", name="Nobody"),
            Account(id="team-only", name="Team only"),
        ],
        stakeholders=[
            Stakeholder(
                id="gone",
                account_id="edge",
                name="Gone",
                left_company=True,
                dmu_roles="decision_maker;champion",
                email="gone@edge.test",
                aliases=("g@edge.test", "gone@old.test"),
                orientation="technical",
                influence=4,
                inner_circle=True,
            ),
            Stakeholder(id="here", account_id="edge", name="Here", notes="line\n\tnext"),
            Stakeholder(id="rival", account_id="edge", name="Rival", stance="opponent"),
        ],
        team_members=[
            TeamMember(id="u1", name="U1", aliases=("u1@us.test",), seniority="director"),
            TeamMember(id="u2", name="U2", email="u2@us.test"),
            TeamMember(id="u3", name="U3"),
        ],
        competitors=[Competitor(id="comp", name="Comp")],
        team=[TeamAssignment(member_id="u3", account_id="team-only", role="quarterback")],
        knows=[
            Knows(
                member_id="u1",
                stakeholder_id="gone",
                strength=5,
                rated_on=dt.date(2026, 1, 2),
                level="vendor",
                target_level="trusted_advisor",
                source="crm",
            ),
            Knows(member_id="u2", stakeholder_id="here"),
        ],
        reports_to=[ReportsTo(stakeholder_id="here", manager_id="gone")],
        influences=[Influences(source_id="rival", target_id="here", weight=5)],
        conflicts=[ConflictsWith(stakeholder_id="rival", other_id="gone")],
        owners=[Ownership(member_id="u2", stakeholder_id="rival")],
        favors=[
            Favors(stakeholder_id="rival", competitor_id="comp"),
            Favors(stakeholder_id="gone", competitor_id="comp"),
        ],
        interactions=[
            Interaction(
                id="ix-2",
                account_id="edge",
                date=dt.date(2026, 3, 3),
                channel="meeting",
                member_ids=("u2", "u1"),
                stakeholder_ids=("rival", "gone"),
                summary="Both sides",
            ),
            Interaction(
                id="ix-1",
                account_id="edge",
                date=dt.date(2026, 3, 4),
                channel="call",
                member_ids=("u1",),
                stakeholder_ids=("here",),
            ),
        ],
    )


@pytest.mark.parametrize("portfolio", [sample_portfolio, acme, edge_cases])
def test_an_account_reads_as_what_was_written_about_it(
    store: GraphStore, portfolio: Callable[[], Portfolio]
) -> None:
    written = portfolio()
    store.write(written)
    ids = sorted(a.id for a in written.accounts)
    expected = [written_slice(written, i) for i in ids]
    assert [store.account_graph(i) for i in ids] == expected
    assert store.account_graphs() == expected
    # any order, repeats and unknown ids: each account once, in id order
    assert store.account_graphs([*ids[::-1], ids[0], "unknown"]) == expected


def test_erasing_a_stakeholder_removes_every_trace(store: GraphStore) -> None:
    store.write(acme())
    erasure = store.erase_stakeholder("eng", scrub=True)  # their name is the meeting's summary
    assert (erasure.interactions_deleted, erasure.interactions_kept) == (0, 1)
    graph = store.account_graph("acme")
    assert [s.id for s in graph.stakeholders] == ["ceo", "cfo"]
    assert graph.favors == graph.conflicts == graph.influences == ()
    assert [(i.stakeholder_ids, i.summary) for i in graph.interactions] == [
        (("ceo",), "[erased] //")
    ]
    assert all("eng" not in (k.stakeholder_id,) for k in graph.knows)
    assert "DETACH DELETE" not in graph.model_dump_json()
    with pytest.raises(NotFound):
        store.erase_stakeholder("eng")


def test_delete_everything_empties_the_store(store: GraphStore) -> None:
    store.write(acme())
    store.delete_everything()
    assert store.count_nodes() == 0
    assert store.read_portfolio() == Portfolio()


def test_a_fresh_store_works_without_engine_warnings(
    store: GraphStore, caplog: pytest.LogCaptureFixture
) -> None:
    # Neo4j notifies about every label, type or property not yet in the database (a
    # field nobody has filled in yet); the driver logged each one to the user's terminal.
    with caplog.at_level(logging.INFO):
        assert store.list_accounts() == []
        assert store.account_graphs() == []
        store.write(Portfolio(accounts=[Account(id="bare", name="Bare")]))
        assert store.account_graph("bare").stakeholders == ()
        store.write(acme())
        store.read_portfolio()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_concurrent_writers_of_one_new_record_make_one_node(store: GraphStore) -> None:
    # On Neo4j two MERGEs of one new id in parallel transactions duplicate the node
    # unless a uniqueness constraint is in place; FalkorDB runs writes one at a time.
    start = threading.Barrier(8)

    def write(n: int) -> None:
        start.wait()
        store.write(Portfolio(accounts=[Account(id="same", name=f"Writer {n}")]))

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(8)))
    assert [s.account.id for s in store.list_accounts()] == ["same"]
    assert store.count_nodes() == 1


def test_an_atomic_block_lands_whole_when_it_ends(store: GraphStore) -> None:
    with store.atomic() as target:
        target.write(Portfolio(accounts=[Account(id="acme", name="Acme")]))
        target.write(Portfolio(stakeholders=[Stakeholder(id="cfo", account_id="acme", name="Fi")]))
        assert [a.stakeholder_count for a in target.list_accounts()] == [1]  # sees its writes
        assert store.list_accounts() == []  # nobody else does, yet
    assert [a.stakeholder_count for a in store.list_accounts()] == [1]


def test_an_atomic_block_that_raises_writes_nothing(store: GraphStore) -> None:
    store.write(acme())
    before = store.read_portfolio()
    with pytest.raises(KeyboardInterrupt), store.atomic() as target:
        target.write(Portfolio(accounts=[Account(id="beta", name="Beta")]))
        with target.atomic() as nested:  # joins the open block
            nested.erase_stakeholder("ceo")
        raise KeyboardInterrupt
    assert store.read_portfolio() == before


def test_a_write_the_engine_refuses_half_way_writes_nothing(embedded_store: GraphStore) -> None:
    """The account statement runs, the stakeholder statement fails: neither lands."""
    refused = Stakeholder.model_construct(id="x", account_id="acme", name="nul \x00 byte")
    refused.model_fields_set.update({"id", "account_id", "name"})
    with pytest.raises(redis.ResponseError):
        embedded_store.write(
            Portfolio.model_construct(
                accounts=[Account(id="acme", name="Acme")], stakeholders=[refused]
            )
        )
    assert embedded_store.count_nodes() == 0


def test_a_write_blind_to_an_account_still_moves_a_person_stored_there_whole(
    store: GraphStore,
) -> None:
    """The move clauses run only for rows that move; to a caller who cannot see beta, its
    person's id looks new, and the write must still take them off beta (no second account)."""
    store.write(
        Portfolio(
            accounts=[Account(id="acme", name="Acme"), Account(id="beta", name="Beta")],
            stakeholders=[
                Stakeholder(id="sam", account_id="beta", name="Sam"),
                Stakeholder(id="kim", account_id="beta", name="Kim"),
            ],
            reports_to=[ReportsTo(stakeholder_id="sam", manager_id="kim")],
        )
    )
    store.write(
        Portfolio(stakeholders=[Stakeholder(id="sam", account_id="acme", name="Sam")]),
        visible=frozenset({"acme"}),
    )
    assert [s.id for s in store.account_graph("beta").stakeholders] == ["kim"]
    assert store.account_graph("beta").reports_to == ()
    assert [s.id for s in store.account_graph("acme").stakeholders] == ["sam"]
    # Beta's history records it too: Sam left it, and his line with him.
    kinds = [c.kind for c in store.history_page("beta", page=1, per_page=50)]
    assert "stakeholder_removed" in kinds and "line_removed" in kinds, kinds


@pytest.mark.parametrize("running", [True, False])
def test_a_read_leaves_the_garbage_collector_as_it_found_it(
    store: GraphStore, running: bool
) -> None:
    """Reads hold Python's cyclic collector off while they build their results, and give
    it back as it was, also when a read fails."""
    store.write(acme())
    was = gc.isenabled()
    (gc.enable if running else gc.disable)()
    try:
        assert store.account_graphs(["acme"])[0].account.id == "acme"
        assert gc.isenabled() is running
        with pytest.raises((ValueError, redis.ResponseError)):  # the driver's or the engine's
            store.account_graphs([object()])  # type: ignore[list-item]
        assert gc.isenabled() is running
    finally:
        (gc.enable if was else gc.disable)()
