"""An account's currency from every importer that can carry one: stored on both engines when
it is an ISO 4217 code, an error naming file, row and field when it is not."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from graph.errors import InvalidData
from graph.model import Account
from graph.store import GraphStore
from importers import hubspot, json_document, salesforce, sheet
from importers.load import Parsed, load

from .conftest import store_json

DATA = Path(__file__).parent / "data"
SF_EXPORT = DATA / "salesforce" / "export"
HS_COMPANIES = DATA / "hubspot" / "hubspot-crm-exports-all-companies-2026-03-01.csv"
HS_CONTACTS = DATA / "hubspot" / "hubspot-crm-exports-all-contacts-2026-03-01.csv"
ISO = "must be an ISO 4217 currency code, three upper-case letters such as EUR or USD"


def _with_column(path: Path, column: str, values: list[str]) -> None:
    """Add ``column`` to a CSV export, one value per record, in the export's own quoting."""
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[0].append(column)
    for row, value in zip(rows[1:], values + [""] * len(rows), strict=False):
        row.append(value)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL).writerows(rows)


def _sheet_csv(tmp_path: Path, currency: str) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "accounts.csv").write_text(
        f"id,name,annual_revenue,currency\nacme,Acme,1000,{currency}\nglobex,Globex,5,\n",
        encoding="utf-8",
    )
    return folder


def _sheet_xlsx(tmp_path: Path, currency: str) -> Path:
    workbook = openpyxl.Workbook()
    accounts = workbook.active
    assert accounts is not None
    accounts.title = "accounts"
    accounts.append(["id", "name", "annual_revenue", "currency"])
    accounts.append(["acme", "Acme", 1000, currency])
    accounts.append(["globex", "Globex", 5, None])
    workbook.save(tmp_path / "in.xlsx")
    return tmp_path / "in.xlsx"


def _json(tmp_path: Path, currency: str) -> Path:
    accounts = [{"id": "acme", "name": "Acme", "currency": currency}, {"id": "globex", "name": "G"}]
    (tmp_path / "in.json").write_text(json.dumps({"accounts": accounts}), encoding="utf-8")
    return tmp_path / "in.json"


SOURCES = {
    "sheet (CSV)": (lambda p, c: sheet.read(_sheet_csv(p, c)), "acme", "globex"),
    "sheet (XLSX)": (lambda p, c: sheet.read(_sheet_xlsx(p, c)), "acme", "globex"),
    "JSON": (lambda p, c: json_document.read(_json(p, c)), "acme", "globex"),
}


def _salesforce(tmp_path: Path, currency: str) -> Parsed:
    folder = Path(shutil.copytree(SF_EXPORT, tmp_path / "export"))
    _with_column(folder / "Account.csv", "CurrencyIsoCode", [currency])
    return salesforce.read(folder)


def _hubspot(tmp_path: Path, currency: str) -> Parsed:
    companies = Path(shutil.copy(HS_COMPANIES, tmp_path / HS_COMPANIES.name))
    _with_column(companies, "Currency", [currency])
    return hubspot.read([companies, HS_CONTACTS])


CRMS = {
    "Salesforce CurrencyIsoCode": (_salesforce, "0015g00000AcmeCAAQ", "0015g00000GlobxAAQ"),
    "HubSpot Currency": (_hubspot, "hs-company-5100000001", "hs-company-5100000002"),
}


def _account(store: GraphStore, account_id: str) -> Account:
    record = store.record("accounts", {"id": account_id})
    assert isinstance(record, Account)
    return record


@pytest.mark.parametrize("source", [*SOURCES, *CRMS])
def test_a_currency_is_imported_and_stored_and_none_stays_none(
    store: GraphStore, tmp_path: Path, source: str
) -> None:
    read, first, second = {**SOURCES, **CRMS}[source]
    load(store, read(tmp_path, "USD"))
    assert _account(store, first).currency == "USD"
    # None recorded: the installation's default is shown, nothing is invented in the store.
    assert _account(store, second).currency is None


@pytest.mark.parametrize(
    ("source", "where"),
    [
        ("sheet (CSV)", "accounts.csv line 2, column currency"),
        ("sheet (XLSX)", "in.xlsx [accounts] line 2, column currency"),
        ("JSON", "in.json, column accounts[0] (id 'acme').currency"),
        ("Salesforce CurrencyIsoCode", "Account.csv line 2, column CurrencyIsoCode"),
        ("HubSpot Currency", f"{HS_COMPANIES.name} line 2, column Currency"),
    ],
)
@pytest.mark.parametrize("bad", ["usd", "EURO", "€", "E1R"])
def test_a_bad_currency_names_file_row_and_field_and_nothing_is_written(
    store: GraphStore, tmp_path: Path, source: str, where: str, bad: str
) -> None:
    before = store_json(store)
    read = {**SOURCES, **CRMS}[source][0]
    with pytest.raises(InvalidData) as caught:
        load(store, read(tmp_path, bad))
    assert caught.value.problems == [f"{where}, value {bad!r}: {ISO}"]
    assert store_json(store) == before
