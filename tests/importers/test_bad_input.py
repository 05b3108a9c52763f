"""Bad input through the CLI, as a hostile user or an unlucky export makes it: every
importer exits 2 with one line per problem naming file, row and field, no traceback, and
the store exactly as it was."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from api.cli import app
from graph.model import Portfolio
from graph.settings import Settings
from graph.store import open_store
from importers import sheet

from .conftest import store_json

DATA = Path(__file__).parent / "data"
SALESFORCE = DATA / "salesforce" / "export"
HUBSPOT = DATA / "hubspot"
COMPANIES = "hubspot-crm-exports-all-companies-2026-03-01.csv"
CONTACTS = "hubspot-crm-exports-all-contacts-2026-03-01.csv"
runner = CliRunner()


def _json(text: str) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        (tmp / "bad.json").write_text(text, encoding="utf-8")
        return ["json", str(tmp / "bad.json")]

    return make


def _json_bytes(data: bytes) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        (tmp / "bad.json").write_bytes(data)
        return ["json", str(tmp / "bad.json")]

    return make


def _csv_folder(files: dict[str, bytes]) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        folder = tmp / "sheets"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        return ["sheet", str(folder)]

    return make


def _salesforce(name: str, spoil: Callable[[bytes], bytes]) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        folder = Path(shutil.copytree(SALESFORCE, tmp / "export"))
        (folder / name).write_bytes(spoil((folder / name).read_bytes()))
        return ["salesforce", str(folder)]

    return make


def _hubspot(spoil: Callable[[bytes], bytes]) -> Callable[[Path], list[str]]:
    def make(tmp: Path) -> list[str]:
        companies = Path(shutil.copy(HUBSPOT / COMPANIES, tmp / COMPANIES))
        contacts = Path(shutil.copy(HUBSPOT / CONTACTS, tmp / CONTACTS))
        companies.write_bytes(spoil(companies.read_bytes()))
        return ["hubspot", str(companies), str(contacts)]

    return make


def _workbook(spoil: Callable[[dict[str, bytes]], dict[str, bytes]]) -> Callable[[Path], list[str]]:
    """The template workbook with its parts changed by ``spoil`` (part name → bytes)."""

    def make(tmp: Path) -> list[str]:
        sheet.write_template(tmp / "good.xlsx", example=True)
        with zipfile.ZipFile(tmp / "good.xlsx") as good:
            parts = {name: good.read(name) for name in good.namelist()}
        with zipfile.ZipFile(tmp / "bad.xlsx", "w", zipfile.ZIP_DEFLATED) as bad:
            for name, data in spoil(parts).items():
                bad.writestr(name, data)
        return ["sheet", str(tmp / "bad.xlsx")]

    return make


def _cut(fraction: float) -> Callable[[Path], list[str]]:
    """The template workbook cut off part-way (a download that stopped)."""

    def make(tmp: Path) -> list[str]:
        sheet.write_template(tmp / "good.xlsx", example=True)
        data = (tmp / "good.xlsx").read_bytes()
        (tmp / "bad.xlsx").write_bytes(data[: int(len(data) * fraction)])
        return ["sheet", str(tmp / "bad.xlsx")]

    return make


def _billion_laughs(parts: dict[str, bytes]) -> dict[str, bytes]:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i else "&lol;" * 10}">' for i in range(9)
    )
    accounts = "xl/worksheets/sheet2.xml"
    xml = parts[accounts].decode()
    xml = xml.replace("Acme Manufacturing", "&lol8;")
    parts[accounts] = f"<!DOCTYPE worksheet [{entities}]>{xml}".encode()
    return parts


def _damaged(rows: int, where: float) -> Callable[[Path], list[str]]:
    """A workbook of ``rows`` accounts with bytes of its sheet's compressed data overwritten
    at ``where`` (a fraction): early in a small sheet openpyxl fails as it opens the
    workbook; late in a big one, while the rows are read."""

    def make(tmp: Path) -> list[str]:
        workbook = openpyxl.Workbook()
        accounts = workbook.active
        assert accounts is not None
        accounts.title = "accounts"
        accounts.append(["id", "name"])
        for i in range(rows):
            accounts.append([f"a{i}", f"Account {i}"])
        workbook.save(tmp / "bad.xlsx")
        with zipfile.ZipFile(tmp / "bad.xlsx") as archive:
            part = archive.getinfo("xl/worksheets/sheet1.xml")
        data = bytearray((tmp / "bad.xlsx").read_bytes())
        at = part.header_offset + 30 + len(part.filename) + len(part.extra)
        at += int(part.compress_size * where)
        data[at : at + 8] = b"\xff" * 8
        (tmp / "bad.xlsx").write_bytes(bytes(data))
        return ["sheet", str(tmp / "bad.xlsx")]

    return make


UTF16 = "\ufeffid,name\nacme,Acme\n".encode("utf-16")

#: case → (how to make the input, lines the error output must hold, one per problem)
CASES: dict[str, tuple[Callable[[Path], list[str]], list[str]]] = {
    "json: NUL in a name": (
        _json('{"accounts": [{"id": "a", "name": "A\\u0000B"}]}'),
        [
            "bad.json, column accounts[0] (id 'a').name, value 'A\\x00B': "
            "contains a control character (U+0000); remove it"
        ],
    ),
    "json: a lone surrogate": (
        _json('{"accounts": [{"id": "a", "name": "A\\ud800"}]}'),
        ["value 'A\\ud800': Input should be a valid string, unable to parse raw data"],
    ),
    "json: a number too large": (
        _json('{"accounts": [{"id": "a", "name": "A", "annual_revenue": 1e999}]}'),
        ["bad.json, column accounts[0] (id 'a').annual_revenue, value 'inf': "],
    ),
    "json: nested 100,000 deep": (
        _json("[" * 100_000 + "]" * 100_000),
        [
            "bad.json: nested more than 64 deep, the limit "
            "(set KAMGRAPH_MAX_JSON_DEPTH to raise the limit)"
        ],
    ),
    "json: unclosed 100,000 deep": (_json("[" * 100_000), ["nested more than 64 deep"]),
    "json: a top-level array": (
        _json('[{"id": "a", "name": "A"}]'),
        ["bad.json: expected a kamgraph JSON document, an object of accounts, stakeholders"],
    ),
    "json: UTF-16": (
        _json_bytes('{"accounts": []}'.encode("utf-16")),
        ["bad.json: not UTF-8 text (looks like UTF-16); save or export the file as UTF-8"],
    ),
    "json: an integer of 5,000 digits": (
        _json('{"accounts": [{"id": "a", "name": "A", "annual_revenue": ' + "9" * 5000 + "}]}"),
        ["bad.json: not usable JSON: Exceeds the limit (4300 digits) for integer string"],
    ),
    "csv: a column named twice": (
        _csv_folder({"accounts.csv": b"id,name,notes,name\nacme,Acme,,Other\n"}),
        [
            "accounts.csv line 1, column name: the header names this column 2 times "
            "(columns 2 and 4)"
        ],
    ),
    "json: no records": (
        _json('{"accounts": []}'),
        ["bad.json: nothing to import (the document holds no records)"],
    ),
    "csv: NUL in a cell": (
        _csv_folder({"accounts.csv": b"id,name\nacme,Ac\x00me\n"}),
        [
            "accounts.csv line 2, column name, value 'Ac\\x00me': "
            "contains a control character (U+0000); remove it"
        ],
    ),
    "csv: a tab in a name": (
        _csv_folder({"accounts.csv": b"id,name\nacme,Ac\tme\n"}),
        ["accounts.csv line 2, column name, value 'Ac\\tme': contains a control character"],
    ),
    "csv: escape and C1 characters": (
        _csv_folder(
            {"accounts.csv": "id,name,industry\nacme,Acme,Mach\x1b[31m\nb,B\x85b,\n".encode()}
        ),
        [
            "accounts.csv line 2, column industry, value 'Mach\\x1b[31m': "
            "contains a control character (U+001B)",
            "accounts.csv line 3, column name, value 'B\\x85b': "
            "contains a control character (U+0085)",
        ],
    ),
    "csv: a number too large": (
        _csv_folder({"accounts.csv": b"id,name,profit\nacme,Acme,1e999\n"}),
        ["accounts.csv line 2, column profit, value '1e999': expected a number"],
    ),
    "csv: a selection rating above 5": (
        _csv_folder({"accounts.csv": b"id,name,strategic_fit\nacme,Acme,6\n"}),
        [
            "accounts.csv line 2, column strategic_fit, value '6': "
            "Input should be less than or equal to 5"
        ],
    ),
    "csv: UTF-16": (
        _csv_folder({"accounts.csv": UTF16}),
        ["accounts.csv: not UTF-8 text (looks like UTF-16); save or export the file as UTF-8"],
    ),
    "csv: a workbook renamed .csv": (
        _csv_folder({"accounts.csv": b"PK\x03\x04" + bytes(200)}),
        ["accounts.csv: not UTF-8 text (looks like a zip archive, such as an Excel workbook)"],
    ),
    "csv: header only": (
        _csv_folder({"accounts.csv": b"id,name\n", "stakeholders.csv": b"id,account_id,name\n"}),
        ["sheets: nothing to import (no rows below the headers)"],
    ),
    "xlsx: cut off half-way": (
        _cut(0.5),
        ["bad.xlsx: not a readable Excel workbook (File is not a zip file)"],
    ),
    "xlsx: cut off before its last bytes": (
        _cut(0.999),
        ["bad.xlsx: not a readable Excel workbook"],
    ),
    "xlsx: billion laughs": (
        _workbook(_billion_laughs),
        ["bad.xlsx: not a readable Excel workbook (EntitiesForbidden(name='lol'"],
    ),
    "xlsx: damaged early": (
        _damaged(10, 0.2),
        ["bad.xlsx: not a readable Excel workbook (Error -3 while decompressing data"],
    ),
    "xlsx: damaged late": (
        _damaged(20_000, 0.6),
        ["bad.xlsx [accounts]: the workbook is damaged ("],
    ),
    "salesforce: NUL in a contact's name": (
        _salesforce("Contact.csv", lambda b: b.replace(b"Zo\xc3\xab", b"Zo\x00")),
        ["Contact.csv line ", ", column LastName, value ", "contains a control character (U+0000)"],
    ),
    "salesforce: a column named twice": (
        _salesforce("Account.csv", lambda b: b.replace(b'"Name",', b'"Name","Name",', 1)),
        ["Account.csv line 1, column Name: the header names this column 2 times (columns"],
    ),
    "salesforce: UTF-16": (
        _salesforce("Account.csv", lambda b: b.decode("utf-8-sig").encode("utf-16")),
        ["Account.csv: not UTF-8 text (looks like UTF-16); save or export the file as UTF-8"],
    ),
    "salesforce: header only": (
        _salesforce("Account.csv", lambda b: b.split(b"\n", 1)[0] + b"\n"),
        ["Account.csv: nothing to import (the file has no records)"],
    ),
    "hubspot: UTF-16": (
        _hubspot(lambda b: b.decode("utf-8-sig").encode("utf-16")),
        [f"{COMPANIES}: not UTF-8 text (looks like UTF-16); save or export the file as UTF-8"],
    ),
    "hubspot: binary": (
        _hubspot(lambda b: bytes(range(256)) * 8),
        [f"{COMPANIES}: not UTF-8 text (looks like binary data, not a CSV file)"],
    ),
}


@pytest.fixture
def stored(data_dir: Path, small_portfolio: Portfolio) -> tuple[list[str], str]:
    """A store holding the small portfolio: the ``--store`` option and its JSON."""
    settings = Settings(store=f"embedded:{data_dir}")
    with open_store(settings) as store:
        store.write(small_portfolio)
        before = store_json(store)
    return ["--store", settings.store], before


@pytest.mark.parametrize("case", CASES)
def test_bad_input_exits_2_naming_each_problem_and_changes_nothing(
    stored: tuple[list[str], str], tmp_path: Path, case: str
) -> None:
    make, expected = CASES[case]
    option, before = stored
    result = runner.invoke(app, [*option, "import", *make(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("error: ") and lines[0].endswith(("1 problem:", "problems:"))
    assert all(line.startswith("  - ") for line in lines[1:]), result.output
    for part in expected:
        assert any(part in line for line in lines[1:]), f"{part!r} not in:\n{result.output}"
    with open_store(Settings(store=option[1])) as store:
        assert store_json(store) == before


@pytest.mark.parametrize(
    "command",
    [
        _json('{"accounts": []}'),
        _csv_folder({"accounts.csv": b"id,name\n"}),
        _salesforce("Account.csv", lambda b: b.split(b"\n", 1)[0] + b"\n"),
        _hubspot(lambda b: b.split(b"\n", 1)[0] + b"\n"),
    ],
    ids=["json", "sheet", "salesforce", "hubspot"],
)
def test_an_input_without_records_is_the_same_error_in_every_importer(
    data_dir: Path, tmp_path: Path, command: Callable[[Path], list[str]]
) -> None:
    result = runner.invoke(app, ["--store", f"embedded:{data_dir}", "import", *command(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "nothing to import" in result.output


def test_an_empty_template_workbook_is_nothing_to_import(data_dir: Path, tmp_path: Path) -> None:
    emptied = Portfolio()
    sheet._write_workbook(emptied, tmp_path / "empty.xlsx")
    result = runner.invoke(
        app, ["--store", f"embedded:{data_dir}", "import", "sheet", str(tmp_path / "empty.xlsx")]
    )
    assert result.exit_code == 2, result.output
    assert "empty.xlsx: nothing to import (no rows below the headers)" in result.output


@pytest.mark.parametrize("ending", [b"\r", b"\r\n", b"\n"])
def test_csv_line_endings_of_every_kind_are_read(
    data_dir: Path, tmp_path: Path, ending: bytes
) -> None:
    rows = [b"id,name,notes", b'acme,Acme,"two' + ending + b'lines"', b"beta,Beta,"]
    folder = tmp_path / "sheets"
    folder.mkdir()
    (folder / "accounts.csv").write_bytes(ending.join(rows) + ending)
    store = ["--store", f"embedded:{data_dir}"]
    result = runner.invoke(app, [*store, "import", "sheet", str(folder)])
    assert result.exit_code == 0, result.output
    assert "  accounts             2 new" in result.output
    shown = json.loads(runner.invoke(app, [*store, "show", "acme"]).output)
    assert shown["accounts"][0]["notes"] == "two\nlines"


def test_prose_keeps_tabs_and_line_breaks(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "sheets"
    folder.mkdir()
    (folder / "accounts.csv").write_bytes(b'id,name,notes\nacme,Acme,"a\tb\r\nc"\n')
    store = ["--store", f"embedded:{data_dir}"]
    assert runner.invoke(app, [*store, "import", "sheet", str(folder)]).exit_code == 0
    shown = json.loads(runner.invoke(app, [*store, "show", "acme"]).output)
    assert shown["accounts"][0]["notes"] == "a\tb\nc"
