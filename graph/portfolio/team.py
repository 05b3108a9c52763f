"""KAM load and team shape: how the portfolio rests on our people.

- *KAM load*: each quarterback's key accounts; more than the criteria's
  ``key_accounts_per_quarterback`` (default 1, the practice's ideal) is over the limit.
- *Members*: each of ours with the accounts they are on (team or ownership) and the
  stakeholders they own; on more than ``accounts_per_member`` accounts they are spread thin.
- *Bow-tie → diamond* (per account): in a bow-tie everything passes through the
  quarterback; in a diamond our people meet theirs across the board. Measured as the
  share of important stakeholders owned by someone other than the quarterback, next to
  how many of ours hold a strong relationship.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from graph.portfolio.criteria import DEFAULT_CRITERIA, Criteria
from graph.portfolio.result import AccountBrief, KamLoad, MemberLoad


def kam_load(
    briefs: Sequence[AccountBrief], key: Iterable[str], criteria: Criteria = DEFAULT_CRITERIA
) -> list[KamLoad]:
    """Each quarterback's accounts and key accounts (``key``: the key account ids), most
    key accounts first.

    >>> briefs = [AccountBrief(account_id=i, name=i, quarterbacks=["kim"]) for i in "abc"]
    >>> kam_load(briefs, key={"a", "b"})
    [KamLoad(member_id='kim', accounts=['a', 'b', 'c'], key_accounts=['a', 'b'], over_limit=True)]
    """
    keys = set(key)
    accounts: dict[str, list[str]] = defaultdict(list)
    for b in briefs:
        for member in b.quarterbacks:
            accounts[member].append(b.account_id)
    limit = criteria.load.key_accounts_per_quarterback
    loads = []
    for member, ids in accounts.items():
        key_ids = sorted(i for i in ids if i in keys)
        loads.append(
            KamLoad(
                member_id=member,
                accounts=sorted(ids),
                key_accounts=key_ids,
                over_limit=len(key_ids) > limit,
            )
        )
    return sorted(loads, key=lambda k: (-len(k.key_accounts), -len(k.accounts), k.member_id))


def members(
    briefs: Sequence[AccountBrief], criteria: Criteria = DEFAULT_CRITERIA
) -> list[MemberLoad]:
    """Each of ours: accounts, stakeholders owned, spread; on most accounts first.

    >>> briefs = [AccountBrief(account_id="a", name="A", members=["kim", "sam"], owned={"sam": 3}),
    ...           AccountBrief(account_id="b", name="B", members=["sam"], owned={"sam": 1})]
    >>> [(m.member_id, m.accounts, m.stakeholders_owned) for m in members(briefs)]
    [('sam', ['a', 'b'], 4), ('kim', ['a'], 0)]
    """
    accounts: dict[str, list[str]] = defaultdict(list)
    owned: dict[str, int] = defaultdict(int)
    for b in briefs:
        for member in b.members:
            accounts[member].append(b.account_id)
        for member, count in b.owned.items():
            owned[member] += count
    limit = criteria.load.accounts_per_member
    out = [
        MemberLoad(
            member_id=member,
            accounts=sorted(ids),
            stakeholders_owned=owned[member],
            spread=len(ids) > limit,
        )
        for member, ids in accounts.items()
    ]
    return sorted(out, key=lambda m: (-len(m.accounts), -m.stakeholders_owned, m.member_id))


def diamond(brief: AccountBrief) -> float | None:
    """The share of important stakeholders owned by someone other than the quarterback
    (0 a bow-tie, 1 a diamond; None with no important stakeholder).

    >>> diamond(AccountBrief(account_id="a", name="A", important=4, important_owned_by_others=1))
    0.25
    """
    if not brief.important:
        return None
    return round(brief.important_owned_by_others / brief.important, 3)
