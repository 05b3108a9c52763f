"""A builder of small hand-built account graphs, written as compact specs."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable
from typing import Any

import networkx as nx
import pytest

from graph.model import (
    Account,
    Competitor,
    ConflictsWith,
    Favors,
    Influences,
    Interaction,
    Knows,
    Ownership,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
    TeamMember,
)
from graph.network import to_networkx
from graph.store import AccountGraph

Build = Callable[..., nx.MultiDiGraph]


def build(
    people: dict[str, dict[str, Any]] | None = None,
    members: dict[str, dict[str, Any]] | None = None,
    knows: dict[tuple[str, str], int | dict[str, Any] | None] | None = None,
    reports: Iterable[tuple[str, str]] = (),
    influences: Iterable[tuple[str, str, int]] = (),
    conflicts: Iterable[tuple[str, str]] = (),
    owners: dict[str, str] | None = None,
    favors: dict[str, str] | None = None,
    interactions: Iterable[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = (),
    joined: dict[str, str] | None = None,
    manager_changed: dict[str, str] | None = None,
) -> nx.MultiDiGraph:
    """One account "acme" (named Acme).

    ``people``: stakeholder id → fields (name defaults to the id); ``members``: member
    id → fields plus ``role`` (one or a list); ``knows``: (member, stakeholder) →
    strength or Knows fields; ``reports``: (report, manager); ``influences``: (source,
    target, weight); ``owners``: stakeholder → member; ``favors``: stakeholder →
    competitor; ``interactions``: (ISO date, channel, member ids, stakeholder ids);
    ``joined`` and ``manager_changed``: stakeholder → ISO date, as the history sets them.
    """
    team, team_members = [], []
    for mid, fields in (members or {}).items():
        fields = dict(fields)
        roles = fields.pop("role", [])
        for role in [roles] if isinstance(roles, str) else roles:
            team.append(TeamAssignment(member_id=mid, account_id="acme", role=role))
        team_members.append(TeamMember(id=mid, **{"name": mid, **fields}))
    return to_networkx(
        AccountGraph(
            accounts=[Account(id="acme", name="Acme")],
            stakeholders=[
                Stakeholder(id=sid, account_id="acme", **{"name": sid, **fields})
                for sid, fields in (people or {}).items()
            ],
            team_members=team_members,
            competitors=[Competitor(id=c, name=c.title()) for c in set((favors or {}).values())],
            team=team,
            knows=[
                Knows(
                    member_id=m,
                    stakeholder_id=s,
                    **(spec if isinstance(spec, dict) else {"strength": spec}),
                )
                for (m, s), spec in (knows or {}).items()
            ],
            reports_to=[ReportsTo(stakeholder_id=a, manager_id=b) for a, b in reports],
            influences=[Influences(source_id=a, target_id=b, weight=w) for a, b, w in influences],
            conflicts=[ConflictsWith(stakeholder_id=a, other_id=b) for a, b in conflicts],
            owners=[Ownership(member_id=m, stakeholder_id=s) for s, m in (owners or {}).items()],
            favors=[Favors(stakeholder_id=s, competitor_id=c) for s, c in (favors or {}).items()],
            interactions=[
                Interaction(
                    id=f"i{n}",
                    account_id="acme",
                    date=dt.date.fromisoformat(day),
                    channel=channel,
                    member_ids=ours,
                    stakeholder_ids=theirs,
                )
                for n, (day, channel, ours, theirs) in enumerate(interactions)
            ],
        ),
        joined={s: dt.date.fromisoformat(d) for s, d in (joined or {}).items()},
        manager_changed={s: dt.date.fromisoformat(d) for s, d in (manager_changed or {}).items()},
    )


@pytest.fixture
def account() -> Build:
    """Build a hand-made account graph from a compact spec (see :func:`build`)."""
    return build


def random_spec(seed: int) -> dict[str, Any]:
    """A seeded random account spec whose shape varies with the seed: a few to ~60
    people, sparse (trees and chains, many cut vertices) to dense, some power targets,
    some people gone, some of ours with no strong relationship."""
    rng = random.Random(seed)
    n = rng.randint(1, 60)
    density = rng.choice((0.0, 0.02, 0.05, 0.15, 0.4))
    people = {
        f"p{i}": {
            **(
                {"dmu_roles": "decision_maker"}
                if rng.random() < 0.2
                else {"dmu_roles": "economic_buyer"}
                if rng.random() < 0.1
                else {}
            ),
            "left_company": rng.random() < 0.1,
        }
        for i in range(n)
    }
    ids = list(people)
    tree = rng.random() < 0.5  # a reporting tree, or lines only where density puts them
    reports = [(p, rng.choice(ids[:i])) for i, p in enumerate(ids) if i and tree]
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if rng.random() < density]
    members = {f"m{j}": {} for j in range(rng.randint(0, 6))}
    knows = {
        (m, p): rng.randint(0, 5)
        for m in members
        for p in rng.sample(ids, min(len(ids), rng.randint(0, 4)))
    }
    return {
        "people": people,
        "members": members,
        "knows": knows,
        "reports": reports,
        "influences": [(a, b, rng.randint(1, 5)) for a, b in pairs if (b, a) not in reports],
    }


@pytest.fixture
def random_account() -> Callable[[int], nx.MultiDiGraph]:
    """Build the random account of a seed (see :func:`random_spec`)."""
    return lambda seed: build(**random_spec(seed))
