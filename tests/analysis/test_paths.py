"""Paths to power: the strongest chain of introductions to an uncovered target."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph.analysis.config import AnalysisConfig
from graph.analysis.paths import paths_to_power

AS_OF = dt.date(2026, 11, 25)
COO = {"name": "Otto", "dmu_roles": "decision_maker"}
TEAM = {"maria": {"name": "Maria"}, "kim": {"name": "Kim"}}

CASES: dict[str, tuple[dict[str, Any], list[str]]] = {
    "through the one contact who reports to the target": (
        {
            "people": {"coo": COO, "dir": {}},
            "knows": {("maria", "dir"): 4},
            "reports": [("dir", "coo")],
        },
        ["maria", "dir", "coo"],
    ),
    "the stronger of two first links (1/5 + 0.5 against 1/3 + 0.5)": (
        {
            "people": {"coo": COO, "a": {}, "b": {}},
            "knows": {("maria", "a"): 5, ("kim", "b"): 3},
            "reports": [("b", "coo"), ("a", "coo")],
        },
        ["maria", "a", "coo"],
    ),
    "a strong introduction beats a weak direct line (0.25 + 0.5 against 1/1)": (
        {
            "people": {"coo": COO, "dir": {}},
            "knows": {("maria", "dir"): 4, ("kim", "coo"): 1},
            "reports": [("dir", "coo")],
        },
        ["maria", "dir", "coo"],
    ),
    "a fair direct line beats an introduction (1/2 against 0.75)": (
        {
            "people": {"coo": COO, "dir": {}},
            "knows": {("maria", "dir"): 4, ("kim", "coo"): 2},
            "reports": [("dir", "coo")],
        },
        ["kim", "coo"],
    ),
    "down a reporting line and along an influence line": (
        {
            "people": {"coo": COO, "boss": {}, "adviser": {}},
            "knows": {("kim", "boss"): 5},
            "reports": [("adviser", "boss")],
            "influences": [("adviser", "coo", 4)],
        },
        ["kim", "boss", "adviser", "coo"],
    ),
    "nobody connected": (
        {"people": {"coo": COO, "dir": {}}, "knows": {("maria", "dir"): 4}},
        [],
    ),
    "rivals do not introduce each other": (
        {
            "people": {"coo": COO, "rival": {}},
            "knows": {("maria", "rival"): 5},
            "conflicts": [("rival", "coo")],
        },
        [],
    ),
    "people who left cannot introduce": (
        {
            "people": {"coo": COO, "ex": {"left_company": True}},
            "knows": {("maria", "ex"): 5},
            "reports": [("ex", "coo")],
        },
        [],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_path_to_power(account, case: str) -> None:
    spec, path = CASES[case]
    [found] = paths_to_power(account(members=TEAM, **spec), as_of=AS_OF)
    assert (found.target_id, found.path) == ("coo", path)


def test_covered_targets_need_no_path(account) -> None:
    G = account({"coo": COO}, TEAM, knows={("kim", "coo"): 3})
    assert paths_to_power(G, as_of=AS_OF) == []


def test_the_cost_of_a_customer_hop_is_a_knob(account) -> None:
    G = account(
        {"coo": COO, "dir": {}},
        TEAM,
        knows={("maria", "dir"): 4, ("kim", "coo"): 1},
        reports=[("dir", "coo")],
    )
    costly = AnalysisConfig(introduction_cost=1.0)  # 0.25 + 1 > 1
    assert paths_to_power(G, as_of=AS_OF, config=costly)[0].path == ["kim", "coo"]


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        (
            "through the one contact who reports to the target",
            "Maria knows dir well (4/5); dir reports to Otto",
        ),
        (
            "down a reporting line and along an influence line",
            "Kim knows boss well (5/5); boss manages adviser; adviser influences Otto",
        ),
        ("a fair direct line beats an introduction", "Kim knows Otto a little (2/5)"),
        (
            "nobody connected",
            "nobody on our team is connected to Otto (decision maker), directly or through the "
            "people they work with",
        ),
    ],
)
def test_reasons_spell_out_the_chain(account, case: str, reason: str) -> None:
    spec = next(spec for name, (spec, _) in CASES.items() if name.startswith(case))
    assert paths_to_power(account(members=TEAM, **spec), as_of=AS_OF)[0].reason == reason
