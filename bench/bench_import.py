"""How fast, and in how much memory, a large Salesforce export imports, against raw MERGE.

Generates a Salesforce export of ``--contacts`` contacts (20 per account, each but the
first reporting to a colleague; one Account Manager per account; a contact role for
every tenth contact; a task for every fourth) in a temporary folder, with the columns a
real Data Export has, and imports it with ``kamgraph import salesforce``'s code into a
fresh embedded store. The baseline, measured in the same run on the same engine, is
the engine's raw batched-MERGE rate: ``UNWIND`` batches of 1,000 plain ``MERGE … SET``
of as many nodes on a fresh indexed graph.

Memory is the Python process's peak resident set (the engine is a separate process);
run it at two sizes to see that it grows only with the ids pass 1 keeps, not with the
rows.

    .venv/bin/python bench/bench_import.py [--contacts 200000]

Measured (one run each, this machine):

=========  ===========  =========  ==========  ===============  ==================
contacts   CSV rows     import     records/s   raw MERGE/s      Python peak RSS
=========  ===========  =========  ==========  ===============  ==================
50,000     72,625       14.3 s     8,242       50,370 (0.16)    92 MB (43 before)
200,000    290,500      70.1 s     6,714       38,990 (0.17)    179 MB (43 before)
=========  ===========  =========  ==========  ===============  ==================

All-or-nothing (issue 10; the write is staged on a copy of the graph and published with
one RENAME) measured at 50,000 contacts, two runs each, alternating old and new code on
this shared machine: a fresh import 13.4 / 14.5 s before, 16.4 / 15.4 s after (import /
raw 0.14 / 0.13 before, 0.12 / 0.15 after: within the run-to-run noise); the same import
again into the full store 23.0 / 21.9 s before, 31.3 / 24.0 s after; one GRAPH.COPY of
that store 0.5-0.6 s; the engine's peak memory 55 MB before, 139 MB after (the copy
and the buffer it is decoded from).

Pass 1 (validating every file) is 4 s of the 70. The store then checks every batch
(references, reporting cycles against the touched accounts' stored lines) before the
first write, so a refusal leaves the store unchanged, and writes them, re-checking each.
Memory grows with the ids pass 1 keeps and the ids the check pass has seen (~650 bytes
a contact), plus a constant ~20 MB for the batch in flight; rows are never held.
"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
from pathlib import Path

from graph.engine_embedded import EmbeddedEngine
from graph.store import BATCH_SIZE, GraphStore
from importers import salesforce
from importers.load import load

PER_ACCOUNT = 20
CREATED = "2024-05-02T10:11:12.000Z"

RAW_MERGE = """
UNWIND $rows AS row
MERGE (n:Stakeholder {id: row.id})
SET n += row.props
RETURN count(n) AS written
"""


def sf_id(prefix: str, n: int) -> str:
    """An 18-character Salesforce-like id."""
    return f"{prefix}{n:012d}AAA"


def write_csv(path: Path, header: list[str], rows: object) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)  # type: ignore[arg-type]


def generate(folder: Path, contacts: int) -> int:
    """Write the export; returns how many CSV rows it holds."""
    accounts = max(1, contacts // PER_ACCOUNT)
    users = max(1, accounts // 20)
    write_csv(
        folder / "User.csv",
        ["Id", "Username", "LastName", "FirstName", "Title", "Email", "IsActive"],
        (
            [sf_id("005", u), f"u{u}@vendor.example", f"Seller{u}", "Sam", "KAM", "", "true"]
            for u in range(users)
        ),
    )
    write_csv(
        folder / "Account.csv",
        [
            "Id",
            "IsDeleted",
            "Name",
            "Type",
            "BillingCity",
            "Phone",
            "Website",
            "Industry",
            "AnnualRevenue",
            "NumberOfEmployees",
            "OwnerId",
            "CreatedDate",
            "Description",
        ],
        (
            [
                sf_id("001", a),
                "false",
                f"Account {a}, Inc.",
                "Customer",
                "Springfield",
                "",
                "",
                "Manufacturing",
                "1000000",
                "500",
                sf_id("005", a % users),
                CREATED,
                "",
            ]
            for a in range(accounts)
        ),
    )
    write_csv(
        folder / "AccountTeamMember.csv",
        ["Id", "AccountId", "UserId", "TeamMemberRole", "AccountAccessLevel"],
        (
            [sf_id("01M", a), sf_id("001", a), sf_id("005", a % users), "Account Manager", "Edit"]
            for a in range(accounts)
        ),
    )

    def contact(c: int) -> list[str]:
        a, i = divmod(c, PER_ACCOUNT)
        boss = sf_id("003", a * PER_ACCOUNT + (i - 1) // 4) if i else ""
        return [
            sf_id("003", c),
            "false",
            "",
            sf_id("001", a),
            f"Person{c}",
            "Alex",
            "Mx.",
            "Springfield",
            "+1 555 0100",
            f"p{c}@customer.example",
            "Director, Operations" if i < 4 else "Engineer",
            "Operations",
            boss,
            "Web",
            "Met at the expo,\nwants a demo" if c % 50 == 0 else "",
            sf_id("005", a % users),
            CREATED,
        ]

    write_csv(
        folder / "Contact.csv",
        [
            "Id",
            "IsDeleted",
            "MasterRecordId",
            "AccountId",
            "LastName",
            "FirstName",
            "Salutation",
            "MailingCity",
            "Phone",
            "Email",
            "Title",
            "Department",
            "ReportsToId",
            "LeadSource",
            "Description",
            "OwnerId",
            "CreatedDate",
        ],
        (contact(c) for c in range(contacts)),
    )
    write_csv(
        folder / "OpportunityContactRole.csv",
        ["Id", "OpportunityId", "ContactId", "Role", "IsPrimary"],
        (
            [
                sf_id("00K", c),
                sf_id("006", c // PER_ACCOUNT),
                sf_id("003", c),
                "Decision Maker",
                "false",
            ]
            for c in range(0, contacts, 10)
        ),
    )
    write_csv(
        folder / "Task.csv",
        [
            "Id",
            "WhoId",
            "WhatId",
            "Subject",
            "ActivityDate",
            "Status",
            "OwnerId",
            "IsClosed",
            "TaskSubtype",
            "Type",
            "Description",
        ],
        (
            [
                sf_id("00T", c),
                sf_id("003", c),
                "",
                "Call",
                f"2026-{1 + c % 12:02d}-15",
                "Completed",
                sf_id("005", (c // PER_ACCOUNT) % users),
                "true",
                "Call",
                "Call",
                "",
            ]
            for c in range(0, contacts, 4)
        ),
    )
    return users + 2 * accounts + contacts + contacts // 10 + contacts // 4


def raw_merge_rate(folder: Path, rows: int) -> float:
    """Rows per second of plain batched MERGE on a fresh indexed graph of the same engine."""
    engine = EmbeddedEngine(folder, graph_name="raw_merge")
    try:
        GraphStore(engine)  # the same id indexes the store creates
        batch = []
        start = time.perf_counter()
        for n in range(rows):
            props = {"name": f"Alex Person{n}", "title": "Engineer", "email": f"p{n}@x.example"}
            batch.append({"id": sf_id("003", n), "props": props})
            if len(batch) == BATCH_SIZE or n == rows - 1:
                engine.run(RAW_MERGE, {"rows": batch}, write=True)
                batch = []
        seconds = time.perf_counter() - start
        engine.execute_command("GRAPH.DELETE", "raw_merge")
    finally:
        engine.close()
    return rows / seconds


def copy_seconds(engine: EmbeddedEngine) -> float:
    """How long copying the whole graph takes (a staged write copies it once)."""
    start = time.perf_counter()
    engine.execute_command("GRAPH.COPY", engine.graph_name, "bench_copy")
    seconds = time.perf_counter() - start
    engine.execute_command("GRAPH.DELETE", "bench_copy")
    return seconds


def peak_rss_mb() -> float:
    """This process's peak resident set so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-bench-") as tmp:
        export, data = Path(tmp) / "export", Path(tmp) / "data"
        export.mkdir()
        csv_rows = generate(export, args.contacts)
        size = sum(f.stat().st_size for f in export.iterdir()) / 1e6
        print(f"export: {args.contacts} contacts, {csv_rows} CSV rows, {size:.0f} MB")
        engine = EmbeddedEngine(data)
        store = GraphStore(engine)
        try:
            raw = raw_merge_rate(data, args.contacts)
            before = peak_rss_mb()
            start = time.perf_counter()
            parsed = salesforce.read(export)
            validated = time.perf_counter() - start
            report = load(store, parsed)
            took = time.perf_counter() - start
            peak = peak_rss_mb()
            start = time.perf_counter()
            load(store, salesforce.read(export))  # into a full store: the copy is the store
            again = time.perf_counter() - start
            copy = copy_seconds(engine)
            engine_peak = engine.execute_command("INFO", "memory")["used_memory_peak"] / 1e6
        finally:
            store.close()
    print(f"pass 1 (validate): {validated:.1f} s; whole import: {took:.1f} s")
    print(f"the same import again, into the full store: {again:.1f} s")
    print(f"one GRAPH.COPY of the full store (what staging adds to a write): {copy:.2f} s")
    print(f"engine peak memory: {engine_peak:.0f} MB")
    for kind, c in report.nodes.items():
        print(f"  {kind:<14} {c.created:>8} new")
    for kind, n in report.lines.items():
        print(f"  {kind:<14} {n:>8} written")
    rate = parsed.records / took
    print(f"import: {parsed.records} records, {rate:,.0f} records/s, {csv_rows / took:,.0f} rows/s")
    print(f"raw batched MERGE (baseline): {raw:,.0f} nodes/s  (import / raw: {rate / raw:.2f})")
    print(f"Python peak RSS: {peak:.0f} MB ({before:.0f} MB before the import)")


if __name__ == "__main__":
    main()
