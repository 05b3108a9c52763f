"""to_networkx: the account graph every analysis and view reads."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.errors import InvalidData
from graph.model import Account, Knows, ReportsTo, Stakeholder, TeamMember
from graph.network import MEMBER, STAKEHOLDER, to_networkx
from graph.store import AccountGraph

ACME = Account(id="acme", name="Acme")
CEO = Stakeholder(id="ceo", account_id="acme", name="Cy")
DIR = Stakeholder(id="dir", account_id="acme", name="Dee")


def test_nodes_carry_their_side_and_edges_their_kind() -> None:
    G = to_networkx(
        AccountGraph(
            accounts=[ACME],
            stakeholders=[CEO, DIR],
            team_members=[TeamMember(id="kim", name="Kim")],
            knows=[Knows(member_id="kim", stakeholder_id="dir", strength=3)],
            reports_to=[ReportsTo(stakeholder_id="dir", manager_id="ceo")],
        )
    )
    assert {n: G.nodes[n]["kind"] for n in G} == {
        "ceo": STAKEHOLDER,
        "dir": STAKEHOLDER,
        "kim": MEMBER,
    }
    assert sorted(G.edges(keys=True)) == [("dir", "ceo", "reports_to"), ("kim", "dir", "knows")]


def test_a_line_to_someone_not_on_the_account_is_refused() -> None:
    graph = AccountGraph(
        accounts=[ACME],
        stakeholders=[DIR],
        reports_to=[ReportsTo(stakeholder_id="dir", manager_id="ceo")],
    )
    with pytest.raises(InvalidData) as raised:
        to_networkx(graph)
    assert raised.value.problems == [
        "reports_to line 'dir' → 'ceo' names someone who is not on the account"
    ]


def test_one_id_on_both_sides_is_refused() -> None:
    graph = AccountGraph(
        accounts=[ACME], stakeholders=[CEO], team_members=[TeamMember(id="ceo", name="Cy")]
    )
    with pytest.raises(InvalidData, match="names both a stakeholder and a team member"):
        to_networkx(graph)


def test_history_dates_are_set_on_the_stakeholders_named() -> None:
    graph = AccountGraph(accounts=[ACME], stakeholders=[CEO, DIR])
    G = to_networkx(
        graph,
        joined={"dir": dt.date(2026, 11, 2)},
        manager_changed={"ceo": dt.date(2026, 10, 1), "dir": dt.date(2026, 11, 20)},
    )
    assert {n: (a.get("joined_on"), a.get("manager_changed_on")) for n, a in G.nodes.items()} == {
        "ceo": (None, "2026-10-01"),
        "dir": ("2026-11-02", "2026-11-20"),
    }
    assert "joined_on" not in to_networkx(graph).nodes["dir"]


@pytest.mark.parametrize("who", ["kim", "nobody"])
def test_a_history_date_for_someone_not_a_stakeholder_is_refused(who: str) -> None:
    graph = AccountGraph(
        accounts=[ACME], stakeholders=[CEO], team_members=[TeamMember(id="kim", name="Kim")]
    )
    with pytest.raises(InvalidData) as raised:
        to_networkx(graph, joined={who: dt.date(2026, 11, 2)})
    assert raised.value.problems == [
        f"joined_on names {who!r}, who is not a stakeholder of the account"
    ]
