"""The change log as the store keeps it: one set per account and write block, erasure
inside a set, and a log written one node per change (an older kamgraph) converted on
open — each read back exactly as before (on each engine)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from graph.history import Change, Stamp
from graph.model import Account, Interaction, Portfolio, Stakeholder, TeamMember
from graph.store import GraphStore

DAY1, DAY2, DAY3 = dt.date(2026, 1, 10), dt.date(2026, 2, 10), dt.date(2026, 3, 10)


def labels(store: GraphStore) -> Counter[str]:
    """How many nodes of each label the store's dump holds."""
    return Counter(
        label
        for line in store.dump()
        if "labels" in (row := json.loads(line))
        for label in row["labels"]
    )


def crowd(people: int, *, title: str = "Engineer") -> Portfolio:
    """Acme with ``people`` people (and Beta with one), Xavier Quill among Acme's; Yan's
    notes and a shared meeting name him."""
    staff = [
        Stakeholder(id=f"p{n:02}", account_id="acme", name=f"Person {n}", title=title)
        for n in range(people)
    ]
    return Portfolio(
        accounts=[Account(id="acme", name="Acme"), Account(id="beta", name="Beta")],
        team_members=[TeamMember(id="kim", name="Kim")],
        stakeholders=[
            *staff,
            Stakeholder(id="x", account_id="acme", name="Xavier Quill", email="xq@acme.example"),
            Stakeholder(id="y", account_id="acme", name="Yan", notes="Met Xavier Quill"),
            Stakeholder(id="b1", account_id="beta", name="Bo"),
        ],
        interactions=[
            Interaction(
                id="i1",
                account_id="acme",
                date=dt.date(2025, 12, 1),
                channel="meeting",
                member_ids=["kim"],
                stakeholder_ids=["x", "y"],
            )
        ],
    )


def write_on(store: GraphStore, day: dt.date, p: Portfolio, actor: str = "import") -> None:
    with store.atomic(stamp=Stamp(actor, day)) as target:
        target.write(p)


def whole_log(store: GraphStore, account_id: str) -> list[Change]:
    return store.history_page(account_id, page=1, per_page=10_000)


def test_a_write_block_keeps_one_set_per_account_it_changed(store: GraphStore) -> None:
    write_on(store, DAY1, crowd(30))
    assert labels(store)["ChangeSet"] == 2
    assert "Change" not in labels(store)
    write_on(store, DAY2, crowd(30, title="Staff engineer"))  # Beta unchanged
    assert labels(store)["ChangeSet"] == 3
    first, count = store.history_span("acme")
    assert (first, count) == (DAY1, 1 + 32 + 1 + 1 + 30)  # account, people, member, meeting
    assert store.history_span("beta") == (DAY1, 1 + 1)
    assert [c.kind for c in store.changes_between("acme", DAY1, DAY2)] == 30 * [
        "stakeholder_changed"
    ]


def test_pages_of_the_log_cut_across_sets_newest_first(store: GraphStore) -> None:
    write_on(store, DAY1, crowd(5))
    write_on(store, DAY2, crowd(5, title="Lead"))
    write_on(store, DAY3, crowd(5, title="Head"))
    log = whole_log(store, "acme")
    assert len(log) == store.history_span("acme")[1] == 1 + 7 + 1 + 1 + 5 + 5
    assert [c.at for c in log] == 5 * [DAY3] + 5 * [DAY2] + 10 * [DAY1]
    for per_page in (1, 3, 4, 7, 50):
        pages = [
            store.history_page("acme", page=page, per_page=per_page)
            for page in range(1, len(log) // per_page + 3)
        ]
        assert [c for page in pages for c in page] == log, per_page
        assert pages[-1] == []


def test_erasure_inside_a_set_of_many_takes_out_only_them(store: GraphStore) -> None:
    write_on(store, DAY1, crowd(30))
    write_on(
        store,
        DAY2,
        Portfolio(
            stakeholders=[crowd(0).stakeholders[0].model_copy(update={"title": "Xavier's own set"})]
        ),
    )  # a set holding only a change to them
    before = whole_log(store, "acme")
    assert labels(store)["ChangeSet"] == 3

    store.erase_stakeholder("x", scrub=True)

    sets = labels(store)["ChangeSet"]
    assert sets == 3  # theirs went, the erasure's came; the crowd's set was rewritten
    after = whole_log(store, "acme")
    assert after[0].kind == "stakeholder_erased"
    kept = [c for c in before if "x" not in (c.subject_id, c.counterpart_id)]
    assert [(c.kind, c.subject_id, c.field) for c in after[1:]] == [
        (c.kind, c.subject_id, c.field) for c in kept
    ]
    assert len(kept) == len(before) - 2  # their record and the change to it
    dumped = "\n".join(store.dump())
    assert "Quill" not in dumped and "xq@acme.example" not in dumped and '"x"' not in dumped
    assert store.account_graph("acme", as_of=DAY1) == store.account_graph("acme")
    (meeting,) = store.account_graph("acme", as_of=DAY1).interactions
    assert meeting.stakeholder_ids == ("y",)


def test_erasure_finds_an_id_whose_lower_case_differs_between_engine_and_python(
    store: GraphStore,
) -> None:
    """The engine lower-cases "İ" to "i", Python to "i̇": the id is matched exactly, so the
    person's own entries are found even when neither their name nor an address is."""
    acme = Account(id="acme", name="Acme")
    write_on(store, DAY1, Portfolio(accounts=[acme]))
    person = Stakeholder(id="İPEK-1", account_id="acme", name="İpek İnce")
    write_on(store, DAY2, Portfolio(stakeholders=[person]))

    store.erase_stakeholder("İPEK-1")

    dumped = "\n".join(store.dump())
    assert "İPEK-1" not in dumped and "İpek" not in dumped and "İnce" not in dumped
    assert [c.kind for c in whole_log(store, "acme")] == ["stakeholder_erased", "account_added"]


def test_erasing_someone_whose_name_has_no_words_leaves_other_history_alone(
    store: GraphStore,
) -> None:
    """A name of no words ("-") names nobody: other accounts' logged meetings keep their
    history (before, every interaction in the store was taken as naming them)."""
    write_on(
        store,
        DAY1,
        Portfolio(
            accounts=[Account(id="acme", name="Acme"), Account(id="beta", name="Beta")],
            stakeholders=[
                Stakeholder(id="x", account_id="acme", name="-"),
                Stakeholder(id="b1", account_id="beta", name="Bea Bond"),
            ],
            team_members=[TeamMember(id="kam", name="Kim")],
            interactions=[meeting("first")],
        ),
    )
    write_on(store, DAY2, Portfolio(interactions=[meeting("second")]))
    before = whole_log(store, "beta")

    store.erase_stakeholder("x")

    assert whole_log(store, "beta") == before
    (logged,) = store.account_graph("beta", as_of=DAY1).interactions
    assert logged.summary == "first"


def meeting(summary: str) -> Interaction:
    """Beta's one meeting, with Bea, summed up as ``summary``."""
    return Interaction(
        id="i1",
        account_id="beta",
        date=dt.date(2024, 1, 1),
        channel="meeting",
        member_ids=["kam"],
        stakeholder_ids=["b1"],
        summary=summary,
    )


# --- a log written one node per change, as kamgraph did before sets ------------------------

# What a kamgraph before sets wrote: one Change node per change, values as JSON text.
OLD_LOG = """
UNWIND $rows AS row
CREATE (c:Change)
SET c += row
"""


def as_old_log(store: GraphStore) -> int:
    """Rewrite the store's log as an older kamgraph kept it; how many Change nodes."""
    rows = []
    for r in store.engine.run("MATCH (c:ChangeSet) RETURN c {.*} AS s", write=False):
        s = r["s"]
        for n, entry in enumerate(json.loads(s["changes"])):
            if entry is None:  # erased: a gap in the numbers
                continue
            kind, collection, subject, counterpart, field, before, after = entry
            row = {
                "seq": s["first_seq"] + n,
                "account_id": s["account_id"],
                "at": s["at"],
                "recorded_at": s["recorded_at"],
                "actor": s.get("actor"),
                "kind": kind,
                "collection": collection,
                "subject_id": subject,
                "counterpart_id": counterpart,
                "field": field,
                "before": None if before is None else json.dumps(before, ensure_ascii=False),
                "after": None if after is None else json.dumps(after, ensure_ascii=False),
            }
            rows.append({k: v for k, v in row.items() if v is not None})
    store.engine.run("MATCH (c:ChangeSet) DELETE c", write=True)
    store.engine.run(OLD_LOG, {"rows": rows}, write=True)
    return len(rows)


def test_a_log_of_one_node_per_change_is_converted_on_open_and_reads_the_same(
    store: GraphStore,
) -> None:
    write_on(store, DAY1, crowd(12))
    write_on(store, DAY2, crowd(12, title="Lead"))
    write_on(
        store,
        DAY2,
        Portfolio(stakeholders=[Stakeholder(id="b2", account_id="beta", name="Bea")]),
        actor="kim",
    )
    store.erase_stakeholder("y")  # gaps in the numbers, a meeting re-logged
    write_on(store, dt.date.today(), crowd(12, title="Head"))

    def history() -> list[object]:
        today = dt.date.today()
        read: list[object] = [
            store.history_newest(),
            store.account_graphs_as_of(["acme", "beta"], DAY1),
        ]
        for a in ("acme", "beta"):
            read += [
                store.history_span(a),
                whole_log(store, a),
                store.history_page(a, page=2, per_page=5),
                store.changes_between(a, DAY1, DAY2),
                store.account_between(a, DAY1, today),
                *(store.account_graph(a, as_of=d) for d in (DAY1, DAY2, DAY3)),
            ]
        return read

    read = history()
    sets = labels(store)["ChangeSet"]
    changes = as_old_log(store)
    assert labels(store)["Change"] == changes > sets

    opened = GraphStore(store.engine)  # what opening the store does

    assert labels(opened)["Change"] == 0
    assert labels(opened)["ChangeSet"] == sets
    assert history() == read
    write_on(opened, dt.date.today(), crowd(12, title="CTO"))  # numbered on
    assert [c.after for c in opened.history_page("acme", page=1, per_page=12)] == 12 * ["CTO"]
    GraphStore(store.engine)  # opening again converts nothing
    assert labels(opened)["ChangeSet"] == sets + 1
