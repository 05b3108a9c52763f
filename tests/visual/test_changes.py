"""The "what changed" summary: diffs of the sample's Helix account, grouped and named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from graph.analysis.result import CoverageGap
from graph.history import AccountDiff, Change, HealthChange, diff
from graph.model import AccountGraph
from graph.network import to_networkx
from graph.sample import sample_portfolio
from visual import changes, review

from .conftest import acme_analysis, acme_graph

SINCE, UNTIL = dt.date(2026, 9, 30), dt.date(2026, 11, 25)
TIES = ("knows", "owners", "reports_to", "influences", "conflicts", "favors")


def helix() -> AccountGraph:
    """The sample's Helix account, as the store would read it."""
    p = sample_portfolio()
    people = {s.id for s in p.stakeholders if s.account_id == "helix"}
    ties = {
        kind: [r for r in getattr(p, kind) if set(_ids(r)) & people] for kind in TIES
    }  # every tie of a Helix stakeholder is within Helix in the sample
    members = {t.member_id for t in p.team if t.account_id == "helix"} | {
        k.member_id for k in ties["knows"]
    }
    return AccountGraph(
        accounts=[a for a in p.accounts if a.id == "helix"],
        stakeholders=[s for s in p.stakeholders if s.id in people],
        team_members=[m for m in p.team_members if m.id in members],
        competitors=p.competitors,
        team=[t for t in p.team if t.account_id == "helix"],
        interactions=[i for i in p.interactions if i.account_id == "helix"],
        **ties,
    )


def _ids(record: Any) -> list[str]:
    return [v for k, v in record.model_dump().items() if k.endswith("_id") and v]


def edit(graph: AccountGraph, **records: list[dict[str, Any]]) -> AccountGraph:
    """``graph`` with whole collections replaced (records as dicts, like a JSON document)."""
    doc = graph.model_dump(mode="json")
    doc.update(records)
    return AccountGraph.model_validate(doc)


def patched(graph: AccountGraph, kind: str, match: dict[str, str], **fields: Any) -> list[dict]:
    """The ``kind`` records of ``graph`` with ``fields`` set on those matching ``match``."""
    rows = graph.model_dump(mode="json")[kind]
    found = [r for r in rows if all(r[k] == v for k, v in match.items())]
    assert found, f"no {kind} record matches {match}"
    return [{**r, **fields} if r in found else r for r in rows]


def without(graph: AccountGraph, kind: str, **match: str) -> list[dict]:
    rows = graph.model_dump(mode="json")[kind]
    kept = [r for r in rows if not all(r[k] == v for k, v in match.items())]
    assert len(kept) < len(rows), f"no {kind} record matches {match}"
    return kept


def account_diff(
    before: AccountGraph | None,
    after: AccountGraph,
    *,
    health: tuple[int | None, int] = (62, 62),
    opened: Sequence[CoverageGap] = (),
    closed: Sequence[CoverageGap] = (),
    steps: list[Change] | None = None,
) -> AccountDiff:
    return AccountDiff(
        account_id="helix",
        since=SINCE,
        until=UNTIL,
        changes=diff(before, after) if steps is None else steps,
        health=HealthChange(before=health[0], after=health[1]),
        gaps_opened=list(opened),
        gaps_closed=list(closed),
    )


def summary(before: AccountGraph | None, after: AccountGraph, **kw: Any) -> dict[str, list[str]]:
    groups = changes.summarize(account_diff(before, after, **kw), before, after)
    return {g.heading: list(g.sentences) for g in groups}


def removed(graph: AccountGraph, stakeholder_id: str) -> AccountGraph:
    """``graph`` without the stakeholder and every tie naming them, as the store removes one."""
    doc = graph.model_dump(mode="json")
    doc["stakeholders"] = [s for s in doc["stakeholders"] if s["id"] != stakeholder_id]
    for kind in TIES:
        doc[kind] = [r for r in doc[kind] if stakeholder_id not in r.values()]
    return AccountGraph.model_validate(doc)


def test_joined_and_left() -> None:
    before = helix()
    after = removed(before, "hx-cio")  # Dr. Wei Zhang: he had ties of every kind
    # and Lars Petersen, who reported to him, reports to the CEO now
    lines = [
        *after.model_dump(mode="json")["reports_to"],
        {"stakeholder_id": "hx-mgr-infra", "manager_id": "hx-ceo"},
    ]
    after = edit(after, reports_to=lines)
    people = patched(after, "stakeholders", {"id": "hx-cfo"}, left_company=True)
    people.append(
        {
            "id": "hx-new",
            "account_id": "helix",
            "name": "Nadia Novak",
            "title": "CDO",
            "dmu_roles": ["decision_maker", "influencer"],
        }
    )
    people.append({"id": "hx-plain", "account_id": "helix", "name": "Pat Plain"})
    after = edit(after, stakeholders=people)

    got = summary(before, after)
    assert got["Joined"] == ["Nadia Novak (CDO): decision maker and influencer", "Pat Plain"]
    assert got["Left"] == [
        "Philippe Moreau (CFO) left the company",
        "Dr. Wei Zhang (CIO) is no longer mapped",
    ]
    # What Dr. Wei Zhang took with him (relationships, owners, lines, the lines of those
    # who reported to him) is not told again; where someone reports to another now, it is.
    assert got["Lines"] == ["Lars Petersen now reports to Dr. Rachel Adeyemi (was Dr. Wei Zhang)"]
    assert list(got) == ["Joined", "Left", "Lines"]


def test_moves_one_sentence_per_person() -> None:
    before = helix()
    people = patched(before, "stakeholders", {"id": "hx-ceo"}, stance="supporter")
    after = edit(before, stakeholders=people)
    people = patched(
        after,
        "stakeholders",
        {"id": "hx-dir-mfg-it"},
        dmu_roles=["technical_buyer", "decision_maker"],
        influence=4,
        seniority="vp",
        title="VP Manufacturing IT",
        inner_circle=True,
        email="new@example.com",
    )
    after = edit(
        after,
        stakeholders=people,
        favors=[
            *before.model_dump(mode="json")["favors"],
            {"stakeholder_id": "hx-ceo", "competitor_id": "comp-castellan"},
        ],
    )

    got = summary(before, after)
    assert got["Moves"] == [
        "Dr. Rachel Adeyemi: stance neutral → supporter, now favours Castellan Software",
        "Hiroshi Sato: now decision maker, no longer evaluator, influence 3 → 4 (up), "
        "seniority director → vp (up), title Director Manufacturing IT → VP Manufacturing IT, "
        "now in the inner circle",
    ]  # the new e-mail address is not a move
    assert list(got) == ["Moves"]


def test_relationships_up_and_down_with_both_names() -> None:
    before = helix()
    knows = patched(
        before,
        "knows",
        {"member_id": "tm-jonas", "stakeholder_id": "hx-cio"},
        strength=5,
        level="trusted_advisor",
        rated_on="2026-11-20",
    )
    after = edit(before, knows=knows)
    knows = patched(
        after,
        "knows",
        {"member_id": "tm-jonas", "stakeholder_id": "hx-cfo"},
        strength=1,
        last_contact="2026-11-24",
    )
    knows = [r for r in knows if (r["member_id"], r["stakeholder_id"]) != ("tm-jonas", "hx-ceo")]
    knows.append({"member_id": "tm-priya", "stakeholder_id": "hx-ceo", "strength": 3})
    after = edit(after, knows=knows)

    got = summary(before, after)
    assert got["Relationships"] == [
        "Jonas → Dr. Rachel Adeyemi: relationship removed (was 1)",
        "Priya → Dr. Rachel Adeyemi: new relationship (strength 3)",
        "Jonas → Philippe Moreau: 2 → 1 (down)",
        "Jonas → Dr. Wei Zhang: 4 → 5 (up), level problem solver → trusted advisor (up)",
    ]


def test_ownership_team_and_lines() -> None:
    before = helix()
    after = edit(
        before,
        owners=[
            *patched(before, "owners", {"stakeholder_id": "hx-ceo"}, member_id="tm-priya"),
            {"member_id": "tm-sophie", "stakeholder_id": "hx-gc"},
        ],
        team=[
            *without(before, "team", member_id="tm-sophie"),
            {"member_id": "tm-sophie", "account_id": "helix", "role": "specialist"},
            {"member_id": "tm-jonas", "account_id": "helix", "role": "sales"},
        ],
        reports_to=[  # Dr. Annika Vogel moves under the CIO
            *patched(before, "reports_to", {"stakeholder_id": "hx-head-qa"}, manager_id="hx-cio"),
            {"stakeholder_id": "hx-cos", "manager_id": "hx-gc"},
        ],
        influences=[
            *patched(
                before, "influences", {"source_id": "hx-cfo", "target_id": "hx-ceo"}, weight=1
            ),
            {"source_id": "hx-planner", "target_id": "hx-cio", "weight": 2},
        ],
        conflicts=[
            *before.model_dump(mode="json")["conflicts"],
            {"stakeholder_id": "hx-gc", "other_id": "hx-cfo"},
        ],
    )
    got = summary(before, after)
    assert got["Ownership"] == [
        "Dr. Rachel Adeyemi: owner Akiko → Priya",
        "Jonathan Price: owner none → Sophie",
    ]
    assert got["Team"] == [
        "Sophie: role service → specialist",
        "Jonas joined the team as sales",
    ]
    assert got["Lines"] == [
        "Daniel Kim now reports to Jonathan Price",
        "Dr. Annika Vogel now reports to Dr. Wei Zhang (was Stefan Kowalski)",
        "Philippe Moreau influences Dr. Rachel Adeyemi less (weight 3 → 1)",
        "Nguyen Thi Lan now influences Dr. Wei Zhang",
        "Jonathan Price and Philippe Moreau are now in conflict",
    ]
    assert list(got) == ["Ownership", "Team", "Lines"]


def test_account_activity_gaps_and_health() -> None:
    before = helix()
    account = patched(
        before,
        "accounts",
        {"id": "helix"},
        tier="silver",
        annual_revenue=1900000,
        currency="CHF",
        notes="renewal moved",
    )
    interactions = [
        *before.model_dump(mode="json")["interactions"],
        *(
            {
                "id": f"ix-new-{n}",
                "account_id": "helix",
                "date": "2026-11-20",
                "channel": channel,
                "member_ids": ["tm-jonas"],
                "stakeholder_ids": ["hx-cio"],
            }
            for n, channel in enumerate(["meeting", "call", "meeting"])
        ),
    ]
    after = edit(before, accounts=account, interactions=interactions)
    opened = CoverageGap(
        stakeholder_id="hx-cfo",
        kind="uncovered_power",
        severity=5,
        reason="Philippe Moreau (economic buyer) can decide the deal",
    )
    closed = CoverageGap(
        stakeholder_id=None,
        kind="missing_role",
        severity=3,
        reason="nobody is identified as the champion at Helix",
    )

    got = summary(before, after, health=(62, 71), opened=[opened], closed=[closed])
    assert got == {
        "Account": [
            "tier gold → silver",
            "revenue 1,720,000 → 1,900,000",
            "currency EUR → CHF",
        ],
        "Activity": ["3 interactions logged (2 meetings, 1 call)"],
        "Gaps opened": ["Philippe Moreau (economic buyer) can decide the deal"],
        "Gaps closed": ["nobody is identified as the champion at Helix"],
        "Health": ["62 → 71 (+9)"],
    }
    assert summary(before, before, health=(71, 64)) == {"Health": ["71 → 64 (-7)"]}


def test_every_group_in_the_review_order() -> None:
    before = helix()
    people = patched(before, "stakeholders", {"id": "hx-ceo"}, stance="supporter")
    people.append({"id": "hx-new", "account_id": "helix", "name": "Nadia Novak"})
    after = edit(
        before,
        stakeholders=[p for p in people if p["id"] != "hx-gc"],
        knows=patched(
            before, "knows", {"member_id": "tm-jonas", "stakeholder_id": "hx-cio"}, strength=5
        ),
        owners=patched(before, "owners", {"stakeholder_id": "hx-ceo"}, member_id="tm-priya"),
        team=without(before, "team", member_id="tm-sophie"),
        reports_to=[
            *without(before, "reports_to", stakeholder_id="hx-gc"),
            {"stakeholder_id": "hx-new", "manager_id": "hx-ceo"},
        ],
        accounts=patched(before, "accounts", {"id": "helix"}, industry="Biotech"),
        interactions=without(before, "interactions", id="ix-hx-2026-01"),
    )
    gap = CoverageGap(stakeholder_id=None, kind="missing_role", severity=3, reason="r")
    got = summary(before, after, health=(62, 60), opened=[gap], closed=[gap])
    assert list(got) == list(changes.HEADINGS)
    for sentence in (s for group in got.values() for s in group):
        assert "hx-" not in sentence and "tm-" not in sentence, sentence  # names, not ids


def test_a_change_undone_in_the_window_is_not_told_and_two_moves_net() -> None:
    start = helix()
    middle = edit(
        start,
        stakeholders=patched(
            start, "stakeholders", {"id": "hx-ceo"}, stance="supporter", influence=4
        ),
    )
    end = edit(
        middle,
        stakeholders=patched(
            middle, "stakeholders", {"id": "hx-ceo"}, stance="champion", influence=3
        ),
    )
    back = edit(end, stakeholders=patched(end, "stakeholders", {"id": "hx-ceo"}, stance="neutral"))
    other = edit(
        back, owners=patched(back, "owners", {"stakeholder_id": "hx-ceo"}, member_id="tm-priya")
    )
    added = edit(
        back,
        stakeholders=[
            *back.model_dump(mode="json")["stakeholders"],
            {"id": "hx-tmp", "account_id": "helix", "name": "Temp"},
        ],
    )
    steps = [
        *diff(start, middle),
        *diff(middle, end),
        *diff(end, back),
        *diff(back, added),
        *diff(added, back),
        *diff(back, other),
        *diff(other, back),
    ]

    # The stance went neutral → supporter → champion → neutral, Temp came and went, the
    # CEO's owner went from Akiko to Priya and back.
    assert summary(start, back, steps=steps) == {
        "Moves": ["Dr. Rachel Adeyemi: influence 5 → 3 (down)"]
    }


def test_the_removed_are_named_from_the_start_and_the_unnamed_by_id() -> None:
    before = helix()
    after = removed(before, "hx-cio")  # only the graph at the start names him
    assert summary(before, after)["Left"] == ["Dr. Wei Zhang (CIO) is no longer mapped"]
    ghost = Change(
        kind="owner_added",
        collection="owners",
        subject_id="hx-ghost",
        after={"member_id": "tm-ghost", "stakeholder_id": "hx-ghost"},
    )
    assert summary(before, before, steps=[ghost]) == {
        "Ownership": ["hx-ghost: owner none → tm-ghost"]
    }


def test_an_erasures_marker_tells_nothing_and_breaks_nothing() -> None:
    """The log's "stakeholder_erased" entry names nobody and holds no values (the erased
    person's own entries were rewritten away): the window reads as the rest makes it."""
    before = helix()
    after = removed(before, "hx-cio")
    marker = Change(kind="stakeholder_erased", collection="stakeholders", subject_id="[erased]")
    steps = [*diff(before, after), marker]
    assert summary(before, after, steps=steps) == summary(before, after)
    assert summary(before, before, steps=[marker]) == {}


def test_team_members_who_share_a_first_name_go_by_their_full_names() -> None:
    before = helix()
    members = [
        *before.model_dump(mode="json")["team_members"],
        {"id": "tm-jonas-2", "name": "Jonas Berg"},
    ]
    before = edit(before, team_members=members)
    after = edit(
        before,
        owners=patched(before, "owners", {"stakeholder_id": "hx-cfo"}, member_id="tm-jonas-2"),
    )
    assert summary(before, after)["Ownership"] == [
        "Philippe Moreau: owner Jonas Lindqvist → Jonas Berg"
    ]


def test_a_new_account_is_counted_not_listed() -> None:
    after = helix()
    got = summary(None, after, health=(None, 58))
    assert got == {
        "Account": ["first mapped: 18 stakeholders, 17 relationships, 4 team roles of ours"],
        "Health": ["new account: 58"],
    }


def test_an_empty_diff_gives_no_groups_and_says_nothing_changed() -> None:
    graph = helix()
    assert changes.summarize(account_diff(graph, graph), graph, graph) == []
    assert changes.text([]) == "Nothing changed."


def test_text_is_headings_and_indented_sentences() -> None:
    before = helix()
    after = edit(
        before, stakeholders=patched(before, "stakeholders", {"id": "hx-ceo"}, stance="supporter")
    )
    out = changes.text(
        changes.summarize(account_diff(before, after, health=(62, 64)), before, after)
    )
    assert out == (
        "Moves\n  Dr. Rachel Adeyemi: stance neutral → supporter\nHealth\n  62 → 64 (+2)"
    )


HOSTILE = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    ("kind", "match", "field"),
    [
        ("stakeholders", {"id": "hx-ceo"}, "name"),
        ("stakeholders", {"id": "hx-ceo"}, "title"),
        ("team_members", {"id": "tm-priya"}, "name"),
    ],
)
def test_hostile_names_are_plain_text_here_and_escaped_on_the_page(
    kind: str, match: dict[str, str], field: str
) -> None:
    before = helix()
    before = edit(before, **{kind: patched(before, kind, match, **{field: f"{HOSTILE} x"})})
    after = removed(before, "hx-ceo")  # "name (title) is no longer mapped"
    after = edit(  # "Jonathan Price: owner none → Priya"
        after,
        owners=[
            *after.model_dump(mode="json")["owners"],
            {"member_id": "tm-priya", "stakeholder_id": "hx-gc"},
        ],
    )
    groups = changes.summarize(account_diff(before, after), before, after)
    said = changes.text(groups)
    assert HOSTILE in said  # plain text: the renderer escapes

    G = to_networkx(acme_graph())
    page = review.render(G, acme_analysis(G), changes=review.ChangesSince(SINCE, groups))
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
