"""Key-person risks: who would cut us off from power, on either side."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph.analysis.risks import key_person_risks

AS_OF = dt.date(2026, 11, 25)
DM = {"dmu_roles": "decision_maker", "name": "Cy", "title": "CEO"}
TEAM = {"kam": {"name": "Kim"}, "se": {"name": "Sam"}}

CASES: dict[str, tuple[dict[str, Any], list[tuple[str, str]]]] = {
    "a chain through one contact: both links are cut vertices, nearest first": (
        {
            "people": {"ceo": DM, "vp": {}, "dir": {}},
            "knows": {("kam", "dir"): 4, ("se", "dir"): 4},
            "reports": [("dir", "vp"), ("vp", "ceo")],
        },
        [("dir", "customer"), ("vp", "customer")],
    ),
    "one of ours holds both ways in": (
        {
            "people": {"ceo": DM, "vp": {}, "dir": {}},
            "knows": {("kam", "vp"): 4, ("kam", "dir"): 4},
            "reports": [("dir", "ceo"), ("vp", "ceo")],
        },
        [("kam", "ours")],
    ),
    "two disjoint threads: nobody": (
        {
            "people": {"ceo": DM, "cto": {}},
            "knows": {("kam", "ceo"): 4, ("se", "cto"): 4},
            "reports": [("cto", "ceo")],
        },
        [],
    ),
    "no thread at all: nobody to lose": (
        {"people": {"ceo": DM}, "knows": {("kam", "ceo"): 1}},
        [],
    ),
    "the single-thread carrier, who also cuts nobody off": (
        {
            "people": {"ceo": DM, "cto": {}, "cfo": {}},
            "knows": {("kam", "cto"): 4, ("kam", "cfo"): 4},
        },
        [("kam", "ours")],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_key_people(account, case: str) -> None:
    spec, expected = CASES[case]
    risks = key_person_risks(account(members=TEAM, **spec), as_of=AS_OF)
    assert [(r.id, r.side) for r in risks] == expected


def test_reasons_say_what_would_be_lost(account) -> None:
    G = account({"ceo": DM}, TEAM, knows={("kam", "ceo"): 4})
    [risk] = key_person_risks(G, as_of=AS_OF)
    assert risk.reason == (
        "Kim carries every strong relationship with the account; "
        "losing Kim leaves no thread to Cy (CEO, decision maker)"
    )
