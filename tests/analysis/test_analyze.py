"""analyze(): every analysis at once, reproducible; and on the sample portfolio."""

from __future__ import annotations

import datetime as dt
import json

from graph.analysis import AnalysisConfig, analyze
from graph.network import to_networkx
from graph.store import GraphStore

AS_OF = dt.date(2026, 11, 25)
SAMPLE_AS_OF = dt.date(2026, 11, 25)
CEO = {"name": "Cy", "title": "CEO", "seniority": "c_level", "dmu_roles": "decision_maker"}
TEAM = {"kim": {"name": "Kim", "role": "quarterback"}, "se": {"name": "Sam"}}


def test_an_account_with_no_stakeholders(account) -> None:
    result = analyze(account(members=TEAM), as_of=AS_OF)
    assert (result.single_threaded, result.thread_carrier) == (False, None)
    assert result.threads_to_power == result.strengths == result.influence == []
    assert result.coverage_gaps[0].kind == "no_strong_relationship"
    assert result.health_score == 15  # only the quarterback check passes
    assert (
        result.next_moves[0].action
        == "Quarterback Kim to build a first strong relationship at Acme"
    )


def test_an_account_mapped_before_anyone_on_our_side_is_assigned(account) -> None:
    result = analyze(
        account({"ceo": CEO, "dir": {"name": "Dee"}}, reports=[("dir", "ceo")]), as_of=AS_OF
    )
    assert [(t.stakeholder_id, t.threads) for t in result.threads_to_power] == [("ceo", 0)]
    assert [(p.target_id, p.path) for p in result.paths_to_power] == [("ceo", [])]
    assert "no_quarterback" in {issue.kind for issue in result.ownership_issues}
    assert (result.single_threaded, result.key_person_risks) == (False, [])


def test_same_graph_same_date_same_analysis(account) -> None:
    spec = {
        "people": {"ceo": CEO, "dir": {"name": "Dee"}, "aide": {}},
        "members": TEAM,
        "reports": [("dir", "ceo")],
        "influences": [("aide", "ceo", 4)],
        "interactions": [
            ("2026-02-03", "meeting", ("kim",), ("dir",)),
            ("2026-09-14", "call", ("kim", "se"), ("dir", "aide")),
            ("2026-11-24", "email", ("se",), ("ceo",)),
        ],
    }
    first = analyze(account(**spec), as_of=AS_OF).model_dump_json()
    assert analyze(account(**spec), as_of=AS_OF).model_dump_json() == first
    later = {
        **spec,
        "interactions": [*spec["interactions"], ("2026-12-01", "meeting", ("kim",), ("ceo",))],
    }
    assert analyze(account(**later), as_of=AS_OF).model_dump_json() == first


def test_the_config_reaches_every_analysis(account) -> None:
    G = account({"ceo": CEO}, TEAM, knows={("kim", "ceo"): 2})
    default = analyze(G, as_of=AS_OF)
    lenient = analyze(G, as_of=AS_OF, config=AnalysisConfig(strong_threshold=2))
    assert (default.single_threaded, default.threads_to_power[0].threads) == (False, 0)
    assert (lenient.single_threaded, lenient.threads_to_power[0].threads) == (True, 1)
    assert lenient.health_score > default.health_score


def test_the_json_has_the_documented_shape(account) -> None:
    G = account({"ceo": CEO}, TEAM, knows={("kim", "ceo"): 4})
    data = json.loads(analyze(G, as_of=AS_OF).model_dump_json())
    assert data["account_id"] == "acme" and data["as_of"] == "2026-11-25"
    assert data["thread_carrier"] == {"id": "kim", "side": "ours"}
    assert data["threads_to_power"] == [{"stakeholder_id": "ceo", "threads": 1, "direct": 1}]
    assert {"stakeholder_id", "kind", "severity", "reason"} <= set(data["coverage_gaps"][0])
    assert {"id", "side", "reason"} <= set(data["key_person_risks"][0])
    assert {"action", "reason"} <= set(data["next_moves"][0])
    for key in ("health_score", "single_threaded", "hidden_influencers", "ownership_issues"):
        assert key in data


def test_sample_helix_is_single_threaded_through_jonas(sample_store: GraphStore) -> None:
    G = to_networkx(sample_store.account_graph("helix"))
    result = analyze(G, as_of=SAMPLE_AS_OF)
    assert result.single_threaded
    assert result.thread_carrier is not None
    assert (result.thread_carrier.id, result.thread_carrier.side) == ("tm-jonas", "ours")
    assert result.key_person_risks[0].id == "tm-jonas"


def test_sample_orbital_coo_is_a_gap_with_a_path_through_maria(sample_store: GraphStore) -> None:
    G = to_networkx(sample_store.account_graph("orbital"))
    result = analyze(G, as_of=SAMPLE_AS_OF)
    gaps = {g.stakeholder_id: g.kind for g in result.coverage_gaps if g.stakeholder_id}
    assert gaps["orb-coo"] == "uncovered_power"
    paths = {p.target_id: p.path for p in result.paths_to_power}
    assert paths["orb-coo"] == ["tm-maria", "orb-dir-ops", "orb-coo"]
    coo, contact, maria = (G.nodes[n]["name"] for n in ("orb-coo", "orb-dir-ops", "tm-maria"))
    [move] = [m for m in result.next_moves if f"to meet {coo}" in m.action]
    assert f"ask {contact}" in move.action and f"whom {maria} knows" in move.action


def test_every_sample_account_analyses(sample_store: GraphStore) -> None:
    for graph in sample_store.account_graphs():
        result = analyze(to_networkx(graph), as_of=SAMPLE_AS_OF)
        assert 0 <= result.health_score <= 100
        assert result.next_moves
