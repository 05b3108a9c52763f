"""How long drawing a large account's board takes, against handling the same data plainly.

Generates one account of ``--stakeholders`` people (8 functions, 5 seniority levels,
a reporting tree, influence and conflict lines, a team of 12 with relationships to a
third of them), analyses it once, then times the interactive page (each layout), the
SVG and the review page. The baselines, measured in the same run on the same data, are
building the NetworkX graph and ``json.dumps`` of the account's records.

    .venv/bin/python bench/bench_board.py [--stakeholders 300] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import time
from collections.abc import Callable

from graph.analysis import analyze
from graph.model import (
    Account,
    ConflictsWith,
    Influences,
    Knows,
    Ownership,
    ReportsTo,
    Stakeholder,
    TeamAssignment,
    TeamMember,
)
from graph.network import to_networkx
from graph.store import AccountGraph
from visual import board_html, board_svg, review
from visual.layout import Layout

FUNCTIONS = ("Executive", "Finance", "IT", "Operations", "Procurement", "Sales", "Legal", "HR")
ROLES = ("", "", "", "influencer", "evaluator", "user_buyer", "technical_buyer", "champion")
STANCES = ("champion", "supporter", "neutral", "neutral", "skeptic", "opponent")
TEAM_ROLES = ("quarterback", "exec_sponsor", "solution_engineer", "specialist", "sales", "service")
AS_OF = dt.date(2026, 6, 30)


def account(stakeholders: int, account_id: str = "big") -> AccountGraph:
    """One generated account: a pyramid of ``stakeholders`` people and a team of 12.

    Stakeholder ids start with ``account_id`` so generated accounts can share a store;
    the team (``t0``…``t11``) is the same people on every account.
    """
    p = f"{account_id}-"
    people, reports, knows, owners = [], [], [], []
    for i in range(stakeholders):
        # 1 CEO, then a widening pyramid: each level about 3× the one above.
        level = 0 if i == 0 else min(4, 1 + int((i / 2) ** 0.45))
        roles = "decision_maker" if i == 0 else "economic_buyer" if i == 1 else ROLES[i % 8]
        people.append(
            Stakeholder(
                id=f"{p}s{i}",
                account_id=account_id,
                name=f"Person {i}",
                title=f"Title of person {i}",
                function=FUNCTIONS[i % len(FUNCTIONS)],
                seniority=("c_level", "vp", "director", "manager", "individual")[level],
                dmu_roles=roles,
                influence=1 + i % 5 if i % 3 == 0 else None,
                stance=STANCES[i % len(STANCES)],
            )
        )
        if i:
            reports.append(ReportsTo(stakeholder_id=f"{p}s{i}", manager_id=f"{p}s{(i - 1) // 3}"))
    team = [TeamMember(id=f"t{j}", name=f"Member {j}") for j in range(12)]
    for i in range(0, stakeholders, 3):
        member = f"t{i % 12}"
        knows.append(Knows(member_id=member, stakeholder_id=f"{p}s{i}", strength=i % 6))
        owners.append(Ownership(member_id=member, stakeholder_id=f"{p}s{i}"))
    return AccountGraph(
        accounts=[Account(id=account_id, name=f"Account {account_id}")],
        stakeholders=people,
        team_members=team,
        team=[
            TeamAssignment(member_id=f"t{j}", account_id=account_id, role=TEAM_ROLES[j % 6])
            for j in range(12)
        ],
        knows=knows,
        reports_to=reports,
        influences=[
            Influences(source_id=f"{p}s{i}", target_id=f"{p}s{(i * 7) % stakeholders}", weight=3)
            for i in range(5, stakeholders, 5)
            if (i * 7) % stakeholders != i
        ],
        conflicts=[
            ConflictsWith(stakeholder_id=f"{p}s{i}", other_id=f"{p}s{i + 1}")
            for i in range(10, stakeholders - 1, 25)
        ],
        owners=owners,
    )


def seconds(job: Callable[[], object], repeat: int) -> float:
    """The median wall time of ``job`` over ``repeat`` runs (after one warm-up)."""
    job()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stakeholders", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    graph = account(args.stakeholders)
    G = to_networkx(graph)
    analysis = analyze(G, as_of=AS_OF)
    records = graph.model_dump(mode="json")

    base_nx = seconds(lambda: to_networkx(graph), args.repeat)
    base_json = seconds(lambda: json.dumps(records), args.repeat)
    print(f"account: {args.stakeholders} stakeholders, {G.number_of_edges()} edges")
    print(f"baseline build NetworkX graph: {base_nx * 1000:7.1f} ms")
    print(f"baseline json.dumps records:   {base_json * 1000:7.1f} ms")
    jobs: dict[str, Callable[[], str]] = {
        f"HTML board ({layout.value})": lambda layout=layout: board_html.render(
            G, analysis, layout=layout
        )
        for layout in Layout
    }
    jobs["SVG board"] = lambda: board_svg.render(G, analysis)
    jobs["review page"] = lambda: review.render(G, analysis)
    for name, job in jobs.items():
        took = seconds(job, args.repeat)
        size = len(job().encode()) / 1e6
        print(
            f"{name + ':':<30} {took * 1000:7.1f} ms  {size:5.2f} MB  "
            f"({took / base_nx:5.1f}x NetworkX, {took / base_json:5.1f}x json.dumps)"
        )


if __name__ == "__main__":
    main()
