"""Salesforce exports: real-format folders import with counted warnings; bad ones change nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.errors import InvalidData
from graph.model import Portfolio, Stakeholder
from graph.settings import Settings
from graph.store import GraphStore, open_store
from importers import salesforce
from importers.load import load

from .conftest import batch_records, store_json

EXPORT = Path(__file__).parent / "data" / "salesforce" / "export"
ACME, GLOBEX = "0015g00000AcmeCAAQ", "0015g00000GlobxAAQ"
KIM, RAJ, LEA = "0055g00000KimTnAAQ", "0055g00000RajPtAAQ", "0055g00000LeaRxAAQ"
CEO, CFO, CTO, ITM = (
    "0035g00000CeoZoAAQ",
    "0035g00000CfoBbAAQ",
    "0035g00000CtoTyAAQ",
    "0035g00000ItMgrAAQ",
)
runner = CliRunner()
IMPORTED = dt.date(2026, 3, 1)


def copy_export(tmp_path: Path) -> Path:
    """A copy of the good export to spoil."""
    return Path(shutil.copytree(EXPORT, tmp_path / "export"))


def edit(folder: Path, name: str, change: Callable[[str], str]) -> None:
    """Rewrite one file of ``folder`` as UTF-8 text (its BOM and line ends kept)."""
    path = folder / name
    path.write_bytes(change(path.read_bytes().decode("utf-8")).encode("utf-8"))


def test_a_real_export_imports_with_counted_warnings(store: GraphStore) -> None:
    report = load(store, salesforce.read(EXPORT, on=IMPORTED))

    assert {kind: c.created for kind, c in report.nodes.items()} == {
        "accounts": 2,
        "team_members": 3,  # the integration user owns nothing and is not imported
        "stakeholders": 7,
        "interactions": 3,
    }
    # the two CEOs' blank ReportsToId: they report to nobody (a stored line would go)
    assert report.lines == {"reports_to": 4, "no_manager": 2, "team": 5}
    assert report.skipped == {
        "deleted records": 1,
        "contacts of accounts not in Account.csv": 1,
        "reporting lines to contacts not imported": 1,
        "contact roles at other accounts": 2,
        "contact roles with values kamgraph does not know": 1,
        "contact roles of contacts not imported": 1,
        "team rows of accounts not in Account.csv": 1,
        "activities about Leads": 1,
        "activities about contacts not imported": 1,
        "activities of users not in User.csv": 1,
        "open tasks": 1,
        "tasks that are not a call, email or meeting": 1,
    }
    assert (
        "Task.csv line 5, column WhoId, value '00Q5g00000LeadAAAQ': a Lead, not a contact; left out"
        in report.warnings
    )

    acme = store.account_graph(ACME)
    # Won in the year up to the import: 180,000 + 45,000.50; not the deal closed exactly a
    # year before, the lost one or the open ones. AnnualRevenue is Acme's own, not ours.
    assert acme.account.name == "Acme Corporation" and acme.account.annual_revenue == 225000.5
    people = {s.id: s for s in acme.stakeholders}
    assert people[CEO].name == "Zoë O'Neil"
    assert people[CFO].name == 'Robert Smith "Bob"'
    assert people[CFO].title == "CFO, Finance & Controlling"
    assert people[CFO].dmu_roles == ("economic_buyer",)
    assert people[CTO].dmu_roles == ("technical_buyer", "evaluator")
    assert people[ITM].dmu_roles == ()  # their Influencer role is on Globex's opportunity
    assert {(r.stakeholder_id, r.manager_id) for r in acme.reports_to} == {
        (CFO, CEO),
        (CTO, CEO),
        (ITM, CTO),
    }
    assert {(t.member_id, t.role) for t in acme.team} == {
        (KIM, "quarterback"),
        (RAJ, "solution_engineer"),
        (LEA, "exec_sponsor"),
    }
    assert {(i.id, i.channel, i.date.isoformat()) for i in acme.interactions} == {
        ("00T5g00000Call1AAQ", "call", "2026-03-02"),
        ("00T5g00000Mail1AAQ", "email", "2026-02-20"),
        ("00U5g00000Meet1AAQ", "meeting", "2026-03-10"),
    }

    globex = store.account_graph(GLOBEX)
    assert globex.account.annual_revenue == 0  # nothing won: the export says so
    # No Account Manager on Globex's team: its owner is the quarterback.
    assert {(t.member_id, t.role) for t in globex.team} == {(RAJ, "sales"), (LEA, "quarterback")}
    roles = {s.name: s.dmu_roles for s in globex.stakeholders}
    assert roles == {
        "Hank Scorpio": ("decision_maker", "economic_buyer"),
        "Frank Grimes": ("user_buyer", "influencer"),
    }


def test_reimport_changes_nothing_and_a_newer_export_keeps_what_was_entered_by_hand(
    store: GraphStore, tmp_path: Path
) -> None:
    load(store, salesforce.read(EXPORT))
    first = store_json(store)
    again = load(store, salesforce.read(EXPORT))
    assert {kind: (c.created, c.updated) for kind, c in again.nodes.items()} == {
        kind: (0, 0) for kind in ("accounts", "team_members", "stakeholders", "interactions")
    }
    assert again.nodes["stakeholders"].unchanged == 7
    assert store_json(store) == first

    by_hand = Stakeholder(id=CTO, account_id=ACME, name="Ty Nguyen", stance="champion", influence=4)
    store.write(Portfolio(stakeholders=[by_hand]))

    newer = copy_export(tmp_path)
    edit(
        newer,
        "Contact.csv",
        lambda text: text.replace('"CTO","IT"', '"Chief Technology Officer","IT"'),
    )
    report = load(store, salesforce.read(newer))
    assert report.nodes["stakeholders"].updated == 1
    assert report.nodes["stakeholders"].unchanged == 6
    cto = next(s for s in store.account_graph(ACME).stakeholders if s.id == CTO)
    assert cto.title == "Chief Technology Officer"
    assert (cto.stance, cto.influence) == ("champion", 4)
    assert cto.dmu_roles == ("technical_buyer", "evaluator")


def test_a_reorganisation_in_the_crm_reimports_with_the_old_lines_gone(
    store: GraphStore, tmp_path: Path
) -> None:
    """The CTO now runs the company: the CEO reports to her, and her own manager is blank.

    Keeping the stored CTO → CEO line beside the new CEO → CTO would be a cycle.
    """
    load(store, salesforce.read(EXPORT))
    reorganised = copy_export(tmp_path)
    edit(
        reorganised,
        "Contact.csv",
        lambda text: text.replace(
            '"Chief Executive Officer","Executive","",',
            f'"Chief Executive Officer","Executive","{CTO}",',
        ).replace(f'"CTO","IT","{CEO}",', '"CTO","IT","",'),
    )
    report = load(store, salesforce.read(reorganised))
    assert report.lines["no_manager"] == 2  # the CTO, and Globex's CEO as before
    managers = {r.stakeholder_id: r.manager_id for r in store.account_graph(ACME).reports_to}
    assert managers == {CEO: CTO, CFO: CEO, ITM: CTO}


def test_a_new_manager_at_another_account_removes_the_old_line(
    store: GraphStore, tmp_path: Path
) -> None:
    """Ines now reports to Globex's CEO (left out: another account) and Ty to Ines."""
    load(store, salesforce.read(EXPORT))  # Ines → Ty → Zoë
    moved = copy_export(tmp_path)
    edit(
        moved,
        "Contact.csv",
        lambda text: text.replace(
            f'"IT Manager","IT","{CTO}",', '"IT Manager","IT","0035g00000HankSAAQ",'
        ).replace(f'"CTO","IT","{CEO}",', f'"CTO","IT","{ITM}",'),
    )
    load(store, salesforce.read(moved))
    managers = {r.stakeholder_id: r.manager_id for r in store.account_graph(ACME).reports_to}
    assert managers == {CFO: CEO, CTO: ITM}


def test_the_cli_prints_a_summary_and_a_dry_run_writes_nothing(data_dir: Path) -> None:
    store = ["--store", f"embedded:{data_dir}"]
    dry = runner.invoke(app, [*store, "import", "salesforce", "--dry-run", str(EXPORT)])
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith(f"would import {EXPORT}\n")
    assert "  stakeholders         7 new       0 changed       0 unchanged" in dry.output
    assert "  reports_to           4 to write" in dry.output
    assert "  skipped 1 activities about Leads" in dry.output
    assert runner.invoke(app, [*store, "accounts"]).output == "no accounts\n"

    done = runner.invoke(app, [*store, "import", "salesforce", str(EXPORT)])
    assert done.exit_code == 0, done.output
    assert done.output.startswith(f"imported {EXPORT}\n")
    assert "  accounts             2 new       0 changed       0 unchanged" in done.output
    assert "  team                 5 written" in done.output
    assert "  skipped 1 open tasks" in done.output
    rerun = runner.invoke(app, [*store, "import", "salesforce", str(EXPORT)])
    assert "  stakeholders         0 new       0 changed       7 unchanged" in rerun.output


def _latin1(folder: Path) -> None:
    path = folder / "Contact.csv"
    path.write_bytes(path.read_bytes().decode("utf-8-sig").encode("latin-1"))


def _garbage(folder: Path) -> None:
    path = folder / "Account.csv"
    path.write_bytes(path.read_bytes().replace(b"Globex, Inc.", b"Globex\xff\xfe, Inc."))


def _cycle(folder: Path) -> None:
    edit(
        folder,
        "Contact.csv",
        lambda t: t.replace(
            '"Chief Executive Officer","Executive",""',
            f'"Chief Executive Officer","Executive","{ITM}"',
        ),
    )


def _duplicate(folder: Path) -> None:
    edit(folder, "Account.csv", lambda t: t + t.splitlines(keepends=True)[-1])


def _no_rows(folder: Path, name: str) -> None:
    edit(folder, name, lambda t: t.split("\r\n", 1)[0] + "\r\n")


MALFORMED: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "missing required column": (
        lambda f: edit(f, "Contact.csv", lambda t: t.replace('"LastName"', '"Surname"', 1)),
        ["Contact.csv line 1, column LastName: required column is missing from the header"],
    ),
    "missing required file": (
        lambda f: (f / "Contact.csv").unlink(),
        ["Contact.csv: required file is missing from the folder"],
    ),
    "garbage bytes": (
        _garbage,
        [
            "Account.csv line 4: not UTF-8 text (byte 0xff at position 40); "
            "save or export the file as UTF-8"
        ],
    ),
    "wrong encoding (Latin-1)": (
        _latin1,
        [
            "Contact.csv line 2: not UTF-8 text (byte 0xeb at position 66); "
            "save or export the file as UTF-8"
        ],
    ),
    "a reporting cycle": (
        _cycle,
        [
            f"Contact.csv line 2, column ReportsToId, value '{ITM}': reporting lines form a "
            f"cycle: {CEO} → {ITM} → {CTO} → {CEO}"
        ],
    ),
    "duplicate ids": (
        _duplicate,
        [f"Account.csv line 5, column Id, value '{GLOBEX}': the same Id is on an earlier line"],
    ),
    "an empty file": (
        lambda f: (f / "Account.csv").write_bytes(b""),
        ["Account.csv: the file is empty (no header row)"],
    ),
    "a header without records": (
        lambda f: _no_rows(f, "Contact.csv"),
        ["Contact.csv: nothing to import (the file has no records)"],
    ),
    "a date in the wrong format": (
        lambda f: edit(f, "Task.csv", lambda t: t.replace('"2026-03-02"', '"3/2/2026"')),
        ["Task.csv line 2, column ActivityDate, value '3/2/2026': expected a date as YYYY-MM-DD"],
    ),
    "a date-time in the wrong format": (
        lambda f: edit(
            f,
            "Event.csv",
            lambda t: t.replace('"2026-03-10T09:00:00.000Z"', '"10.03.2026 09:00"'),
        ),
        [
            "Event.csv line 2, column StartDateTime, value '10.03.2026 09:00': "
            "expected a date as YYYY-MM-DD"
        ],
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_export_names_the_problem_and_changes_nothing(
    store: GraphStore, tmp_path: Path, case: str
) -> None:
    load(store, salesforce.read(EXPORT))
    before = store_json(store)
    spoil, expected = MALFORMED[case]
    folder = copy_export(tmp_path)
    spoil(folder)
    with pytest.raises(InvalidData) as caught:
        load(store, salesforce.read(folder))
    assert caught.value.problems == expected
    assert store_json(store) == before


def test_every_problem_is_listed_at_once_and_the_cli_exits_2(
    data_dir: Path, tmp_path: Path
) -> None:
    folder = copy_export(tmp_path)
    _cycle(folder)
    _duplicate(folder)
    edit(folder, "Task.csv", lambda t: t.replace('"2026-03-02"', '"3/2/2026"'))
    result = runner.invoke(
        app, ["--store", f"embedded:{data_dir}", "import", "salesforce", str(folder)]
    )
    assert result.exit_code == 2
    assert f"error: {folder}: 3 problems:" in result.output
    assert "the same Id is on an earlier line" in result.output
    assert "reporting lines form a cycle" in result.output
    assert "expected a date as YYYY-MM-DD" in result.output
    with open_store(Settings(store=f"embedded:{data_dir}")) as opened:
        assert opened.count_nodes() == 0


def test_dangling_ids_are_counted_warnings_and_the_rest_imports(
    store: GraphStore, tmp_path: Path
) -> None:
    """A filtered export points outside itself; those rows are skipped, never half-linked."""
    folder = copy_export(tmp_path)
    edit(
        folder,
        "Contact.csv",
        lambda t: t.replace(f'"{ACME}","Nguyen"', '"001NOTEXPORTEDAAA","Nguyen"'),
    )
    report = load(store, salesforce.read(folder))
    assert report.skipped["contacts of accounts not in Account.csv"] == 2
    # The CTO's report, roles, tasks go with them; nothing refers to a missing node.
    assert report.skipped["reporting lines to contacts not imported"] == 2
    assert report.skipped["activities about contacts not imported"] == 2
    assert report.nodes["stakeholders"].created == 6
    assert all(s.id != CTO for s in store.account_graph(ACME).stakeholders)


def test_batches_hold_each_record_once_as_counted_for_the_progress_bar() -> None:
    parsed = salesforce.read(EXPORT)
    batches = list(parsed.batches())
    assert sum(len(getattr(b, kind)) for b in batches for kind in Portfolio.model_fields) == 26
    assert parsed.records == 26
    ids = [s.id for b in batches for s in b.stakeholders]
    assert len(ids) == len(set(ids)) == 7


def test_the_files_are_read_once_and_the_batches_can_be_read_again(
    store: GraphStore, tmp_path: Path
) -> None:
    """Pass 2 yields what pass 1 validated: the files may be gone by then, and a dry run
    before the import (or a bench) reads the same batches again."""
    expected = batch_records(salesforce.read(EXPORT, on=IMPORTED))
    folder = copy_export(tmp_path)
    parsed = salesforce.read(folder, on=IMPORTED)
    shutil.rmtree(folder)

    assert batch_records(parsed) == expected
    assert batch_records(parsed) == expected
    report = load(store, parsed)
    assert {kind: c.created for kind, c in report.nodes.items()} == {
        "accounts": 2,
        "team_members": 3,
        "stakeholders": 7,
        "interactions": 3,
    }
    # What pass 2 takes from the whole of pass 1: roles from other files, quarterbacks.
    acme = {s.id: s for s in store.account_graph(ACME).stakeholders}
    assert acme[CTO].dmu_roles == ("technical_buyer", "evaluator")
    globex = store.account_graph(GLOBEX)
    assert {(t.member_id, t.role) for t in globex.team} == {(RAJ, "sales"), (LEA, "quarterback")}


def test_one_quarterback_per_account_the_owner_first(tmp_path: Path) -> None:
    """Two Account Managers: the account's owner (listed second) is the quarterback."""
    folder = copy_export(tmp_path)
    edit(
        folder,
        "AccountTeamMember.csv",
        lambda t: t.replace("Pre-Sales Consultant", "Account Manager"),
    )
    edit(folder, "Account.csv", lambda t: t.replace(f'"48000","{KIM}"', f'"48000","{RAJ}"'))
    team = [t for b in salesforce.read(folder).batches() for t in b.team if t.account_id == ACME]
    assert {(t.member_id, t.role) for t in team} == {
        (KIM, "sales"),
        (RAJ, "quarterback"),
        (LEA, "exec_sponsor"),
    }


def test_a_reporting_line_to_another_account_is_left_out_with_a_warning(tmp_path: Path) -> None:
    folder = copy_export(tmp_path)
    edit(
        folder,
        "Contact.csv",
        lambda t: t.replace(
            '"Safety Inspector","Operations","0035g00000HankSAAQ"',
            f'"Safety Inspector","Operations","{CEO}"',
        ),
    )
    parsed = salesforce.read(folder)
    assert parsed.problems.warning_counts["reporting lines across accounts"] == 1
    assert (
        f"Contact.csv line 9, column ReportsToId, value '{CEO}': works at '{ACME}', not "
        f"'{GLOBEX}'; kamgraph keeps reporting lines within one account, so this contact "
        "reports to nobody there"
    ) in [str(w) for w in parsed.problems.warnings]
    lines = [r for b in parsed.batches() for r in b.reports_to if r.manager_id]
    assert len(lines) == 3


def _custom_fields(folder: Path) -> None:
    """Give Account.csv a gross-margin amount and a margin percentage (Acme only)."""

    def change(text: str) -> str:
        text = text.replace('"Description"\r\n', '"Description","Gross_Margin__c","Margin__c"\r\n')
        text = text.replace('""strategic"""\r\n', '""strategic""","61000","12.5"\r\n')
        return text.replace('.000Z",""\r\n', '.000Z","",""," "\r\n')

    edit(folder, "Account.csv", change)


@pytest.mark.parametrize(
    ("maps", "profit"),
    [
        (["Account.Gross_Margin__c=profit"], 61000),
        (["Account.Margin__c=margin"], 28125.06),  # 12.5% of 225,000.50, to the cent
    ],
)
def test_profit_comes_from_the_mapped_custom_field(
    store: GraphStore, tmp_path: Path, maps: list[str], profit: float
) -> None:
    folder = copy_export(tmp_path)
    _custom_fields(folder)
    load(store, salesforce.read(folder, on=IMPORTED, mapping=salesforce.parse_mapping(maps)))
    assert store.account_graph(ACME).account.profit == profit
    assert store.account_graph(GLOBEX).account.profit is None  # blank: nothing set


def test_a_margin_without_our_revenue_is_a_warning(store: GraphStore, tmp_path: Path) -> None:
    folder = copy_export(tmp_path)
    _custom_fields(folder)
    (folder / "Opportunity.csv").unlink()  # no amounts: no revenue to take 12.5% of
    report = load(store, salesforce.read(folder, mapping={"Margin__c": "margin"}))
    assert report.skipped["margins without our revenue"] == 1
    assert store.account_graph(ACME).account.profit is None


def test_the_cli_maps_fields_and_dates_the_revenue_window(data_dir: Path, tmp_path: Path) -> None:
    folder = copy_export(tmp_path)
    _custom_fields(folder)
    store = ["--store", f"embedded:{data_dir}"]
    done = runner.invoke(
        app,
        [
            *store,
            *("import", "salesforce", str(folder), "--effective", "2026-12-01"),
            *("--map", "Account.Gross_Margin__c=profit"),
        ],
    )
    assert done.exit_code == 0, done.output
    with open_store(Settings(store=f"embedded:{data_dir}")) as opened:
        acme = opened.account_graph(ACME).account
    assert (acme.annual_revenue, acme.profit) == (180000, 61000)  # the 2025 deals are older


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("Gross_Margin__c=profit", "only Account fields can be mapped (Account.FIELD=TARGET)"),
        ("Account.Gross_Margin__c=margins", "'margins' is not a target; use one of"),
        ("Account.Missing__c=profit", "Account.csv line 1, column Missing__c: required column"),
    ],
)
def test_a_bad_map_is_refused_naming_it(
    data_dir: Path, tmp_path: Path, spec: str, expected: str
) -> None:
    result = runner.invoke(
        app,
        ["--store", f"embedded:{data_dir}", "import", "salesforce", str(EXPORT), "--map", spec],
    )
    assert result.exit_code == 2
    assert expected in result.output
    with open_store(Settings(store=f"embedded:{data_dir}")) as opened:
        assert opened.count_nodes() == 0
