"""Quarterback checks: one quarterback, owners who know and match what they own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph.analysis.config import AnalysisConfig
from graph.analysis.ownership import ownership_issues

AS_OF = dt.date(2026, 11, 25)
CEO = {"name": "Cy", "title": "CEO", "seniority": "c_level", "dmu_roles": "decision_maker"}
QB = {"name": "Kim", "seniority": "director", "role": "quarterback"}
SPONSOR = {"name": "Anna", "seniority": "c_level", "role": "exec_sponsor"}


def issues(G, **config: Any) -> list[tuple[str, str | None]]:
    found = ownership_issues(G, as_of=AS_OF, config=AnalysisConfig(**config))
    return [(i.kind, i.subject_id) for i in found]


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({"kam": {**QB, "role": "sales"}}, [("no_quarterback", None)]),
        ({"kam": QB, "bo": {**QB, "name": "Bo"}}, [("several_quarterbacks", None)]),
        ({"kam": QB}, []),
    ],
)
def test_exactly_one_quarterback(account, members: dict, expected: list) -> None:
    assert issues(account(members=members)) == expected


def test_several_quarterbacks_are_named(account) -> None:
    G = account(members={"kam": QB, "bo": {**QB, "name": "Bo"}})
    [issue] = ownership_issues(G, as_of=AS_OF)
    assert issue.reason == "Acme has 2 quarterbacks (Bo, Kim): one must be accountable"


@pytest.mark.parametrize(
    ("person", "owner", "strength", "expected"),
    [
        ({"dmu_roles": "economic_buyer"}, None, None, [("unowned", "p")]),
        ({"influence": 4}, None, None, [("unowned", "p")]),
        ({}, None, None, []),  # not important: nobody has to own them
        ({"left_company": True, "dmu_roles": "economic_buyer"}, None, None, []),
        ({"dmu_roles": "economic_buyer"}, "kam", None, [("owner_without_relationship", "p")]),
        ({"dmu_roles": "economic_buyer"}, "kam", 0, [("owner_without_relationship", "p")]),
        ({"dmu_roles": "economic_buyer"}, "kam", 2, [("owner_weak_relationship", "p")]),
        ({"dmu_roles": "economic_buyer"}, "kam", 3, []),
        ({}, "kam", 1, [("owner_weak_relationship", "p")]),  # anyone owned is checked
    ],
)
def test_owners_and_their_relationships(
    account, person: dict, owner: str | None, strength: int | None, expected: list
) -> None:
    G = account(
        {"p": person},
        {"kam": QB},
        owners={"p": owner} if owner else {},
        knows={("kam", "p"): strength} if strength is not None else {},
    )
    assert issues(G) == expected


@pytest.mark.parametrize(
    ("owner_level", "person_level", "mismatch"),
    [
        ("manager", "c_level", True),  # 3 levels
        ("individual", "vp", True),
        ("director", "c_level", False),  # 2 levels: fine
        ("c_level", "individual", False),  # senior owning junior: fine
        (None, "c_level", False),  # the owner's level is not recorded (a CRM user): not judged
    ],
)
def test_seniority_mismatch(
    account, owner_level: str | None, person_level: str, mismatch: bool
) -> None:
    G = account(
        {"p": {"name": "Pat", "title": "Boss", "seniority": person_level}},
        {"kam": QB, "jo": {"name": "Jo", "seniority": owner_level}},
        owners={"p": "jo"},
        knows={("jo", "p"): 4},
    )
    assert issues(G) == ([("seniority_mismatch", "p")] if mismatch else [])


def test_seniority_mismatch_reason(account) -> None:
    G = account(
        {"p": {"name": "Pat", "title": "CEO", "seniority": "c_level"}},
        {"kam": QB, "jo": {"name": "Jo", "seniority": "manager"}},
        owners={"p": "jo"},
        knows={("jo", "p"): 4},
    )
    assert ownership_issues(G, as_of=AS_OF)[0].reason == (
        "Jo (manager) owns Pat (CEO), who is C-level: 3 levels apart"
    )


@pytest.mark.parametrize(
    ("members", "owners", "knows", "expected"),
    [
        ({"kam": QB}, {"ceo": "kam"}, {("kam", "ceo"): 4}, [("no_exec_sponsor", "ceo")]),
        (
            {"kam": QB, "anna": SPONSOR},
            {"ceo": "kam"},
            {("kam", "ceo"): 4},
            [("no_exec_sponsor", "ceo")],
        ),
        ({"kam": QB, "anna": SPONSOR}, {"ceo": "anna"}, {("anna", "ceo"): 3}, []),
        ({"kam": QB, "anna": SPONSOR}, {"ceo": "kam"}, {("kam", "ceo"): 4, ("anna", "ceo"): 4}, []),
    ],
)
def test_an_exec_sponsor_covers_a_c_level_power_target(
    account, members: dict, owners: dict, knows: dict, expected: list
) -> None:
    G = account({"ceo": CEO}, members, owners=owners, knows=knows)
    assert issues(G) == expected


def test_overloaded_owner(account) -> None:
    people = {f"p{i}": {} for i in range(3)}
    G = account(
        people,
        {"kam": QB},
        owners=dict.fromkeys(people, "kam"),
        knows={("kam", p): 4 for p in people},
    )
    assert issues(G) == []
    assert issues(G, owner_overload=2) == [("overloaded_owner", "kam")]
    [issue] = ownership_issues(G, as_of=AS_OF, config=AnalysisConfig(owner_overload=2))
    assert issue.reason == "Quarterback Kim owns 3 stakeholders at Acme (limit 2)"
