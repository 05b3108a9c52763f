"""How long reopening a large embedded store takes, against reopening an empty one.

Builds a store of ``--stakeholders`` people (40 per account, with reporting lines,
relationships and interactions), closes it, reopens it and times the first answered
query (best of 3); the baseline is the same for an empty store, measured in the same
run: the raw engine start. The store closes cleanly, so since issue 16 its append-only
file is rewritten on the way (a start loads a base file instead of replaying writes).

    .venv/bin/python bench/bench_reopen.py [--stakeholders 20000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from results import report

from graph.model import (
    Account,
    Interaction,
    Knows,
    Portfolio,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
    TeamMember,
)
from graph.settings import Settings
from graph.store import open_store

PER_ACCOUNT = 40


def portfolio(stakeholders: int) -> Portfolio:
    """A generated portfolio with ``stakeholders`` people in accounts of 40."""
    accounts = max(1, stakeholders // PER_ACCOUNT)
    people, lines, knows, logs, team = [], [], [], [], []
    members = [TeamMember(id=f"tm{i}", name=f"Member {i}") for i in range(accounts // 4 + 2)]
    for a in range(accounts):
        kam = members[a % len(members)].id
        team.append(TeamAssignment(member_id=kam, account_id=f"a{a}", role="quarterback"))
        for s in range(PER_ACCOUNT):
            sid = f"a{a}s{s}"
            people.append(Stakeholder(id=sid, account_id=f"a{a}", name=f"Person {sid}"))
            if s:
                lines.append(ReportsTo(stakeholder_id=sid, manager_id=f"a{a}s{(s - 1) // 4}"))
            if s % 3 == 0:
                knows.append(Knows(member_id=kam, stakeholder_id=sid, strength=s % 6))
                logs.append(
                    Interaction(
                        id=f"ix{sid}",
                        account_id=f"a{a}",
                        date=dt.date(2026, 1 + s % 12, 1 + s % 28),
                        channel="meeting",
                        member_ids=[kam],
                        stakeholder_ids=[sid],
                    )
                )
    return Portfolio(
        accounts=[Account(id=f"a{a}", name=f"Account {a}") for a in range(accounts)],
        stakeholders=people,
        team_members=members,
        team=team,
        knows=knows,
        reports_to=lines,
        interactions=logs,
    )


def reopen_seconds(folder: Path) -> float:
    """Seconds from opening the store to its first answered query."""
    start = time.perf_counter()
    with open_store(Settings(store=f"embedded:{folder}")) as store:
        store.count_nodes()
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stakeholders", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        empty, full = Path(tmp) / "empty", Path(tmp) / "full"
        with open_store(Settings(store=f"embedded:{empty}")):
            pass
        data = portfolio(args.stakeholders)
        start = time.perf_counter()
        with open_store(Settings(store=f"embedded:{full}")) as store:
            store.write(data)
            nodes = store.count_nodes()
        write_s = time.perf_counter() - start
        baseline = min(reopen_seconds(empty) for _ in range(3))
        reopen = min(reopen_seconds(full) for _ in range(3))
        aof = sum(f.stat().st_size for f in (full / "aof").iterdir())
    print(f"store: {len(data.stakeholders)} stakeholders, {nodes} nodes, AOF {aof / 1e6:.1f} MB")
    print(f"write everything: {write_s:.2f} s")
    print(f"reopen empty store (baseline): {baseline * 1000:.0f} ms")
    print(f"reopen full store: {reopen * 1000:.0f} ms")
    report(
        "reopen",
        f"reopen a {len(data.stakeholders):,}-stakeholder store",
        value=reopen,
        unit="s",
        baseline=f"an empty store's reopen, the raw engine start ({baseline:.2f} s)",
        target="< 2 s",
        met=reopen < 2,
    )


if __name__ == "__main__":
    main()
