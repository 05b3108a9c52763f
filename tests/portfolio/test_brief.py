"""An account's brief from its real analysis: the numbers agree with analyze()."""

from __future__ import annotations

import datetime as dt

from graph.analysis import analyze
from graph.model import (
    Account,
    Knows,
    Ownership,
    Stakeholder,
    TeamAssignment,
    TeamMember,
)
from graph.network import to_networkx
from graph.portfolio import brief
from graph.store import AccountGraph

AS_OF = dt.date(2026, 11, 25)

#: The quarterback Kim knows and owns the CEO; Sam knows and owns the CFO; the analyst
#: (no role, no influence) is owned by Kim; Kai is on the team and knows nobody.
ACME = AccountGraph(
    accounts=[
        Account(
            id="acme", name="Acme", tier="silver", annual_revenue=5e5, profit=5e4, strategic_fit=4
        )
    ],
    stakeholders=[
        Stakeholder(
            id="ceo",
            account_id="acme",
            name="Cy",
            dmu_roles="decision_maker",
            email="Cy@Acme.example",
        ),
        Stakeholder(id="cfo", account_id="acme", name="Flo", dmu_roles="economic_buyer"),
        Stakeholder(id="analyst", account_id="acme", name="Al", email="al@acme.example"),
        Stakeholder(
            id="gone", account_id="acme", name="Go", left_company=True, email="GO@old.example"
        ),
    ],
    team_members=[TeamMember(id=i, name=i.title()) for i in ("kim", "sam", "kai")],
    team=[
        TeamAssignment(member_id="kim", account_id="acme", role="quarterback"),
        TeamAssignment(member_id="sam", account_id="acme", role="solution_engineer"),
        TeamAssignment(member_id="kai", account_id="acme", role="service"),
    ],
    knows=[
        Knows(member_id="kim", stakeholder_id="ceo", strength=4),
        Knows(member_id="sam", stakeholder_id="cfo", strength=5),
    ],
    owners=[
        Ownership(member_id="kim", stakeholder_id="ceo"),
        Ownership(member_id="sam", stakeholder_id="cfo"),
        Ownership(member_id="kim", stakeholder_id="analyst"),
    ],
)


def test_the_brief_of_a_hand_built_account() -> None:
    G = to_networkx(ACME)
    b = brief(G, as_of=AS_OF)
    assert (b.account_id, b.tier_recorded, b.revenue, b.profit, b.strategic_fit) == (
        "acme",
        "silver",
        5e5,
        5e4,
        4,
    )
    assert b.quarterbacks == ["kim"]
    assert b.members == ["kai", "kim", "sam"]
    assert b.owned == {"kim": 2, "sam": 1}
    assert b.strong_holders == ["kim", "sam"]
    # ceo and cfo matter (power roles); only the cfo is owned by someone but Kim: a half diamond
    assert (b.important, b.important_owned_by_others) == (2, 1)
    # each power target hangs on one of ours: both are key people; nobody carries it all
    assert b.single_threaded is False
    assert sorted((p.id, p.side) for p in b.key_people) == [("kim", "ours"), ("sam", "ours")]
    assert b.emails == [
        ("al@acme.example", "analyst"),
        ("cy@acme.example", "ceo"),
        ("go@old.example", "gone"),  # who left still opens doors elsewhere
    ]
    full = analyze(G, as_of=AS_OF)
    parts = {c.name: c.score for c in full.health_components}
    assert (b.health_score, b.power_coverage, b.threads_to_power) == (
        full.health_score,
        parts["power coverage"],
        parts["threads to power"],
    )
    assert (b.power_coverage, b.threads_to_power) == (100, 50)  # both strong; 1 thread each
