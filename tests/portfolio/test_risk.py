"""Revenue at risk per person (both sides) and door openers."""

from __future__ import annotations

from graph.analysis.result import Person
from graph.portfolio.result import AccountBrief
from graph.portfolio.risk import door_openers, revenue_at_risk

KIM, SAM, CFO = (
    Person(id="kim", side="ours"),
    Person(id="sam", side="ours"),
    Person(id="a-cfo", side="customer"),
)


def test_revenue_and_profit_ride_on_the_key_people_of_each_account() -> None:
    briefs = [
        AccountBrief(account_id="a", name="A", revenue=100, profit=20, key_people=[KIM, CFO]),
        AccountBrief(account_id="b", name="B", revenue=40, profit=-5, key_people=[KIM, SAM]),
        AccountBrief(account_id="c", name="C", revenue=None, profit=None, key_people=[SAM]),
        AccountBrief(account_id="d", name="D", revenue=999, profit=99),  # nobody carries it alone
    ]
    assert [
        (r.person_id, r.side, r.accounts, r.revenue, r.profit) for r in revenue_at_risk(briefs)
    ] == [
        ("kim", "ours", ["a", "b"], 140, 15),
        ("a-cfo", "customer", ["a"], 100, 20),
        ("sam", "ours", ["b", "c"], 40, -5),  # c's unknown amounts add nothing
    ]


def test_door_openers_share_an_address_across_accounts() -> None:
    briefs = [
        AccountBrief(
            account_id="a", name="A", emails=[("jo@x.example", "a-jo"), ("al@a.example", "a-al")]
        ),
        AccountBrief(account_id="b", name="B", emails=[("jo@x.example", "b-jo")]),
        AccountBrief(
            account_id="c", name="C", emails=[("al@a.example", "c-al"), ("jo@x.example", "c-jo")]
        ),
        AccountBrief(
            account_id="d",
            name="D",
            emails=[("pat@d.example", "d-pat"), ("pat@d.example", "d-pat2")],
        ),
    ]
    assert [(d.email, d.stakeholder_ids, d.account_ids) for d in door_openers(briefs)] == [
        ("al@a.example", ["a-al", "c-al"], ["a", "c"]),
        ("jo@x.example", ["a-jo", "b-jo", "c-jo"], ["a", "b", "c"]),
    ]  # two people at one account with one address open no other door
