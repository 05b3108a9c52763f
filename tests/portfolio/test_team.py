"""KAM load, members' spread and the bow-tie → diamond measure."""

from __future__ import annotations

import pytest

from graph.portfolio.criteria import parse
from graph.portfolio.result import AccountBrief
from graph.portfolio.team import diamond, kam_load, members

BRIEFS = [
    AccountBrief(
        account_id="a",
        name="A",
        quarterbacks=["kim"],
        members=["kim", "sam"],
        owned={"kim": 2, "sam": 3},
    ),
    AccountBrief(
        account_id="b", name="B", quarterbacks=["kim"], members=["kim", "sam"], owned={"sam": 1}
    ),
    AccountBrief(account_id="c", name="C", quarterbacks=["lee"], members=["lee", "sam"]),
]


def test_key_accounts_per_quarterback_over_the_limit_of_one() -> None:
    loads = kam_load(BRIEFS, key={"a", "b", "c"})
    assert [(k.member_id, k.key_accounts, k.over_limit) for k in loads] == [
        ("kim", ["a", "b"], True),
        ("lee", ["c"], False),
    ]
    only_a = kam_load(BRIEFS, key={"a"})
    assert [(k.member_id, k.accounts, k.key_accounts, k.over_limit) for k in only_a] == [
        ("kim", ["a", "b"], ["a"], False),
        ("lee", ["c"], [], False),
    ]


def test_the_limit_comes_from_the_criteria() -> None:
    loads = kam_load(
        BRIEFS, key={"a", "b"}, criteria=parse("[load]\nkey_accounts_per_quarterback = 2")
    )
    assert loads[0].over_limit is False


def test_members_stakeholders_owned_and_spread() -> None:
    spread = parse("[load]\naccounts_per_member = 2\n")
    assert [
        (m.member_id, m.accounts, m.stakeholders_owned, m.spread) for m in members(BRIEFS, spread)
    ] == [
        ("sam", ["a", "b", "c"], 4, True),
        ("kim", ["a", "b"], 2, False),
        ("lee", ["c"], 0, False),
    ]


@pytest.mark.parametrize(
    ("important", "by_others", "expected"),
    [(0, 0, None), (4, 0, 0.0), (3, 1, 0.333), (5, 5, 1.0)],
)
def test_diamond_share(important: int, by_others: int, expected: float | None) -> None:
    b = AccountBrief(
        account_id="a", name="A", important=important, important_owned_by_others=by_others
    )
    assert diamond(b) == expected
