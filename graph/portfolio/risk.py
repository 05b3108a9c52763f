"""Revenue at risk per person, and door openers.

"Plan for losing a key account: know what rides on each person." A person — ours or the
customer's — puts an account at risk where they are one of its key-person risks: they
carry its single thread, or every thread to one of its power targets runs through them
(:mod:`graph.analysis.risks`). Their revenue and profit at risk are those accounts' own
(what is recorded; an unknown amount adds nothing), added up per currency: a person
riding on accounts in two currencies has a row for each.

Door openers: one e-mail address (compared case-insensitively) on stakeholders of several
accounts — a champion who left one customer for another, or someone on two boards — who
can open the door at the other account.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from graph.analysis.result import Side
from graph.portfolio.result import AccountBrief, DoorOpener, RevenueAtRisk


def revenue_at_risk(briefs: Sequence[AccountBrief]) -> list[RevenueAtRisk]:
    """Each key person with the accounts, revenue and profit that ride on them, most first.

    >>> from graph.analysis.result import Person
    >>> kim = Person(id="kim", side="ours")
    >>> briefs = [AccountBrief(account_id="a", name="A", revenue=10.0, profit=2.0,
    ...                        key_people=[kim]),
    ...           AccountBrief(account_id="b", name="B", revenue=5.0, key_people=[kim])]
    >>> [(r.person_id, r.accounts, r.revenue, r.profit, r.currency)
    ...  for r in revenue_at_risk(briefs)]
    [('kim', ['a', 'b'], 15.0, 2.0, 'EUR')]
    """
    accounts: dict[tuple[str, Side, str], list[AccountBrief]] = defaultdict(list)
    for b in briefs:
        for person in b.key_people:
            accounts[(person.id, person.side, b.currency)].append(b)
    risks = [
        RevenueAtRisk(
            person_id=person,
            side=side,
            accounts=sorted(b.account_id for b in at),
            revenue=sum(b.revenue or 0.0 for b in at),
            profit=sum(b.profit or 0.0 for b in at),
            currency=currency,
        )
        for (person, side, currency), at in accounts.items()
    ]
    return sorted(
        risks,
        key=lambda r: (-r.revenue, -r.profit, r.side != "ours", r.person_id, r.currency),
    )


def door_openers(briefs: Sequence[AccountBrief]) -> list[DoorOpener]:
    """The e-mail addresses found at more than one account, by address.

    >>> briefs = [AccountBrief(account_id="a", name="A", emails=[("jo@x.example", "a-jo")]),
    ...           AccountBrief(account_id="b", name="B", emails=[("jo@x.example", "b-jo")])]
    >>> door_openers(briefs)
    [DoorOpener(email='jo@x.example', stakeholder_ids=['a-jo', 'b-jo'], account_ids=['a', 'b'])]
    """
    seen: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for b in briefs:
        for email, stakeholder in b.emails:
            seen[email].append((stakeholder, b.account_id))
    return [
        DoorOpener(
            email=email,
            stakeholder_ids=sorted({s for s, _ in found}),
            account_ids=sorted({a for _, a in found}),
        )
        for email, found in sorted(seen.items())
        if len({a for _, a in found}) > 1
    ]
