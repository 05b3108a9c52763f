"""Next moves: concrete, ranked actions naming people, each with its reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph.analysis.config import AnalysisConfig
from graph.analysis.moves import next_moves

AS_OF = dt.date(2026, 11, 25)
CEO = {
    "name": "Cy",
    "title": "CEO",
    "seniority": "c_level",
    "stance": "champion",
    "dmu_roles": "decision_maker;technical_buyer;user_buyer",
}
CFO = {"name": "Paul Ito", "title": "CFO", "seniority": "c_level", "dmu_roles": "economic_buyer"}
COO = {"name": "Jo Lee", "title": "COO", "seniority": "c_level"}
TEAM = {
    "kim": {"name": "Kim Ray", "seniority": "director", "role": "quarterback"},
    "anna": {"name": "Anna Berg", "seniority": "c_level", "role": "exec_sponsor"},
    "maria": {"name": "Maria Lopez", "seniority": "manager"},
}
FRESH = "2026-11-20"


def known(strength: int, last_contact: str = FRESH) -> dict[str, Any]:
    return {"strength": strength, "last_contact": last_contact}


def moves(G, **config: Any) -> list[tuple[str, str]]:
    found = next_moves(G, as_of=AS_OF, config=AnalysisConfig(**config))
    assert [m.priority for m in found] == list(range(1, len(found) + 1))
    return [(m.action, m.reason) for m in found]


def test_an_introduction_to_the_economic_buyer(account) -> None:
    G = account(
        {"ceo": CEO, "cfo": CFO, "coo": COO},
        TEAM,
        knows={("maria", "coo"): known(4), ("kim", "ceo"): known(4), ("anna", "ceo"): known(4)},
        reports=[("coo", "cfo")],
        owners={"ceo": "anna"},
    )
    assert moves(G) == [
        (
            "Exec sponsor Anna Berg to meet Paul Ito (CFO, economic buyer): ask Jo Lee (COO), "
            "whom Maria Lopez knows well (4/5), for the introduction; "
            "Anna Berg to own the relationship",
            "Paul Ito (CFO, economic buyer) can decide the deal; "
            "nobody on our team has a relationship with them",
        ),
    ]


def test_no_way_in_and_a_missing_role(account) -> None:
    G = account({"ceo": {**CEO, "seniority": "vp", "title": "GM"}}, TEAM)
    actions = [a for a, _ in moves(G)]
    assert actions[:3] == [
        "Quarterback Kim Ray to build a first strong relationship at Acme, "
        "starting with Cy (GM, decision maker)",
        "Quarterback Kim Ray to identify the economic buyer at Acme",
        "Quarterback Kim Ray to meet Cy (GM, decision maker): nobody we know is connected to "
        "them, so find a way in; Kim Ray to own the relationship",
    ]


def test_a_single_threaded_account_gets_a_second_person(account) -> None:
    G = account(
        {"ceo": CEO, "cfo": CFO},
        TEAM,
        knows={("kim", "ceo"): known(4), ("kim", "cfo"): known(4)},
        owners={"ceo": "kim", "cfo": "kim"},
    )
    assert moves(G)[0] == (
        "Exec sponsor Anna Berg to join Kim Ray in meeting Cy (CEO, decision maker) "
        "and build a relationship of their own",
        "single-threaded: every strong relationship with Acme runs through Quarterback Kim Ray; "
        "lose them and we lose the account",
    )


def test_a_fading_key_relationship(account) -> None:
    G = account(
        {"ceo": CEO, "cfo": CFO},
        TEAM,
        knows={
            ("kim", "ceo"): known(4, "2026-05-01"),
            ("anna", "ceo"): known(4),
            ("anna", "cfo"): known(5),
            ("maria", "cfo"): known(3),
        },
        owners={"ceo": "anna", "cfo": "anna"},
    )
    assert moves(G) == [
        (
            "Quarterback Kim Ray to reconnect with Cy (CEO, decision maker)",
            "a 4/5 relationship that is fading: last contact 208 days ago",
        )
    ]


def test_a_faint_stale_relationship_is_no_reconnect_move(account) -> None:
    """Reconnecting is for strong relationships going stale; a faint old one is no asset."""
    G = account(
        {"ceo": CEO},
        TEAM,
        knows={
            ("kim", "ceo"): known(1, "2026-02-01"),
            ("anna", "ceo"): known(4),
            ("maria", "ceo"): known(4),
        },
        owners={"ceo": "anna"},
    )
    assert not [action for action, _ in moves(G) if "reconnect" in action]
    stale_and_strong = account(
        {"ceo": CEO},
        TEAM,
        knows={
            ("kim", "ceo"): known(4, "2026-02-01"),
            ("anna", "ceo"): known(4),
            ("maria", "ceo"): known(4),
        },
        owners={"ceo": "anna"},
    )
    assert [a for a, _ in moves(stale_and_strong) if "reconnect" in a] == [
        "Quarterback Kim Ray to reconnect with Cy (CEO, decision maker)"
    ]


@pytest.mark.parametrize(
    ("members", "first"),
    [
        ({"kim": {**TEAM["kim"], "role": "sales"}}, "Sales leadership to name one quarterback"),
        ({"kim": TEAM["kim"], "bo": TEAM["kim"]}, "Sales leadership to name one quarterback"),
    ],
)
def test_the_quarterback_comes_first_among_equals(account, members: dict, first: str) -> None:
    G = account(
        {"ceo": CEO, "cfo": CFO},
        {**members, "se": {}},
        knows={("kim", "ceo"): known(4), ("se", "cfo"): known(4)},
        owners={"ceo": "kim", "cfo": "se"},
    )
    assert moves(G)[0][0].startswith(first)


def test_moves_are_ranked_and_capped(account) -> None:
    people = {f"p{i}": {"name": f"P{i}", "influence": 4} for i in range(12)}
    G = account(people, TEAM)
    assert len(moves(G)) == 10
    assert len(moves(G, max_next_moves=3)) == 3
    found = next_moves(G, as_of=AS_OF)
    assert found[0].action.startswith("Quarterback Kim Ray to build a first strong relationship")


@pytest.mark.parametrize(
    ("owner", "actor"),
    [
        ("maria", "Exec sponsor Anna Berg"),  # a manager is too junior for the CFO
        ("bo", "Bo Chan"),  # level not recorded (a CRM user): the assignment is trusted
    ],
)
def test_who_meets_a_power_target_depends_on_the_owner_s_level(
    account, owner: str, actor: str
) -> None:
    G = account(
        {"ceo": CEO, "cfo": CFO},
        {**TEAM, "bo": {"name": "Bo Chan"}},
        knows={("kim", "ceo"): known(4), ("anna", "ceo"): known(4)},
        owners={"ceo": "anna", "cfo": owner},
    )
    assert moves(G)[0][0].startswith(f"{actor} to meet Paul Ito (CFO, economic buyer)")


def calm(**extra: Any) -> dict[str, Any]:
    """A well-covered account that needs no move, plus ``extra`` people."""
    return {
        "people": {"ceo": CEO, "cfo": CFO, **extra},
        "members": TEAM,
        "knows": {
            ("kim", "ceo"): known(4),
            ("anna", "ceo"): known(4),
            ("anna", "cfo"): known(5),
            ("maria", "cfo"): known(3),
        },
        "owners": {"ceo": "anna", "cfo": "anna"},
    }


def test_a_calm_account_needs_no_move(account) -> None:
    assert moves(account(**calm())) == []


def test_in_place_of_someone_who_left_we_cultivate_who_is_around_them(account) -> None:
    spec = calm(ex={"name": "Ex", "stance": "champion", "left_company": True}, coo=COO)
    spec["knows"] |= {("maria", "ex"): known(4), ("maria", "coo"): known(2)}
    G = account(reports=[("ex", "coo")], **spec)
    assert moves(G) == [
        (
            "Exec sponsor Anna Berg to cultivate Jo Lee (COO) in place of Ex; "
            "Anna Berg to own the relationship",
            "Ex left the company; was a champion of ours; Maria Lopez (4/5) knew them well; "
            "cultivate instead: their manager Jo Lee (COO), known to Maria Lopez (2/5)",
        )
    ]


def test_someone_who_left_alone_on_the_map_asks_who_took_over(account) -> None:
    spec = calm(ex={"name": "Ex", "left_company": True})
    spec["owners"]["ex"] = "maria"
    assert moves(account(**spec)) == [
        (
            "Quarterback Kim Ray to find out who took over from Ex and map them",
            "Ex left the company; Maria Lopez owned the relationship; "
            "nobody they worked with is mapped at Acme: find out who took over",
        )
    ]


def test_a_newcomer_in_power_is_met_while_new(account) -> None:
    spec = calm(nia={"name": "Nia", "title": "CPO", "dmu_roles": "decision_maker"})
    spec["knows"][("maria", "nia")] = known(1)
    G = account(joined={"nia": "2026-11-13"}, **spec)
    assert moves(G)[0] == (
        "Quarterback Kim Ray to meet Nia (CPO, decision maker) while they are new, "
        "with Maria Lopez, who knows them (1/5); Kim Ray to own the relationship",
        "Nia (CPO, decision maker) joined Acme 12 days ago (2026-11-13) and can decide the "
        "deal; our best relationship is weak (Maria Lopez, 1/5): win them early, before "
        "their views set",
    )


def test_a_power_target_whose_manager_changed_is_re_checked(account) -> None:
    G = account(manager_changed={"cfo": "2026-11-01"}, **calm())
    assert moves(G) == [
        (
            "Exec sponsor Anna Berg to meet Paul Ito (CFO, economic buyer) and re-check their "
            "decision role and whom they now listen to",
            "Paul Ito (CFO, economic buyer) changed manager 24 days ago (2026-11-01): they "
            "now report to nobody on record; re-check their influence lines and their role "
            "in the decision",
        )
    ]
