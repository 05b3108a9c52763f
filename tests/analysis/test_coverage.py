"""Coverage gaps: kinds, severities, reasons and ranking."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graph.analysis import analyze
from graph.analysis.config import AnalysisConfig
from graph.analysis.coverage import coverage_gaps

AS_OF = dt.date(2026, 11, 25)
TEAM = {"kam": {"name": "Kim"}, "se": {"name": "Sam"}}
#: A C-level decision maker, champion, technical and user buyer whom Kim knows well.
CEO = {
    "name": "Cy",
    "title": "CEO",
    "seniority": "c_level",
    "stance": "champion",
    "dmu_roles": "decision_maker;technical_buyer;user_buyer",
}
CFO = {"name": "Paul Ito", "title": "CFO", "seniority": "c_level", "dmu_roles": "economic_buyer"}


def gaps(G, **config: Any) -> list[tuple[str | None, str, int]]:
    found = coverage_gaps(G, as_of=AS_OF, config=AnalysisConfig(**config))
    return [(g.stakeholder_id, g.kind, g.severity) for g in found]


def covered(**extra: dict[str, Any]) -> dict[str, Any]:
    """A fully covered DMU (CEO and CFO known well), plus ``extra`` people."""
    return {
        "people": {"ceo": CEO, "cfo": CFO, **extra},
        "knows": {("kam", "ceo"): 4, ("se", "cfo"): 4},
    }


def test_a_fully_covered_account_has_no_gaps(account) -> None:
    assert gaps(account(members=TEAM, **covered())) == []


def test_an_account_with_no_stakeholders(account) -> None:
    found = coverage_gaps(account(members=TEAM), as_of=AS_OF)
    assert [(g.stakeholder_id, g.kind, g.role, g.severity) for g in found] == [
        (None, "no_strong_relationship", None, 5),
        (None, "missing_role", "decision_maker", 5),
        (None, "missing_role", "economic_buyer", 5),
        (None, "no_executive_relationship", None, 4),
        (None, "missing_role", "champion", 3),
        (None, "missing_role", "technical_buyer", 2),
        (None, "missing_role", "user_buyer", 2),
    ]
    assert found[0].reason == (
        "nobody on our team has a strong relationship (3/5 or more) with anyone at Acme"
    )
    assert found[3].reason == "nobody at C-level is identified at Acme"


@pytest.mark.parametrize(
    ("ceo", "role", "severity"),
    [
        ({**CEO, "dmu_roles": "technical_buyer;user_buyer"}, "decision_maker", 5),
        ({**CEO, "stance": "supporter"}, "champion", 3),
        (
            {**CEO, "stance": "supporter", "dmu_roles": "decision_maker;champion;user_buyer"},
            "technical_buyer",
            2,
        ),
    ],
)
def test_a_role_nobody_holds_is_a_gap(account, ceo: dict, role: str, severity: int) -> None:
    G = account({"ceo": ceo, "cfo": CFO}, TEAM, knows={("kam", "ceo"): 4, ("se", "cfo"): 4})
    [gap] = coverage_gaps(G, as_of=AS_OF)
    assert (gap.stakeholder_id, gap.kind, gap.role, gap.severity) == (
        None,
        "missing_role",
        role,
        severity,
    )
    assert gap.reason == f"nobody is identified as the {role.replace('_', ' ')} at Acme"


def test_a_missing_economic_buyer(account) -> None:
    G = account({"ceo": CEO}, TEAM, knows={("kam", "ceo"): 5})
    assert gaps(G) == [(None, "missing_role", 5)]


NOBODY = "nobody on our team has a relationship with them"


@pytest.mark.parametrize(
    ("knows", "log", "severity", "coverage"),
    [
        ({}, [], 5, NOBODY),
        ({}, [("2026-11-25", "email", ("se",), ("cfo",))], 5, NOBODY),  # 0.77: below 1
        ({("se", "cfo"): 2}, [], 4, "our best relationship is weak (Sam, 2/5)"),
    ],
)
def test_an_uncovered_power_target(
    account, knows: dict, log: list, severity: int, coverage: str
) -> None:
    G = account(
        {"ceo": CEO, "cfo": CFO}, TEAM, knows={("kam", "ceo"): 4, **knows}, interactions=log
    )
    [gap] = coverage_gaps(G, as_of=AS_OF)
    assert (gap.stakeholder_id, gap.kind, gap.severity) == ("cfo", "uncovered_power", severity)
    assert gap.reason == f"Paul Ito (CFO, economic buyer) can decide the deal; {coverage}"


def test_an_uncovered_power_target_that_opposes_us_says_so(account) -> None:
    spec = covered()
    spec["people"]["cfo"] = {**CFO, "stance": "opponent", "influence": 5}
    spec["knows"] = {("kam", "ceo"): 4}
    found = coverage_gaps(account(members=TEAM, **spec), as_of=AS_OF)
    assert [(g.stakeholder_id, g.kind) for g in found] == [("cfo", "uncovered_power")]
    assert "can decide the deal and is an opponent;" in found[0].reason


@pytest.mark.parametrize(
    ("person", "known", "expected"),
    [
        ({"stance": "opponent", "influence": 3}, None, [("opp", "uncovered_opponent", 4)]),
        ({"dmu_roles": "blocker", "influence": 3}, None, [("opp", "uncovered_opponent", 4)]),
        ({"stance": "opponent", "influence": 3}, 4, []),  # covered
        ({"stance": "opponent", "influence": 2}, None, []),  # no influence to speak of
        ({"stance": "skeptic", "influence": 3}, None, []),  # not an opponent
        # high influence makes them important: reported once, as an influencer
        ({"stance": "opponent", "influence": 4}, None, [("opp", "uncovered_influencer", 3)]),
    ],
)
def test_an_opponent_with_influence_and_no_coverage(
    account, person: dict, known: int | None, expected: list
) -> None:
    spec = covered(opp={"name": "Olga", **person})
    if known:
        spec["knows"]["se", "opp"] = known
    assert gaps(account(members=TEAM, **spec)) == expected


def test_opponent_reason(account) -> None:
    spec = covered(opp={"name": "Olga", "title": "Buyer", "stance": "opponent", "influence": 3})
    [gap] = coverage_gaps(account(members=TEAM, **spec), as_of=AS_OF)
    assert gap.reason == (
        "Olga (Buyer) is an opponent with influence (recorded 3/5, computed rank 0.00); "
        "nobody on our team has a relationship with them, so we cannot hear or answer "
        "their objections"
    )


def test_high_recorded_or_computed_influence_makes_someone_important(account) -> None:
    spec = covered(star={"influence": 4}, boss={}, a={}, b={})
    spec["reports"] = [("a", "boss"), ("b", "boss")]
    assert gaps(account(members=TEAM, **spec)) == [
        ("star", "uncovered_influencer", 3),
        ("boss", "uncovered_influencer", 3),
    ]
    assert gaps(account(members=TEAM, **spec), high_rank=1.0, high_influence=5) == [
        ("boss", "uncovered_influencer", 3)
    ]


def test_no_strong_relationship_at_executive_level(account) -> None:
    spec = covered(vp={"seniority": "vp"})
    spec["people"]["ceo"] = {**CEO, "seniority": "vp"}
    spec["knows"] = {("kam", "ceo"): 4, ("se", "cfo"): 2}
    found = coverage_gaps(account(members=TEAM, **spec), as_of=AS_OF)
    assert [(g.stakeholder_id, g.kind, g.severity) for g in found] == [
        ("cfo", "uncovered_power", 4),
        (None, "no_executive_relationship", 4),
    ]
    assert found[1].reason == (
        "no strong relationship with anyone at C-level (Paul Ito (CFO, economic buyer))"
    )


@pytest.mark.parametrize(
    ("person", "severity"),
    [
        ({"influence": 5}, 4),  # important
        ({"influence": 3}, 3),  # influential
        ({}, 2),
    ],
)
def test_favouring_a_competitor(account, person: dict, severity: int) -> None:
    spec = covered(fan={"name": "Fay", **person})
    spec["knows"]["se", "fan"] = 4
    G = account(members=TEAM, favors={"fan": "rivalsoft"}, **spec)
    found = coverage_gaps(G, as_of=AS_OF)
    assert [(g.stakeholder_id, g.kind, g.severity) for g in found] == [
        ("fan", "favors_competitor", severity)
    ]
    assert found[0].reason == "Fay favours Rivalsoft"


def test_someone_who_left_is_no_target_but_is_flagged(account) -> None:
    spec = covered(ex={**CFO, "name": "Ex", "left_company": True})
    assert gaps(account(members=TEAM, **spec)) == [("ex", "left_company", 4)]
    found = coverage_gaps(account(members=TEAM, **spec), as_of=AS_OF)
    assert found[0].reason == (
        "Ex, CFO left the company; was the economic buyer: find who decides now; "
        "nobody they worked with is mapped at Acme: find out who took over"
    )


def test_someone_who_left_with_every_strong_thread(account) -> None:
    G = account(
        {"ceo": CEO, "cfo": CFO, "ex": {"name": "Ex", "left_company": True}},
        TEAM,
        knows={("kam", "ex"): 5, ("se", "ex"): 4, ("kam", "ceo"): 2},
        reports=[("ex", "ceo")],
    )
    found = coverage_gaps(G, as_of=AS_OF)
    assert [(g.stakeholder_id, g.kind, g.severity) for g in found] == [
        (None, "no_strong_relationship", 5),
        ("cfo", "uncovered_power", 5),
        ("ceo", "uncovered_power", 4),
        (None, "no_executive_relationship", 4),
        ("ex", "left_company", 4),
    ]
    assert found[4].reason == (
        "Ex left the company; carried every strong relationship we had with the account; "
        "Kim (5/5) and Sam (4/5) knew them well; "
        "cultivate instead: their manager Cy (CEO, decision maker), known to Kim (2/5)"
    )


#: Who is still at Acme around someone who left: their boss, two reports, one they swayed.
AROUND = {
    "boss": {"name": "Bo", "title": "COO"},
    "r1": {"name": "Rae"},
    "r2": {"name": "Ria", "influence": 4},
    "pal": {"name": "Pat", "dmu_roles": "decision_maker"},
}


@pytest.mark.parametrize(
    ("ex", "knows", "owner", "severity", "why"),
    [
        ({"stance": "champion"}, {}, None, 4, "was a champion of ours"),
        ({"dmu_roles": "champion"}, {}, None, 4, "was a champion of ours"),
        ({}, {}, "se", 3, "Sam owned the relationship"),
        ({}, {("se", "ex"): 3}, None, 3, "Sam (3/5) knew them well"),
        (
            {"stance": "champion"},
            {("se", "ex"): 4, ("kam", "ex"): 5},
            "se",
            4,
            "was a champion of ours; Kim (5/5) and Sam (4/5) knew them well; "
            "Sam owned the relationship",
        ),
    ],
)
def test_someone_we_relied_on_left(
    account, ex: dict, knows: dict, owner: str | None, severity: int, why: str
) -> None:
    spec = covered(ex={"name": "Ex", "left_company": True, **ex}, **AROUND)
    spec["knows"] |= {("kam", "r2"): 2, ("se", "pal"): 4, **knows}
    G = account(
        members=TEAM,
        reports=[("ex", "boss"), ("r1", "ex"), ("r2", "ex")],
        influences=[("ex", "pal", 3), ("ex", "boss", 2)],
        owners={"ex": owner} if owner else {},
        **spec,
    )
    [gap] = [g for g in coverage_gaps(G, as_of=AS_OF) if g.kind == "left_company"]
    assert (gap.stakeholder_id, gap.severity) == ("ex", severity)
    # Most influential first: a power role, then recorded influence, then computed rank.
    assert gap.reason == (
        f"Ex left the company; {why}; cultivate instead: "
        "someone they influenced Pat (decision maker), known to Sam (4/5); "
        "their report Ria, known to Kim (2/5); "
        "their manager Bo (COO), not yet known to us; and 1 more"
    )


@pytest.mark.parametrize(
    "ex",
    [
        {},  # nobody of ours relied on them
        {"stance": "supporter", "dmu_roles": "technical_buyer"},
    ],
)
def test_someone_who_left_unknown_to_us_is_no_gap(account, ex: dict) -> None:
    spec = covered(ex={"name": "Ex", "left_company": True, **ex})
    spec["knows"]["se", "ex"] = 2  # known, but not well
    assert gaps(account(members=TEAM, **spec)) == []


def test_relationships_with_someone_who_left_cover_nothing(account) -> None:
    """A departed champion whom we knew well: no strength, thread or breadth counts them."""
    G = account(
        {
            "ceo": {**CEO, "stance": "supporter"},
            "ex": {"name": "Ex", "stance": "champion", "left_company": True},
        },
        TEAM,
        knows={("kam", "ex"): 5, ("se", "ex"): 5},
        reports=[("ex", "ceo")],
    )
    result = analyze(G, as_of=AS_OF)
    assert (result.single_threaded, result.thread_carrier) == (False, None)
    assert [(t.stakeholder_id, t.threads) for t in result.threads_to_power] == [("ceo", 0)]
    assert [p.path for p in result.paths_to_power] == [[]]  # no introduction through Ex
    kinds = [g.kind for g in result.coverage_gaps]
    assert {"no_strong_relationship", "left_company"} <= set(kinds)
    assert ("missing_role", "champion") in {(g.kind, g.role) for g in result.coverage_gaps}
    scores = {c.name: c.score for c in result.health_components}
    assert scores["breadth"] == 0


NEW_CFO = {**CFO, "name": "Nia"}


@pytest.mark.parametrize(
    ("joined", "knows", "severity", "coverage"),
    [
        ("2026-11-13", {}, 5, NOBODY),
        ("2026-08-27", {("se", "cfo"): 2}, 4, "our best relationship is weak (Sam, 2/5)"),
        ("2026-11-25", {}, 5, NOBODY),
    ],
)
def test_a_newcomer_in_a_power_role_nobody_covers(
    account, joined: str, knows: dict, severity: int, coverage: str
) -> None:
    G = account(
        {"ceo": CEO, "cfo": NEW_CFO},
        TEAM,
        knows={("kam", "ceo"): 4, **knows},
        joined={"cfo": joined, "ceo": "2026-11-01"},  # the CEO is new too, but covered
    )
    found = coverage_gaps(G, as_of=AS_OF)
    assert [(g.stakeholder_id, g.kind, g.severity) for g in found] == [
        ("cfo", "newcomer_in_power", severity),
        ("cfo", "uncovered_power", severity),
    ]
    days = (AS_OF - dt.date.fromisoformat(joined)).days
    ago = "today" if days == 0 else f"{days} days ago"
    assert found[0].reason == (
        f"Nia (CFO, economic buyer) joined Acme {ago} ({joined}) and can decide the deal; "
        f"{coverage}: win them early, before their views set"
    )


@pytest.mark.parametrize(
    ("person", "joined", "knows", "config"),
    [
        (NEW_CFO, "2026-08-26", {}, {}),  # 91 days ago: outside the window
        (NEW_CFO, "2026-10-25", {}, {"newcomer_days": 30}),
        (NEW_CFO, "2026-11-26", {}, {}),  # after as_of
        (NEW_CFO, "2026-11-13", {("se", "cfo"): 3}, {}),  # covered
        ({"name": "Nia", "title": "Analyst"}, "2026-11-13", {}, {}),  # no power role
        (NEW_CFO, None, {}, {}),  # no history: no alert
    ],
)
def test_no_newcomer_alert(
    account, person: dict, joined: str | None, knows: dict, config: dict
) -> None:
    G = account(
        {"ceo": CEO, "cfo": person},
        TEAM,
        knows={("kam", "ceo"): 4, **knows},
        joined={"cfo": joined} if joined else {},
    )
    assert "newcomer_in_power" not in {kind for _, kind, _ in gaps(G, **config)}


def test_a_power_target_whose_manager_changed(account) -> None:
    G = account(
        {"ceo": CEO, "cfo": CFO, "coo": {"name": "Jo Lee", "title": "COO"}},
        TEAM,
        knows={("kam", "ceo"): 4, ("se", "cfo"): 4, ("se", "coo"): 4},
        reports=[("cfo", "coo")],
        manager_changed={"cfo": "2026-11-24", "ceo": "2026-11-20"},
    )
    found = coverage_gaps(G, as_of=AS_OF)
    assert [(g.stakeholder_id, g.kind, g.severity) for g in found] == [
        ("ceo", "manager_changed", 3),
        ("cfo", "manager_changed", 3),
    ]
    assert [g.reason for g in found] == [
        "Cy (CEO, decision maker) changed manager 5 days ago (2026-11-20): they now report "
        "to nobody on record; re-check their influence lines and their role in the decision",
        "Paul Ito (CFO, economic buyer) changed manager 1 day ago (2026-11-24): they now "
        "report to Jo Lee (COO); re-check their influence lines and their role in the decision",
    ]


@pytest.mark.parametrize(
    ("who", "day", "config"),
    [
        ("cfo", "2026-08-26", {}),  # outside the window
        ("cfo", "2026-11-15", {"newcomer_days": 7}),
        ("coo", "2026-11-20", {}),  # no power role
    ],
)
def test_no_reorganisation_alert(account, who: str, day: str, config: dict) -> None:
    G = account(
        {"ceo": CEO, "cfo": CFO, "coo": {"name": "Jo Lee", "title": "COO"}},
        TEAM,
        knows={("kam", "ceo"): 4, ("se", "cfo"): 4},
        reports=[("cfo", "coo"), ("coo", "ceo")],
        manager_changed={who: day},
    )
    assert gaps(G, **config) == []


def test_gaps_are_ranked_worst_first(account) -> None:
    found = gaps(
        account(
            {
                "ceo": {**CEO, "stance": "neutral"},
                "cfo": CFO,
                "opp": {"stance": "opponent", "influence": 3},
            },
            TEAM,
            knows={("kam", "ceo"): 2},
        )
    )
    severities = [s for _, _, s in found]
    assert severities == sorted(severities, reverse=True)
    assert found == [
        (None, "no_strong_relationship", 5),
        ("cfo", "uncovered_power", 5),
        ("ceo", "uncovered_power", 4),
        (None, "no_executive_relationship", 4),
        ("opp", "uncovered_opponent", 4),
        (None, "missing_role", 3),  # no champion
    ]
