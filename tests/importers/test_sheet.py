"""kamgraph's spreadsheet template: written, filled in, read back; bad sheets rejected whole."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.errors import InvalidData
from graph.model import Portfolio, Stance
from graph.settings import Settings
from graph.store import GraphStore, open_store
from importers import json_document, sheet
from importers.load import load

from .conftest import batch_records, store_json

runner = CliRunner()

#: A small valid input as a folder of CSV files; each malformed case changes one file.
BASE = {
    "accounts.csv": "id,name,tier\nacme,Acme,gold\n",
    "team_members.csv": "id,name\nkim,Kim\n",
    "stakeholders.csv": (
        "id,account_id,name,stance,reports_to\nceo,acme,Zoë,supporter,\ncfo,acme,Omar,skeptic,ceo\n"
    ),
    "relationships.csv": "member_id,stakeholder_id,strength,last_contact\nkim,ceo,4,2026-03-01\n",
    "interactions.csv": (
        "id,account_id,date,channel,member_ids,stakeholder_ids\n"
        "ix1,acme,2026-03-01,Meeting,kim,ceo; cfo\n"
    ),
}


def write_folder(folder: Path, files: dict[str, str | bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", ["template.xlsx", "template"])
def test_the_template_imports_cleanly_and_a_rerun_changes_nothing(
    store: GraphStore, tmp_path: Path, name: str
) -> None:
    sheet.write_template(tmp_path / name, example=True)
    report = load(store, sheet.read(tmp_path / name))
    assert report.nodes["stakeholders"].created == 2
    assert report.warnings == []
    assert store_json(store) == json_document.dumps(sheet.EXAMPLE)
    again = load(store, sheet.read(tmp_path / name))
    assert {kind: (c.created, c.updated) for kind, c in again.nodes.items()} == {
        kind: (0, 0) for kind in again.nodes
    }
    assert store_json(store) == json_document.dumps(sheet.EXAMPLE)


@pytest.mark.parametrize("name", ["template.xlsx", "template"])
def test_the_input_is_read_once_and_the_batches_can_be_read_again(
    store: GraphStore, tmp_path: Path, name: str
) -> None:
    """The batches are the records validated when reading: the input may be gone by
    then, and a dry run before the import reads the same batches again."""
    (tmp_path / "copy").mkdir()
    sheet.write_template(tmp_path / "copy" / name, example=True)
    expected = batch_records(sheet.read(tmp_path / "copy" / name))
    sheet.write_template(tmp_path / name, example=True)
    parsed = sheet.read(tmp_path / name)
    if name.endswith(".xlsx"):
        (tmp_path / name).unlink()
    else:
        shutil.rmtree(tmp_path / name)

    assert batch_records(parsed) == expected
    assert batch_records(parsed) == expected
    load(store, parsed)
    assert store_json(store) == json_document.dumps(sheet.EXAMPLE)


@pytest.mark.parametrize("args", [["t.xlsx"], ["t.xlsx", "--csv"]])
def test_the_template_is_blank_unless_asked_for_examples(tmp_path: Path, args: list[str]) -> None:
    out = tmp_path / args[0]
    written = runner.invoke(app, ["template", str(out), *args[1:]])
    assert written.exit_code == 0, written.output
    with pytest.raises(InvalidData, match="nothing to import"):  # no "acme" imported by mistake
        sheet.read(out)
    headers = {s.name: list(s.column_names) for s in sheet.SHEETS}
    if out.is_dir():
        assert (out / "stakeholders.csv").read_text("utf-8-sig").splitlines() == [
            ",".join(headers["stakeholders"])
        ]
    else:
        workbook = openpyxl.load_workbook(out)
        assert [[c.value for c in row] for row in workbook["stakeholders"].iter_rows()] == [
            headers["stakeholders"]
        ]
    example = runner.invoke(app, ["template", "--example", str(tmp_path / "e.xlsx")])
    assert example.exit_code == 0, example.output
    assert sheet.read(tmp_path / "e.xlsx").records > 0


def test_the_workbook_has_a_readme_drop_downs_and_date_cells(tmp_path: Path) -> None:
    sheet.write_template(tmp_path / "t.xlsx", example=True)
    workbook = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert workbook.sheetnames == ["README", *(s.name for s in sheet.SHEETS)]
    readme = [tuple(r) for r in workbook["README"].iter_rows(values_only=True)]
    assert (
        "stakeholders",
        "stance",
        None,
        "one of: champion, supporter, neutral, skeptic, opponent",
        "Where they stand toward us.",
    ) in readme
    assert ("interactions", "date", "yes", "a date, YYYY-MM-DD", "When it happened.") in readme
    stakeholders = workbook["stakeholders"]
    assert [c.value for c in stakeholders[1]] == list(sheet._BY_NAME["stakeholders"].column_names)
    lists = {str(v.sqref): v.formula1 for v in stakeholders.data_validations.dataValidation}
    assert lists["I2:I1048576"] == '"champion,supporter,neutral,skeptic,opponent"'
    assert lists["K2:K1048576"] == '"true,false"'
    interactions = workbook["interactions"]
    assert interactions["C2"].value == dt.datetime(2026, 2, 10)
    assert interactions["C2"].number_format == "yyyy-mm-dd"


def test_the_csv_template_has_a_readme_the_import_skips(tmp_path: Path) -> None:
    sheet.write_template(tmp_path / "t.xlsx", as_csv=True, example=True)
    readme = (tmp_path / "t.xlsx" / "README.csv").read_bytes().decode("utf-8")
    assert readme.startswith("\ufeffsheet,column,required,values,description\r\n")
    assert "relationships,strength,,a whole number 0–5," in readme
    assert sheet.read(tmp_path / "t.xlsx").problems.warnings == []


def test_a_workbook_filled_in_by_hand(store: GraphStore, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    accounts = workbook.active
    assert accounts is not None
    accounts.title = "Accounts"
    accounts.append(["id", "name", "annual_revenue"])
    accounts.append(["acme", "Acme", 1250000])
    people = workbook.create_sheet("stakeholders")
    people.append(["id", "account_id", "name", "seniority", "dmu_roles", "stance", "influence"])
    people.append(
        [101, "acme", "Zoë", "C-Level", "Decision Maker; economic buyer", "CHAMPION", 4.0]
    )
    people.append([])
    people.append(["102", "acme", "Ty", None, None, None, None])
    team = workbook.create_sheet("team_members")
    team.append(["id", "name"])
    team.append(["kim", "Kim"])
    log = workbook.create_sheet("interactions")
    log.append(["id", "account_id", "date", "channel", "member_ids", "stakeholder_ids"])
    log.append(["ix1", "acme", dt.datetime(2026, 3, 1), "Call", "kim", "101;102"])
    workbook.create_sheet("My notes").append(["anything"])
    workbook.save(tmp_path / "filled.xlsx")

    report = load(store, sheet.read(tmp_path / "filled.xlsx"))

    assert report.skipped == {"unknown sheets": 1}
    assert report.warnings == [
        "filled.xlsx, value 'My notes': not a sheet of the template (not read)"
    ]
    stored = store.read_portfolio()
    zoe, ty = stored.stakeholders
    assert (zoe.id, zoe.seniority, zoe.stance, zoe.influence) == ("101", "c_level", "champion", 4)
    assert zoe.dmu_roles == ("decision_maker", "economic_buyer")
    assert (ty.id, ty.stance) == ("102", Stance.neutral)
    assert stored.accounts[0].annual_revenue == 1250000
    assert stored.interactions[0].date == dt.date(2026, 3, 1)
    assert stored.interactions[0].stakeholder_ids == ("101", "102")


CASES = {
    "missing required column": (
        {"stakeholders.csv": "id,account_id,stance\nceo,acme,supporter\n"},
        [
            "stakeholders.csv line 1, column name: required column is missing from the header",
            "relationships.csv line 2, column stakeholder_id, value 'ceo': "
            "no stakeholder with this id on the stakeholders sheet",
            "interactions.csv line 2, column stakeholder_ids, value 'ceo': "
            "no stakeholder with this id on the stakeholders sheet",
            "interactions.csv line 2, column stakeholder_ids, value 'cfo': "
            "no stakeholder with this id on the stakeholders sheet",
        ],
    ),
    "bad enum value": (
        {"stakeholders.csv": BASE["stakeholders.csv"].replace("skeptic", "fan")},
        [
            "stakeholders.csv line 3, column stance, value 'fan': "
            "expected one of: champion, supporter, neutral, skeptic, opponent"
        ],
    ),
    "bad value in a list": (
        {"stakeholders.csv": "id,account_id,name,dmu_roles\nceo,acme,Zoë,boss;influencer\n"},
        [
            "stakeholders.csv line 2, column dmu_roles, value 'boss': expected any of: "
            "decision_maker, economic_buyer, technical_buyer, user_buyer, influencer, "
            "evaluator, procurement, gatekeeper, champion, blocker",
            "interactions.csv line 2, column stakeholder_ids, value 'cfo': "
            "no stakeholder with this id on the stakeholders sheet",
        ],
    ),
    "strength 7": (
        {"relationships.csv": "member_id,stakeholder_id,strength\nkim,ceo,7\n"},
        ["relationships.csv line 2, column strength, value '7': expected a whole number 0–5"],
    ),
    "dangling stakeholder id": (
        {"relationships.csv": "member_id,stakeholder_id\nkim,ceo\nkim,nobody\n"},
        [
            "relationships.csv line 3, column stakeholder_id, value 'nobody': "
            "no stakeholder with this id on the stakeholders sheet"
        ],
    ),
    "reporting cycle": (
        {"stakeholders.csv": BASE["stakeholders.csv"].replace("supporter,", "supporter,cfo")},
        [
            "stakeholders.csv line 2, column reports_to, value 'cfo': "
            "reporting lines form a cycle: ceo → cfo → ceo"
        ],
    ),
    "reporting to themselves": (
        {"stakeholders.csv": BASE["stakeholders.csv"].replace("supporter,", "supporter,ceo")},
        [
            "stakeholders.csv line 2, column reports_to, value 'ceo': "
            "stakeholder 'ceo' cannot report to themselves"
        ],
    ),
    "duplicate ids": (
        {"stakeholders.csv": BASE["stakeholders.csv"] + "ceo,acme,Zoe again,,\n"},
        ["stakeholders.csv line 4, column id, value 'ceo': duplicate id: already on line 2"],
    ),
    "duplicate pair": (
        {"conflicts.csv": "stakeholder_id,other_id\nceo,cfo\ncfo,ceo\n"},
        [
            "conflicts.csv line 3, column stakeholder_id, value 'cfo': "
            "duplicate stakeholder_id and other_id: already on line 2"
        ],
    ),
    "a line across accounts": (
        {
            "accounts.csv": BASE["accounts.csv"] + "globex,Globex,\n",
            "stakeholders.csv": BASE["stakeholders.csv"] + "hank,globex,Hank,,\n",
            "influence.csv": "source_id,target_id,weight\ncfo,hank,2\n",
        },
        [
            "influence.csv line 2, column target_id, value 'hank': "
            "this stakeholder works at 'globex', not at 'acme'"
        ],
    ),
    "an empty file": (
        {"conflicts.csv": ""},
        ["conflicts.csv: the file is empty (no header row)"],
    ),
    "a date in the wrong format": (
        {"interactions.csv": BASE["interactions.csv"].replace("2026-03-01", "03/01/2026")},
        ["interactions.csv line 2, column date, value '03/01/2026': expected a date as YYYY-MM-DD"],
    ),
    "a required cell left empty": (
        {"interactions.csv": BASE["interactions.csv"].replace("Meeting", " ")},
        ["interactions.csv line 2, column channel: a value is required"],
    ),
    "wrong encoding": (
        {"team_members.csv": "id,name\nkim,Kim Müller\n".encode("latin-1")},
        [
            "team_members.csv line 2: not UTF-8 text (byte 0xfc at position 10); "
            "save or export the file as UTF-8"
        ],
    ),
    "every problem at once": (
        {
            "stakeholders.csv": BASE["stakeholders.csv"].replace("skeptic", "fan"),
            "relationships.csv": "member_id,stakeholder_id,strength\nkim,ceo,7\nkim,nobody,\n",
        },
        [
            "stakeholders.csv line 3, column stance, value 'fan': "
            "expected one of: champion, supporter, neutral, skeptic, opponent",
            "relationships.csv line 2, column strength, value '7': expected a whole number 0–5",
            "relationships.csv line 3, column stakeholder_id, value 'nobody': "
            "no stakeholder with this id on the stakeholders sheet",
        ],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_folder_names_every_problem_and_changes_nothing(
    store: GraphStore, small_portfolio: Portfolio, tmp_path: Path, case: str
) -> None:
    changes, expected = CASES[case]
    folder = write_folder(tmp_path / "in", {**BASE, **changes})
    store.write(small_portfolio)
    before = store_json(store)
    with pytest.raises(InvalidData) as caught:
        load(store, sheet.read(folder))
    assert caught.value.problems == expected
    assert caught.value.source == "in"
    assert store_json(store) == before


def test_a_bad_workbook_names_sheet_and_excel_row(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    accounts = workbook.active
    assert accounts is not None
    accounts.title = "accounts"
    accounts.append(["id", "name"])
    accounts.append(["acme", "Acme"])
    people = workbook.create_sheet("Stakeholders")
    people.append(["id", "account_id", "name", "stance"])
    people.append([])
    people.append(["ceo", "acme", "Zoë", "fan"])
    people.append(["cto", "acme", None, None])
    workbook.create_sheet("conflicts")
    influence = workbook.create_sheet("influence")
    influence.append(["source_id"])
    workbook.save(tmp_path / "bad.xlsx")
    with pytest.raises(InvalidData) as caught:
        sheet.read(tmp_path / "bad.xlsx")
    assert caught.value.problems == [
        "bad.xlsx [Stakeholders] line 3, column stance, value 'fan': "
        "expected one of: champion, supporter, neutral, skeptic, opponent",
        "bad.xlsx [Stakeholders] line 4, column name: a value is required",
        "bad.xlsx [influence] line 1, column target_id: required column is missing from the header",
        "bad.xlsx [conflicts]: the sheet is empty (no header row)",
    ]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "garbage.xlsx",
            b"\x00\xffnot a zip",
            "garbage.xlsx: not a readable Excel workbook (File is not a zip file)",
        ),
        ("notes.txt", b"hello", "notes.txt: expected an .xlsx workbook or a folder of CSV files"),
    ],
)
def test_a_file_that_is_not_a_workbook(
    tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(InvalidData) as caught:
        sheet.read(tmp_path / name)
    assert caught.value.problems == [expected]


def test_a_folder_without_template_files(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "export", {"Contact.csv": "Id\n1\n"})
    with pytest.raises(InvalidData) as caught:
        sheet.read(folder)
    assert caught.value.problems == [
        "export: no sheet of the template (accounts, team_members, competitors, stakeholders, "
        "account_team, relationships, influence, conflicts, interactions)"
    ]


def test_a_sheet_without_stance_keeps_the_stance_set_in_kamgraph(
    store: GraphStore, small_portfolio: Portfolio, tmp_path: Path
) -> None:
    store.write(small_portfolio)
    folder = write_folder(
        tmp_path / "in",
        {
            "accounts.csv": "id,name\nacme,Acme <GmbH>\n",
            "stakeholders.csv": "id,account_id,name,title,influence,mood\n"
            "ceo,acme,Zoë O'Neil,Chief Executive,,happy\n",
        },
    )
    report = load(store, sheet.read(folder))
    assert (report.nodes["stakeholders"].updated, report.nodes["accounts"].unchanged) == (1, 1)
    assert report.warnings == [
        "stakeholders.csv line 1, value 'mood': not a column of the stakeholders sheet (not read)"
    ]
    ceo = next(s for s in store.read_portfolio().stakeholders if s.id == "ceo")
    assert (ceo.title, ceo.stance, ceo.influence) == ("Chief Executive", "supporter", 5)
    assert ceo.dmu_roles == ("decision_maker", "economic_buyer")


def test_a_dry_run_writes_nothing(
    store: GraphStore, small_portfolio: Portfolio, tmp_path: Path
) -> None:
    store.write(small_portfolio)
    before = store_json(store)
    report = load(store, sheet.read(write_folder(tmp_path / "in", BASE)), dry_run=True)
    assert report.summary()[:2] == [
        f"would import {tmp_path / 'in'}",
        "  accounts             0 new       1 changed       0 unchanged",
    ]
    assert report.nodes["stakeholders"].created == 1
    assert store_json(store) == before


def test_lines_are_written_after_every_stakeholder_of_any_batch(
    store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheet, "BATCH_SIZE", 2)
    people = "".join(f"s{i},acme,S {i},s{i + 1}\n" for i in range(4)) + "s4,acme,S 4,\n"
    folder = write_folder(
        tmp_path / "in",
        {
            "accounts.csv": BASE["accounts.csv"],
            "stakeholders.csv": "id,account_id,name,reports_to\n" + people,
        },
    )
    parsed = sheet.read(folder)
    sizes = [
        {kind: len(getattr(b, kind)) for kind in Portfolio.model_fields if getattr(b, kind)}
        for b in parsed.batches()
    ]
    assert sizes == [
        {"accounts": 1},
        {"stakeholders": 2},
        {"stakeholders": 2},
        {"stakeholders": 1},
        {"reports_to": 2},
        {"reports_to": 2},
    ]
    load(store, parsed)
    assert len(store.read_portfolio().reports_to) == 4


def test_cli_template_then_import(data_dir: Path, tmp_path: Path) -> None:
    store = ["--store", f"embedded:{data_dir}"]
    written = runner.invoke(app, ["template", "--example", str(tmp_path / "accounts.xlsx")])
    assert written.exit_code == 0, written.output
    assert f"wrote {tmp_path / 'accounts.xlsx'}" in written.output
    dry = runner.invoke(
        app, [*store, "import", "sheet", "--dry-run", str(tmp_path / "accounts.xlsx")]
    )
    assert dry.exit_code == 0, dry.output
    assert "  stakeholders         2 new       0 changed       0 unchanged" in dry.output
    done = runner.invoke(app, [*store, "import", "sheet", str(tmp_path / "accounts.xlsx")])
    assert done.exit_code == 0, done.output
    with open_store(Settings(store=f"embedded:{data_dir}")) as opened:
        assert store_json(opened) == json_document.dumps(sheet.EXAMPLE)
    bad = write_folder(tmp_path / "bad", {**BASE, "conflicts.csv": ""})
    failed = runner.invoke(app, [*store, "import", "sheet", str(bad)])
    assert failed.exit_code == 2
    assert "error: bad: 1 problem:\n  - conflicts.csv: the file is empty (no header row)" in (
        failed.output
    )
