"""Erasure of a person: what goes, what stays, what mentions them, and the hash that
keeps them out (on each engine)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from graph.erasure import Erased, Skipped, normal, salted_hash, without_erased
from graph.errors import NotFound
from graph.model import (
    Account,
    Competitor,
    Favors,
    Influences,
    Interaction,
    Knows,
    Ownership,
    Portfolio,
    ReportsTo,
    Stakeholder,
    TeamMember,
)
from graph.store import GraphStore, Mention

EMAIL = "ann.lee@acme.example"


def people() -> Portfolio:
    """Ann Lee (``lee``) and the records around her: some name her, some only look alike."""
    day = dt.date(2026, 11, 2)

    def met(i: str, *who: str, summary: str | None = None) -> Interaction:
        return Interaction(
            id=i,
            account_id="acme",
            date=day,
            channel="meeting",
            member_ids=["kim"],
            stakeholder_ids=who,
            summary=summary,
        )

    return Portfolio(
        accounts=[Account(id="acme", name="Acme", notes="Sponsor: ANN LEE, since 2025.")],
        stakeholders=[
            Stakeholder(id="lee", account_id="acme", name="Ann Lee", email=EMAIL, notes="Ann Lee"),
            Stakeholder(id="bob", account_id="acme", name="Bob", notes="Reports to Ann\nLee."),
            Stakeholder(id="jo", account_id="acme", name="Joann Leeds", title="Ann Lees' aide"),
            Stakeholder(id="dup", account_id="acme", name="ann lee", email=EMAIL.upper()),
        ],
        team_members=[TeamMember(id="kim", name="Kim", title="Owner of ann.lee@acme.example")],
        competitors=[Competitor(id="rival", name="Rival")],
        knows=[
            Knows(member_id="kim", stakeholder_id="lee", strength=4, source="Ann Lee"),
            Knows(member_id="kim", stakeholder_id="bob", strength=2, source="met via Ann Lee"),
        ],
        reports_to=[ReportsTo(stakeholder_id="bob", manager_id="lee")],
        influences=[Influences(source_id="lee", target_id="bob")],
        owners=[Ownership(member_id="kim", stakeholder_id="lee")],
        favors=[Favors(stakeholder_id="lee", competitor_id="rival")],
        interactions=[
            met("alone", "lee", summary="Ann Lee on pricing"),
            met("shared", "lee", "bob", summary="Pilot with Ann Lee and Bob"),
            met("other", "bob", summary="Bob alone"),
        ],
    )


MENTIONS = [
    ("account", "acme", "notes"),
    ("interaction", "shared", "summary"),
    ("relationship", "kim → bob", "source"),
    ("stakeholder", "bob", "notes"),
    ("stakeholder", "dup", "email"),
    ("stakeholder", "dup", "name"),
    ("team member", "kim", "title"),
]


def test_erasure_deletes_what_only_they_attended_and_keeps_shared_history(
    store: GraphStore,
) -> None:
    store.write(people())
    erasure = store.erase_stakeholder("lee")
    assert (erasure.interactions_deleted, erasure.interactions_kept) == (1, 1)
    graph = store.account_graph("acme")
    assert [s.id for s in graph.stakeholders] == ["bob", "dup", "jo"]
    assert {i.id: i.stakeholder_ids for i in graph.interactions} == {
        "shared": ("bob",),
        "other": ("bob",),
    }
    assert graph.reports_to == graph.influences == graph.owners == graph.favors == ()
    assert [k.stakeholder_id for k in graph.knows] == ["bob"]
    with pytest.raises(NotFound, match="no stakeholder with id 'lee'"):
        store.erase_stakeholder("lee")


def test_the_mentions_in_other_records_are_listed_by_kind_id_and_field(
    store: GraphStore,
) -> None:
    store.write(people())
    listed = [(m.kind, m.id, m.field) for m in store.mentions_of("lee")]
    assert listed == MENTIONS  # whole words in any case; "Joann Leeds" is not her
    erasure = store.erase_stakeholder("lee")
    assert [(m.kind, m.id, m.field) for m in erasure.mentions] == MENTIONS
    assert not any(m.scrubbed for m in erasure.mentions)
    assert "Ann Lee" in store.account_graph("acme").model_dump_json()  # listed, not changed


def test_scrub_redacts_the_mentions_but_not_another_persons_name_or_email(
    store: GraphStore,
) -> None:
    store.write(people())
    erasure = store.erase_stakeholder("lee", scrub=True)
    assert [m for m in erasure.mentions if not m.scrubbed] == [
        Mention(kind="stakeholder", id="dup", field="email", identity=True, scrubbed=False),
        Mention(kind="stakeholder", id="dup", field="name", identity=True, scrubbed=False),
    ]
    graph = store.account_graph("acme")
    people_now = {s.id: s for s in graph.stakeholders}
    assert graph.account.notes == "Sponsor: [erased], since 2025."
    assert people_now["bob"].notes == "Reports to [erased]."
    assert people_now["jo"].title == "Ann Lees' aide"
    assert (people_now["dup"].name, people_now["dup"].email) == ("ann lee", EMAIL.upper())
    assert graph.team_members[0].title == "Owner of [erased]"
    assert {i.id: i.summary for i in graph.interactions}["shared"] == "Pilot with [erased] and Bob"
    assert [k.source for k in graph.knows] == ["met via [erased]"]


ALIAS = "AL@home.example"


def test_a_mention_of_an_alias_alone_is_listed_scrubbed_and_gone_from_history(
    store: GraphStore,
) -> None:
    p = people()
    lee, *others = p.stakeholders
    lee = lee.model_copy(update={"aliases": ("ann@old.example", ALIAS)})
    # Neither her name's words nor her e-mail: only the alias finds this one.
    max_ = Stakeholder(id="max", account_id="acme", name="Max", notes=f"reach her at {ALIAS}")
    store.write(p.model_copy(update={"stakeholders": [lee, *others, max_]}))

    def logged() -> str:
        return " ".join(
            c.model_dump_json() for c in store.history_page("acme", page=1, per_page=99)
        )

    assert ALIAS in logged()
    erasure = store.erase_stakeholder("lee", scrub=True)
    assert ("stakeholder", "max", "notes", True) in [
        (m.kind, m.id, m.field, m.scrubbed) for m in erasure.mentions
    ]
    notes = {s.id: s.notes for s in store.account_graph("acme").stakeholders}
    assert notes["max"] == "reach her at [erased]"
    assert ALIAS not in logged() and "old.example" not in logged()


def test_only_salted_hashes_of_the_erased_are_kept_under_one_salt(store: GraphStore) -> None:
    store.write(people())
    assert "lee" not in store.erased()
    store.erase_stakeholder("lee")
    first = store.erased()
    store.erase_stakeholder("bob")
    erased = store.erased()
    assert erased.salt == first.salt is not None
    assert "lee" in erased and "bob" in erased and "jo" not in erased
    assert erased.ids == {salted_hash(erased.salt, i) for i in ("lee", "bob")}
    assert hashlib.sha256(b"lee").hexdigest() not in erased.ids  # salted
    names = {salted_hash(erased.salt, normal(n)) for n in ("Ann Lee", EMAIL)}
    assert erased.names == names  # not "Bob": one word is too common to redact in imports
    assert erased.lengths == (2, 1)
    assert '"lee"' not in store.read_portfolio().model_dump_json()


GUARD = Erased.of("ab" * 32, ["lee"], ["Ann Lee", EMAIL])


def test_without_erased_drops_the_person_every_record_naming_them_and_their_name() -> None:
    skipped = Skipped()
    kept = without_erased(people(), GUARD, skipped)
    assert (skipped.people, skipped.redacted) == ({"lee"}, 5)
    assert [s.id for s in kept.stakeholders] == ["bob", "jo", "dup"]
    assert [(k.member_id, k.stakeholder_id, k.source) for k in kept.knows] == [
        ("kim", "bob", "met via [erased]")
    ]
    assert kept.reports_to == kept.influences == kept.owners == kept.favors == ()
    assert {i.id: (i.stakeholder_ids, i.summary) for i in kept.interactions} == {
        "shared": (("bob",), "Pilot with [erased] and Bob"),
        "other": (("bob",), "Bob alone"),
    }
    assert kept.accounts[0].notes == "Sponsor: [erased], since 2025."
    assert kept.stakeholders[0].notes == "Reports to [erased]."
    assert (kept.stakeholders[2].name, kept.stakeholders[2].email) == ("ann lee", EMAIL.upper())
    assert kept.team_members[0].title == "Owner of [erased]"


@pytest.mark.parametrize(
    "guard",
    [Erased(None, frozenset()), Erased.of("ab" * 32, ["nobody"], ["Nobody Here"])],
)
def test_without_erased_leaves_a_portfolio_without_them_alone(guard: Erased) -> None:
    skipped = Skipped()
    assert without_erased(people(), guard, skipped) == people()
    assert (skipped.people, skipped.redacted) == (set(), 0)


def test_purging_says_what_the_engine_did_with_its_files(store: GraphStore) -> None:
    said = store.purge_deleted()
    if store.engine.dialect.name == "neo4j":
        assert "transaction logs" in said  # what stays there, and where the README says more
    else:
        assert said.endswith("none holds deleted records")
