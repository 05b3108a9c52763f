"""HubSpot exports: companies and contacts import with owners and roles; bad ones change nothing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.errors import InvalidData
from graph.model import Portfolio, Stakeholder
from graph.store import GraphStore
from importers import hubspot
from importers.load import load

from .conftest import batch_records, store_json

DATA = Path(__file__).parent / "data" / "hubspot"
COMPANIES = DATA / "hubspot-crm-exports-all-companies-2026-03-01.csv"
CONTACTS = DATA / "hubspot-crm-exports-all-contacts-2026-03-01.csv"
INITECH, UMBRELLA = "hs-company-5100000001", "hs-company-5100000002"
KIM, LEA = "hs-owner-kim-tan", "hs-owner-léa-roux"
runner = CliRunner()


def copies(tmp_path: Path) -> tuple[Path, Path]:
    """Copies of the two good exports to spoil: (companies, contacts)."""
    return (
        Path(shutil.copy(COMPANIES, tmp_path / COMPANIES.name)),
        Path(shutil.copy(CONTACTS, tmp_path / CONTACTS.name)),
    )


def edit(path: Path, change: Callable[[str], str]) -> None:
    """Rewrite a file as UTF-8 text (its BOM and line ends kept)."""
    path.write_bytes(change(path.read_bytes().decode("utf-8")).encode("utf-8"))


def test_companies_and_contacts_import_with_owners_roles_and_counted_warnings(
    store: GraphStore,
) -> None:
    report = load(store, hubspot.read([CONTACTS, COMPANIES]))  # any order: told by header

    assert {kind: c.created for kind, c in report.nodes.items()} == {
        "team_members": 2,
        "accounts": 3,
        "stakeholders": 6,
    }
    assert report.lines == {"team": 2, "owners": 3}
    assert report.skipped == {
        "contacts of companies whose name is not unique": 1,
        "contacts of companies not in the export": 1,
        "contacts without a company": 1,
        "buying roles kamgraph does not know": 1,
    }

    initech = store.account_graph(INITECH)
    assert initech.account.industry == "Computer Software"
    assert {(t.member_id, t.role) for t in initech.team} == {(KIM, "quarterback")}
    people = {s.id: s for s in initech.stakeholders}
    bill = people["hs-contact-7100000002"]
    assert (bill.name, bill.title) == ("Bill Lumbergh", "Vice President, Operations")
    assert bill.dmu_roles == ("decision_maker", "economic_buyer")
    assert people["hs-contact-7100000001"].dmu_roles == ("user_buyer", "influencer")
    assert {(o.member_id, o.stakeholder_id) for o in initech.owners} == {
        (KIM, "hs-contact-7100000001"),
        (KIM, "hs-contact-7100000002"),
    }

    umbrella = store.account_graph(UMBRELLA)
    assert umbrella.account.name == "Umbrella Corp, Ltd."
    people = {s.id: s for s in umbrella.stakeholders}
    wesker = people["hs-contact-7100000004"]
    assert wesker.title == 'Head of "Special" Projects'
    assert wesker.dmu_roles == ("influencer", "champion")
    assert wesker.stance == "neutral"  # a buying role is no stance: left to the user
    assert people["hs-contact-7100000003"].dmu_roles == ("blocker",)  # matched by company name
    assert people["hs-contact-7100000005"].name == "ops@umbrella.example"
    assert {m.id: m.name for m in umbrella.team_members} == {LEA: "Léa Roux"}


def test_the_files_are_read_once_and_the_batches_can_be_read_again(
    store: GraphStore, tmp_path: Path
) -> None:
    """Pass 2 yields what pass 1 validated: the files may change or go after reading,
    and a dry run before the import (or a bench) reads the same batches again."""
    expected = batch_records(hubspot.read([COMPANIES, CONTACTS]))
    companies, contacts = copies(tmp_path)
    parsed = hubspot.read([companies, contacts])
    companies.unlink()
    edit(contacts, lambda t: t.replace("Software Engineer", "Team Lead"))

    assert batch_records(parsed) == expected
    assert batch_records(parsed) == expected
    report = load(store, parsed)
    assert {kind: c.created for kind, c in report.nodes.items()} == {
        "team_members": 2,
        "accounts": 3,
        "stakeholders": 6,
    }
    assert report.lines == {"team": 2, "owners": 3}
    peter = next(s for s in store.account_graph(INITECH).stakeholders if s.name == "Peter Gibbons")
    assert peter.title == "Software Engineer"


def test_reimport_changes_nothing_and_a_newer_export_keeps_what_was_entered_by_hand(
    store: GraphStore, tmp_path: Path
) -> None:
    load(store, hubspot.read([COMPANIES, CONTACTS]))
    first = store_json(store)
    again = load(store, hubspot.read([COMPANIES, CONTACTS]))
    assert all(c.created == c.updated == 0 for c in again.nodes.values())
    assert store_json(store) == first

    peter = Stakeholder(
        id="hs-contact-7100000001", account_id=INITECH, name="Peter Gibbons", stance="skeptic"
    )
    store.write(Portfolio(stakeholders=[peter]))
    companies, contacts = copies(tmp_path)
    edit(contacts, lambda t: t.replace("Software Engineer", "Team Lead"))
    report = load(store, hubspot.read([companies, contacts]))
    assert (report.nodes["stakeholders"].updated, report.nodes["stakeholders"].unchanged) == (1, 5)
    peter = next(s for s in store.account_graph(INITECH).stakeholders if s.name == "Peter Gibbons")
    assert (peter.title, peter.stance) == ("Team Lead", "skeptic")


def test_the_cli_prints_a_summary_and_a_dry_run_writes_nothing(data_dir: Path) -> None:
    store = ["--store", f"embedded:{data_dir}"]
    dry = runner.invoke(
        app, [*store, "import", "hubspot", "--dry-run", str(COMPANIES), str(CONTACTS)]
    )
    assert dry.exit_code == 0, dry.output
    assert "  stakeholders         6 new       0 changed       0 unchanged" in dry.output
    assert "  owners               3 to write" in dry.output
    assert "  skipped 1 contacts without a company" in dry.output
    assert runner.invoke(app, [*store, "accounts"]).output == "no accounts\n"
    done = runner.invoke(app, [*store, "import", "hubspot", str(COMPANIES), str(CONTACTS)])
    assert done.exit_code == 0, done.output
    assert "  accounts             3 new       0 changed       0 unchanged" in done.output
    assert "hs-company-5100000002" in runner.invoke(app, [*store, "accounts", "umbrella"]).output


CONTACTS_CSV, COMPANIES_CSV = CONTACTS.name, COMPANIES.name


def companies_edited(change: Callable[[str], str]) -> Callable[[Path, Path], list[Path]]:
    """A spoiler that rewrites the companies export with ``change``."""

    def spoil(companies: Path, contacts: Path) -> list[Path]:
        edit(companies, change)
        return [companies, contacts]

    return spoil


def _garbage(companies: Path, contacts: Path) -> list[Path]:
    contacts.write_bytes(contacts.read_bytes().replace(b"Lumbergh", b"Lumb\x00\xff\xfergh"))
    return [companies, contacts]


def _latin1(companies: Path, contacts: Path) -> list[Path]:
    contacts.write_bytes(contacts.read_bytes().decode("utf-8-sig").encode("latin-1"))
    return [companies, contacts]


def _deals(companies: Path, contacts: Path) -> list[Path]:
    deals = companies.with_name("hubspot-crm-exports-all-deals-2026-03-01.csv")
    deals.write_text(
        '"Record ID","Deal Name","Deal Stage","Amount"\n"1","Renewal","closedwon","9"\n'
    )
    return [companies, contacts, deals]


def _duplicate(companies: Path, contacts: Path) -> list[Path]:
    edit(contacts, lambda t: t + t.splitlines(keepends=True)[1])
    return [companies, contacts]


def _spreadsheet(companies: Path, contacts: Path) -> list[Path]:
    companies.rename(xlsx := companies.with_suffix(".xlsx"))
    return [xlsx, contacts]


MALFORMED: dict[str, tuple[Callable[[Path, Path], list[Path]], list[str]]] = {
    "missing required column": (
        companies_edited(lambda t: t.replace('"Record ID"', '"Company ID"')),
        [f"{COMPANIES_CSV} line 1, column Record ID: required column is missing from the header"],
    ),
    "garbage bytes": (
        _garbage,
        [
            f"{CONTACTS_CSV} line 3: not UTF-8 text (byte 0xff at position 22); "
            "save or export the file as UTF-8",
            f"{CONTACTS_CSV} line 3, column Last Name, value 'Lumb\\x00\ufffd\ufffdrgh': "
            "contains a control character (U+0000); remove it",
        ],
    ),
    "wrong encoding (Latin-1)": (
        _latin1,
        [
            f"{CONTACTS_CSV} line 6: not UTF-8 text (byte 0xe9 at position 52); "
            "save or export the file as UTF-8"
        ],
    ),
    "neither contacts nor companies": (
        _deals,
        [
            "hubspot-crm-exports-all-deals-2026-03-01.csv line 1: not a HubSpot contacts export "
            "(no 'First Name' or 'Last Name' column) or companies export (no 'Company name' column)"
        ],
    ),
    "contacts without companies": (
        lambda co, ct: [ct],
        [f"{CONTACTS_CSV}: contacts need the companies export too (accounts come from companies)"],
    ),
    "duplicate ids": (
        _duplicate,
        [
            f"{CONTACTS_CSV} line 12, column Record ID, value '7100000001': "
            "the same Record ID is on an earlier row"
        ],
    ),
    "an empty file": (
        companies_edited(lambda t: ""),
        [f"{COMPANIES_CSV}: the file is empty (no header row)"],
    ),
    "a blank id": (
        companies_edited(lambda t: t.replace('"5100000003"', '""')),
        [f"{COMPANIES_CSV} line 4, column Record ID: a value is required"],
    ),
    "an Excel file": (
        _spreadsheet,
        ["hubspot-crm-exports-all-companies-2026-03-01.xlsx: an Excel file: export it as CSV"],
    ),
}


@pytest.mark.parametrize("case", MALFORMED)
def test_a_malformed_export_names_the_problem_and_changes_nothing(
    store: GraphStore, tmp_path: Path, case: str
) -> None:
    load(store, hubspot.read([COMPANIES, CONTACTS]))
    before = store_json(store)
    spoil, expected = MALFORMED[case]
    files = spoil(*copies(tmp_path))
    with pytest.raises(InvalidData) as caught:
        load(store, hubspot.read(files))
    assert caught.value.problems == expected
    assert store_json(store) == before
