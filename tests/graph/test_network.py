"""to_networkx: the account graph every analysis and view reads."""

from __future__ import annotations

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
