"""kamgraph's spreadsheet template: one sheet per kind, as a workbook or a folder of CSVs.

One table, :data:`SHEETS`, says what every column holds: its type, whether it is
required, which sheet an id in it refers to, and its help text. The template
(``kamgraph template``), the CSV export and the importer are all driven by it, so what
kamgraph writes, it reads back.

Reading validates the whole input first: every cell, every id a row refers to (a
workbook is self-contained: each id is defined on its own sheet), duplicates and
reporting cycles, each problem named by file, sheet, row and column. It then streams
the records in batches, nodes before the lines between them. A workbook is refused
before it is parsed when it unpacks to more than :attr:`~graph.settings.Limits.workbook_mb`
(a zip bomb), an input with more rows than :attr:`~graph.settings.Limits.sheet_rows` when
it gets there, and an XML entity declaration (billion laughs) as it is read (defusedxml).
An empty cell (or a missing optional column) sets nothing, so a sheet without ``stance``
keeps the stances users set in kamgraph.

>>> [s.name for s in SHEETS][:4]
['accounts', 'team_members', 'competitors', 'stakeholders']
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Literal
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from graph.model import (
    MAX_STRENGTH,
    Account,
    Channel,
    Competitor,
    ConflictsWith,
    DecisionOrientation,
    DmuRole,
    Favors,
    Influences,
    Interaction,
    Knows,
    LenientEnum,
    Ownership,
    Portfolio,
    Record,
    RelationshipLevel,
    ReportsTo,
    Seniority,
    Stakeholder,
    Stance,
    TeamAssignment,
    TeamMember,
    TeamRole,
    Tier,
)
from graph.settings import Limits
from graph.store import BATCH_SIZE
from importers.load import Parsed
from importers.packed import Packed
from importers.problems import Problems
from importers.tabular import (
    Row,
    parse_bool,
    parse_date,
    parse_enum,
    parse_int,
    read_csv,
    refuse_duplicate_columns,
)

Kind = Literal["text", "texts", "id", "ids", "int", "number", "date", "bool", "enum", "enums"]

#: Separates the values of a multi-value cell (DMU roles, participants, competitors, aliases).
SEPARATOR = ";"

#: The sheet (or CSV file) explaining every column; the importer skips it.
HELP_SHEET = "README"

#: What a spreadsheet evaluates as a formula when a cell starts with it (CSV injection).
_FORMULA = re.compile(r"'*[=+\-@]")
_GUARDED = re.compile(r"'+[=+\-@]")

#: What a damaged or hostile workbook raises while openpyxl opens or reads it.
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,  # a zip feature nobody's spreadsheet uses
    InvalidFileException,
    KeyError,  # a part the workbook names is missing
    ParseError,
    DefusedXmlException,
    ValueError,
    OSError,
)

#: Sheet → what one of its ids is called in messages.
_NOUNS = {
    "accounts": "account",
    "team_members": "team member",
    "competitors": "competitor",
    "stakeholders": "stakeholder",
}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: its cell type, and the help the template shows for it."""

    name: str
    kind: Kind
    help: str
    required: bool = False
    enum: type[LenientEnum] | None = None
    low: int = 0
    high: int = MAX_STRENGTH
    refers_to: str | None = None
    same_account_as: str | None = None

    @property
    def allowed(self) -> str:
        """The cell's format or allowed values, as the help sheet says it."""
        where = f" on the {self.refers_to} sheet" if self.refers_to else ""
        values = self.enum.allowed() if self.enum else ""
        return {
            "text": "text",
            "texts": f"text, several separated by {SEPARATOR}",
            "id": f"an id{where}",
            "ids": f"ids{where}, separated by {SEPARATOR}",
            "int": f"a whole number {self.low}–{self.high}",
            "number": "a number",
            "date": "a date, YYYY-MM-DD",
            "bool": "true or false",
            "enum": f"one of: {values}",
            "enums": f"any of: {values}, separated by {SEPARATOR}",
        }[self.kind]


@dataclass(frozen=True)
class Sheet:
    """One kind of record: a sheet of a workbook, or one CSV file of a folder."""

    name: str
    help: str
    model: type[Record]
    records: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    symmetric: bool = False

    @property
    def column_names(self) -> tuple[str, ...]:
        """The header row, in order."""
        return tuple(c.name for c in self.columns)


def _id(name: str, help: str, refers_to: str | None = None, **more: Any) -> Column:
    return Column(name, "id", help, required=True, refers_to=refers_to, **more)


def _enum(name: str, enum: type[LenientEnum], help: str, **more: Any) -> Column:
    return Column(name, "enum", help, enum=enum, **more)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "accounts",
        "The key accounts: the customer organisations.",
        Account,
        "accounts",
        (
            _id("id", "Your id for the account (the CRM's id where there is one)."),
            Column("name", "text", "The customer's name.", required=True),
            Column("industry", "text", "The customer's industry."),
            _enum("tier", Tier, "Key-account tier."),
            Column("annual_revenue", "number", "Our yearly revenue from the account (≥ 0)."),
            Column("profit", "number", "Our yearly profit from the account (may be < 0)."),
            Column(
                "currency",
                "text",
                "ISO 4217 code of revenue and profit (EUR, USD…); empty: KAMGRAPH_CURRENCY.",
            ),
            Column("growth_potential", "number", "How much more business it could give us (0–5)."),
            Column("financial_stability", "number", "How sound its finances are (0–5)."),
            Column("strategic_fit", "number", "How well it fits our strategy and offer (0–5)."),
            Column("relationship_closeness", "number", "How close our relationship is (0–5)."),
            Column("notes", "text", "Anything else worth knowing."),
        ),
        key=("id",),
    ),
    Sheet(
        "team_members",
        "People on our side who hold relationships.",
        TeamMember,
        "team_members",
        (
            _id("id", "Your id for the person (the CRM user id where there is one)."),
            Column("name", "text", "Full name.", required=True),
            Column("title", "text", "Job title."),
            _enum("seniority", Seniority, "Seniority level."),
            Column("email", "text", "Email address."),
            Column("aliases", "texts", "Other email addresses (calendar and mail imports)."),
        ),
        key=("id",),
    ),
    Sheet(
        "competitors",
        "Competitors some stakeholders may favour.",
        Competitor,
        "competitors",
        (
            _id("id", "Your id for the competitor."),
            Column("name", "text", "The competitor's name.", required=True),
        ),
        key=("id",),
    ),
    Sheet(
        "stakeholders",
        "People at the customer, with their reporting line, owner on our side and the "
        "competitors they favour.",
        Stakeholder,
        "stakeholders",
        (
            _id("id", "Your id for the person (the CRM contact id where there is one)."),
            _id("account_id", "The account they work at.", "accounts"),
            Column("name", "text", "Full name.", required=True),
            Column("title", "text", "Job title."),
            Column("function", "text", "Function or department."),
            _enum("seniority", Seniority, "Seniority level."),
            Column("dmu_roles", "enums", "Roles in the buying decision.", enum=DmuRole),
            Column("influence", "int", "Recorded influence on the decision.", low=1, high=5),
            _enum("stance", Stance, "Where they stand toward us."),
            _enum("orientation", DecisionOrientation, "What they weigh most when deciding."),
            Column("inner_circle", "bool", "A key player in the decision."),
            Column("left_company", "bool", "Has left the customer."),
            Column("email", "text", "Email address."),
            Column("aliases", "texts", "Other email addresses (calendar and mail imports)."),
            Column(
                "reports_to",
                "id",
                "Their manager (at the same account).",
                refers_to="stakeholders",
                same_account_as="account_id",
            ),
            Column("owner_id", "id", "Who on our side owns them.", refers_to="team_members"),
            Column("favors", "ids", "Competitors they favour.", refers_to="competitors"),
            Column("notes", "text", "Notes and due actions."),
        ),
        key=("id",),
    ),
    Sheet(
        "account_team",
        "Our team on each account and their roles (one quarterback per account).",
        TeamAssignment,
        "team",
        (
            _id("account_id", "The account.", "accounts"),
            _id("member_id", "The team member.", "team_members"),
            Column("role", "enum", "Their role on the account.", required=True, enum=TeamRole),
        ),
        key=("account_id", "member_id"),
    ),
    Sheet(
        "relationships",
        "Who on our side knows whom at the customer, and how well.",
        Knows,
        "knows",
        (
            _id("member_id", "The team member.", "team_members"),
            _id("stakeholder_id", "The stakeholder.", "stakeholders"),
            Column("strength", "int", "Rated strength (empty: computed from interactions)."),
            Column("rated_on", "date", "When the strength was rated."),
            Column("last_contact", "date", "The last contact."),
            _enum("level", RelationshipLevel, "How they see us now."),
            _enum("target_level", RelationshipLevel, "How we want them to see us."),
            Column("source", "text", "Where the rating came from."),
        ),
        key=("member_id", "stakeholder_id"),
    ),
    Sheet(
        "influence",
        "Who influences whom at the customer, beyond reporting lines.",
        Influences,
        "influences",
        (
            _id("source_id", "The stakeholder who influences.", "stakeholders"),
            _id(
                "target_id",
                "The stakeholder influenced (at the same account).",
                "stakeholders",
                same_account_as="source_id",
            ),
            Column("weight", "int", "How much (empty: 3).", low=1, high=5),
        ),
        key=("source_id", "target_id"),
    ),
    Sheet(
        "conflicts",
        "Rivals at the customer (one row per pair).",
        ConflictsWith,
        "conflicts",
        (
            _id("stakeholder_id", "One stakeholder.", "stakeholders"),
            _id(
                "other_id",
                "Their rival (at the same account).",
                "stakeholders",
                same_account_as="stakeholder_id",
            ),
        ),
        key=("stakeholder_id", "other_id"),
        symmetric=True,
    ),
    Sheet(
        "interactions",
        "Calls, emails and meetings: relationship strength is computed from them.",
        Interaction,
        "interactions",
        (
            _id("id", "Your id for the interaction."),
            _id("account_id", "The account it was about.", "accounts"),
            Column("date", "date", "When it happened.", required=True),
            Column("channel", "enum", "How.", required=True, enum=Channel),
            Column(
                "member_ids",
                "ids",
                "Who took part on our side.",
                required=True,
                refers_to="team_members",
            ),
            Column(
                "stakeholder_ids",
                "ids",
                "Who took part at the customer (they may have moved to another account since).",
                required=True,
                refers_to="stakeholders",
            ),
            Column("summary", "text", "What it was about."),
        ),
        key=("id",),
    ),
)

_BY_NAME = {s.name: s for s in SHEETS}

#: Portfolio fields written in the first phase; lines between them follow.
_NODE_RECORDS = frozenset({"accounts", "team_members", "competitors", "stakeholders"})

#: The stakeholders sheet's columns that are lines, not fields: column → Portfolio field.
_STAKEHOLDER_LINES = {"reports_to": "reports_to", "owner_id": "owners", "favors": "favors"}


# --- reading ---------------------------------------------------------------------------

#: Reads one sheet's rows, recording problems (a sheet is read once, to validate).
_Rows = Callable[[Problems], Iterator[Row]]

#: The records of each row of a sheet, by Portfolio field, as validated, in row order.
_Records = Packed[dict[str, list[Record]]]


def read(path: Path) -> Parsed:
    """Read and validate a filled-in template: an ``.xlsx`` workbook or a folder of CSVs.

    Raises :class:`~graph.errors.InvalidData` listing every problem; nothing is written
    by reading. The records validated are kept packed (compressed, never the input's
    rows as Python objects), and the returned batches unpack them: the input is read once.
    """
    problems = Problems()
    limits = Limits.from_env()
    tables = _tables(path, limits, problems)
    checks = _Checks()
    packed: dict[str, _Records] = {}
    records = rows = 0
    for sheet in SHEETS:
        if sheet.name not in tables:
            continue
        packed[sheet.name] = Packed()
        for row in _known_columns(sheet, tables[sheet.name](problems), problems):
            rows += 1
            if rows > limits.sheet_rows:
                problems.error(
                    row.file,
                    row.line,
                    None,
                    None,
                    f"more than {limits.sheet_rows:,} rows, the limit "
                    f"({Limits.advice('sheet_rows')}); not read further",
                )
                break
            values, valid = _cells(sheet, row, problems)
            checks.add(sheet, row, values, problems)
            if valid:
                found = _records(sheet, row, values, problems)
                packed[sheet.name].append(found)
                records += sum(len(r) for r in found.values())
        if rows > limits.sheet_rows:
            break
    else:
        checks.finish(problems)
    if records == 0 and not problems.errors:
        problems.error(path.name, None, None, None, "nothing to import (no rows below the headers)")
    problems.raise_if_errors(path.name)
    return Parsed(
        source=str(path),
        batches=partial(_batches, packed),
        records=records,
        problems=problems,
    )


def _batches(packed: dict[str, _Records]) -> Iterator[Portfolio]:
    """The records read, as batches: every node first, then the lines between them."""
    for nodes in (True, False):
        for sheet in SHEETS:
            kinds = {k for k in _kinds(sheet) if (k in _NODE_RECORDS) == nodes}
            if sheet.name not in packed or not kinds:
                continue
            batch: dict[str, list[Record]] = defaultdict(list)
            for rows, found in enumerate(packed[sheet.name], start=1):
                for kind, records in found.items():
                    if kind in kinds:
                        batch[kind] += records
                if rows % BATCH_SIZE == 0 and batch:
                    yield Portfolio(**batch)
                    batch = defaultdict(list)
            if batch:
                yield Portfolio(**batch)


def _kinds(sheet: Sheet) -> set[str]:
    """The Portfolio fields a sheet's rows fill."""
    lines = set(_STAKEHOLDER_LINES.values()) if sheet.name == "stakeholders" else set()
    return {sheet.records} | lines


def _tables(path: Path, limits: Limits, problems: Problems) -> dict[str, _Rows]:
    """The input's sheets by template sheet name, each a way to read its rows."""
    tables: dict[str, _Rows] = {}
    others: list[str] = []
    if path.is_dir():
        for file in sorted(path.glob("*.csv")):
            sheet = _BY_NAME.get(file.stem.lower())
            if sheet:
                required = [c.name for c in sheet.columns if c.required]
                tables[sheet.name] = partial(read_csv, file, required=required)
            elif file.stem.upper() != HELP_SHEET:
                others.append(file.name)
    elif path.suffix.lower() in {".xlsx", ".xlsm"}:
        if not _unpacks_within(path, limits, problems):
            return tables
        try:
            workbook = openpyxl.load_workbook(path, read_only=True)
        except _DAMAGED as error:
            problems.error(
                path.name, None, None, None, f"not a readable Excel workbook ({_why(error)})"
            )
            return tables
        titles = workbook.sheetnames
        workbook.close()
        for title in titles:
            sheet = _BY_NAME.get(title.strip().lower())
            if sheet:
                tables[sheet.name] = partial(_xlsx_rows, path, title, sheet)
            elif title.strip().upper() != HELP_SHEET:
                others.append(title)
    else:
        problems.error(
            path.name, None, None, None, "expected an .xlsx workbook or a folder of CSV files"
        )
    for other in others:
        problems.warn(
            "unknown sheets", path.name, None, None, other, "not a sheet of the template (not read)"
        )
    if not tables and not problems.errors:
        expected = ", ".join(s.name for s in SHEETS)
        problems.error(path.name, None, None, None, f"no sheet of the template ({expected})")
    return tables


def _unpacks_within(path: Path, limits: Limits, problems: Problems) -> bool:
    """Whether the workbook's parts add up to no more than the limit once unpacked.

    The sizes are those the zip's directory declares, read without unpacking anything;
    Python's zipfile (so openpyxl) never unpacks a part beyond its declared size (more
    data fails its CRC check), so the declared total bounds what reading can cost.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(part.file_size for part in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        problems.error(path.name, None, None, None, f"not a readable Excel workbook ({error})")
        return False
    if unpacked <= limits.workbook_mb * 2**20:
        return True
    problems.error(
        path.name,
        None,
        None,
        None,
        f"unpacks to {unpacked / 2**20:,.0f} MB, more than the limit of {limits.workbook_mb:,} MB "
        f"({Limits.advice('workbook_mb')}); not read",
    )
    return False


def _xlsx_rows(path: Path, title: str, sheet: Sheet, problems: Problems) -> Iterator[Row]:
    """A worksheet's rows (row 1 is the header), streamed; line = the Excel row number.

    A part that turns out damaged (or declares XML entities) is one problem at the row
    reached; the rows before it have been yielded, but the import stops on the problem.
    """
    label = f"{path.name} [{title}]"
    try:
        yield from _worksheet_rows(path, title, sheet, label, problems)
    except _DAMAGED as error:
        problems.error(label, None, None, None, f"the workbook is damaged ({_why(error)})")


def _why(error: Exception) -> str:
    """What went wrong, on one line: openpyxl wraps the cause in a paragraph naming the path."""
    cause = error.__cause__ if isinstance(error.__cause__, Exception) else error
    return " ".join(str(cause).split()) or type(cause).__name__


def _worksheet_rows(
    path: Path, title: str, sheet: Sheet, label: str, problems: Problems
) -> Iterator[Row]:
    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        worksheet = workbook[title]
        worksheet.reset_dimensions()  # some writers record a wrong used range
        rows = worksheet.iter_rows(values_only=True)
        header = [_cell_text(v).strip() for v in next(rows, None) or ()]
        if not any(header):
            problems.error(label, None, None, None, "the sheet is empty (no header row)")
            return
        missing = [c.name for c in sheet.columns if c.required and c.name not in header]
        for column in missing:
            problems.error(label, 1, column, None, "required column is missing from the header")
        if missing or refuse_duplicate_columns(label, header, problems):
            return
        for line, cells in enumerate(rows, start=2):
            if problems.full:
                return
            values = {h: _cell_text(v) for h, v in zip(header, cells, strict=False) if h}
            if any(v.strip() for v in values.values()):
                yield Row(label, line, values)
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """An Excel cell as the text a CSV would hold (date cells as ISO dates, 4.0 as 4)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return _number_text(value)
    return str(value)


def _known_columns(sheet: Sheet, rows: Iterable[Row], problems: Problems) -> Iterator[Row]:
    """The rows, warning once about each column the template does not have."""
    warned: set[str] = set()
    for row in rows:
        for column in row.values.keys() - set(sheet.column_names) - warned:
            warned.add(column)
            problems.warn(
                "unknown columns",
                row.file,
                1,
                None,
                column,
                f"not a column of the {sheet.name} sheet (not read)",
            )
        yield row


def _cells(sheet: Sheet, row: Row, problems: Problems) -> tuple[dict[str, Any], bool]:
    """The row's good non-empty cells, typed, and whether every cell was good.

    Bad cells are recorded in ``problems``; the good ones still count (a row with a bad
    stance still defines its id, so rows referring to it do not fail too).
    """
    before = len(problems.errors)
    values: dict[str, Any] = {}
    for column in sheet.columns:
        value = _cell(column, row, problems)
        if value is not None:
            values[column.name] = value
        elif column.required and row.get(column.name) is None:
            problems.error(row.file, row.line, column.name, None, "a value is required")
    return values, len(problems.errors) == before


def _cell(column: Column, row: Row, problems: Problems) -> Any:
    """One cell as its column's type; None when empty or bad (bad ones are recorded)."""
    name = column.name
    if column.kind == "int":
        return parse_int(row, name, problems, column.low, column.high)
    if column.kind == "date":
        return parse_date(row, name, problems)
    if column.kind == "bool":
        return parse_bool(row, name, problems)
    if column.kind == "enum":
        return parse_enum(row, name, column.enum, problems)  # type: ignore[arg-type]
    text = row.get(name)
    if text is None:
        return None
    if column.kind == "number":
        return _number(row, name, text, problems)
    text = text[1:] if _GUARDED.match(text) else text
    if column.kind not in {"texts", "ids", "enums"}:
        return text
    parts = tuple(p for p in (p.strip() for p in text.split(SEPARATOR)) if p)
    if column.kind in {"texts", "ids"}:
        return parts or None
    allowed = column.enum.allowed()  # type: ignore[union-attr]
    roles = []
    for part in parts:
        try:
            roles.append(column.enum(part))  # type: ignore[misc]
        except ValueError:
            problems.error(row.file, row.line, name, part, f"expected any of: {allowed}")
    return tuple(roles) or None


def _number(row: Row, column: str, text: str, problems: Problems) -> float | None:
    try:
        number = float(text)
    except ValueError:
        number = math.nan
    if math.isfinite(number):
        return number
    problems.error(row.file, row.line, column, text, "expected a number")
    return None


def _records(
    sheet: Sheet, row: Row, values: dict[str, Any], problems: Problems
) -> dict[str, list[Record]]:
    """The records one row holds, by Portfolio field (a stakeholder row holds its lines)."""
    fields = {k: v for k, v in values.items() if k in sheet.model.model_fields}
    main = _build(sheet, sheet.model, fields, row, problems, sheet.key[-1])
    if main is None:
        return {}
    out: dict[str, list[Record]] = {sheet.records: [main]}
    if sheet.name != "stakeholders":
        return out
    sid = values["id"]
    wanted: list[tuple[str, type[Record], dict[str, str]]] = []
    if manager := values.get("reports_to"):
        wanted.append(("reports_to", ReportsTo, {"stakeholder_id": sid, "manager_id": manager}))
    if owner := values.get("owner_id"):
        wanted.append(("owner_id", Ownership, {"member_id": owner, "stakeholder_id": sid}))
    for competitor in values.get("favors", ()):
        wanted.append(("favors", Favors, {"stakeholder_id": sid, "competitor_id": competitor}))
    for column, model, fields in wanted:
        if line := _build(sheet, model, fields, row, problems, column):
            out.setdefault(_STAKEHOLDER_LINES[column], []).append(line)
    return out


def _build(
    sheet: Sheet,
    model: type[Record],
    fields: dict[str, Any],
    row: Row,
    problems: Problems,
    at: str,
) -> Record | None:
    """``model(**fields)``; a problem goes to its field's column, else to column ``at``.

    (A line built from a stakeholder row, such as a ReportsTo, has fields that are not
    columns: its problems go to the line's own column.)
    """
    try:
        return model(**fields)
    except ValidationError as error:
        for e in error.errors():
            loc = str(e["loc"][0]) if e["loc"] else ""
            column = loc if loc in sheet.column_names else at
            problems.error(
                row.file,
                row.line,
                column,
                row.get(column),
                e["msg"].removeprefix("Value error, "),
            )
        return None


@dataclass
class _Ref:
    """An id a cell refers to, checked once every sheet has been read."""

    file: str
    line: int
    column: str
    id: str
    sheet: str
    account: tuple[str, str] | None  # (sheet, id): must be at that account / stakeholder's


@dataclass
class _Checks:
    """What the first pass keeps to check the input as a whole: keys, ids and lines."""

    seen: dict[str, dict[tuple[str, ...], int]] = field(default_factory=lambda: defaultdict(dict))
    account_of: dict[str, str] = field(default_factory=dict)
    managers: dict[str, tuple[str, Row]] = field(default_factory=dict)
    refs: list[_Ref] = field(default_factory=list)

    def add(self, sheet: Sheet, row: Row, values: dict[str, Any], problems: Problems) -> None:
        """Remember the row's key and references; a repeated key is an error now."""
        key = tuple(values.get(c, "") for c in sheet.key)
        if all(key):
            key = tuple(sorted(key)) if sheet.symmetric else key
            first = self.seen[sheet.name].setdefault(key, row.line)
            if first != row.line:
                problems.error(
                    row.file,
                    row.line,
                    sheet.key[0],
                    row.get(sheet.key[0]),
                    f"duplicate {' and '.join(sheet.key)}: already on line {first}",
                )
        if sheet.name == "stakeholders" and "id" in values and "account_id" in values:
            self.account_of[values["id"]] = values["account_id"]
            if values.get("reports_to", values["id"]) != values["id"]:
                self.managers[values["id"]] = (values["reports_to"], row)
        for column in sheet.columns:
            if column.refers_to is None or column.name not in values:
                continue
            anchor = column.same_account_as
            account = None
            if anchor and anchor in values:
                anchor_column = next(c for c in sheet.columns if c.name == anchor)
                account = (anchor_column.refers_to or "", values[anchor])
            ids = values[column.name]
            for ref in ids if isinstance(ids, tuple) else (ids,):
                self.refs.append(
                    _Ref(row.file, row.line, column.name, ref, column.refers_to, account)
                )

    def finish(self, problems: Problems) -> None:
        """Report ids that are not defined, lines across accounts, and reporting cycles."""
        for ref in self.refs:
            if (ref.id,) not in self.seen[ref.sheet]:
                noun = _NOUNS[ref.sheet]
                problems.error(
                    ref.file,
                    ref.line,
                    ref.column,
                    ref.id,
                    f"no {noun} with this id on the {ref.sheet} sheet",
                )
                continue
            if ref.sheet != "stakeholders" or ref.account is None:
                continue
            anchor_sheet, anchor = ref.account
            account = anchor if anchor_sheet == "accounts" else self.account_of.get(anchor)
            works_at = self.account_of.get(ref.id)
            if account is not None and works_at is not None and works_at != account:
                problems.error(
                    ref.file,
                    ref.line,
                    ref.column,
                    ref.id,
                    f"this stakeholder works at {works_at!r}, not at {account!r}",
                )
        self._cycles(problems)

    def _cycles(self, problems: Problems) -> None:
        reported: set[frozenset[str]] = set()
        for start in sorted(self.managers):
            seen: list[str] = []
            node: str | None = start
            while node is not None and node not in seen:
                seen.append(node)
                node = self.managers[node][0] if node in self.managers else None
            if node == start and frozenset(seen) not in reported:
                reported.add(frozenset(seen))
                manager, row = self.managers[start]
                problems.error(
                    row.file,
                    row.line,
                    "reports_to",
                    manager,
                    "reporting lines form a cycle: " + " → ".join([*seen, start]),
                )


# --- writing ---------------------------------------------------------------------------


def table(sheet: Sheet, portfolio: Portfolio) -> Iterator[list[Any]]:
    """The sheet's rows for ``portfolio``: typed values (dates, numbers, enums, tuples)."""
    favors: dict[str, tuple[str, ...]] = defaultdict(tuple)
    for f in portfolio.favors:
        favors[f.stakeholder_id] += (f.competitor_id,)
    lines: dict[str, dict[str, Any]] = {
        "reports_to": {r.stakeholder_id: r.manager_id for r in portfolio.reports_to},
        "owner_id": {o.stakeholder_id: o.member_id for o in portfolio.owners},
        "favors": favors,
    }
    for record in getattr(portfolio, sheet.records):
        yield [
            lines[c.name].get(record.id) if c.name in lines else getattr(record, c.name)
            for c in sheet.columns
        ]


def write_folder(portfolio: Portfolio, folder: Path, *, with_help: bool = False) -> None:
    """Write one CSV file per sheet into ``folder`` (created if missing), each file whole.

    UTF-8 with a byte-order mark, so Excel shows accents right; a text starting with
    ``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` so no spreadsheet runs it as a
    formula (the importer takes it off again).
    """
    folder.mkdir(exist_ok=True)  # its parent must exist, as for every output file
    if with_help:
        _write_csv(folder / f"{HELP_SHEET}.csv", [list(HELP_HEADER), *help_rows()])
    for sheet in SHEETS:
        rows = (
            [_csv_text(c, v) for c, v in zip(sheet.columns, row, strict=True)]
            for row in table(sheet, portfolio)
        )
        _write_csv(folder / f"{sheet.name}.csv", [list(sheet.column_names)], rows)


def _write_csv(path: Path, *parts: Iterable[list[str]]) -> None:
    partial_path = path.with_name(path.name + ".partial")
    with partial_path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        for rows in parts:
            writer.writerows(rows)
    partial_path.replace(path)


def _csv_text(column: Column, value: Any) -> str:
    """A value as CSV cell text that reads back as the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, int | dt.date):
        return str(value)
    if isinstance(value, tuple):
        value = SEPARATOR.join(str(v) for v in value)
    text = str(value)
    return "'" + text if _FORMULA.match(text) else text


def _number_text(value: float) -> str:
    """``1200000.0`` as ``1200000``; other floats as Python's shortest exact form."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


HELP_HEADER = ("sheet", "column", "required", "values", "description")


def help_rows() -> list[list[str]]:
    """The help table: one row per sheet, then one per column, as the README sheet shows."""
    rows = []
    for sheet in SHEETS:
        rows.append([sheet.name, "", "", "", sheet.help])
        rows += [
            [sheet.name, c.name, "yes" if c.required else "", c.allowed, c.help]
            for c in sheet.columns
        ]
    return rows


_NOTES = (
    "kamgraph import template",
    "One row per record. Row 1 of each sheet holds the column names; keep them.",
    "An empty cell sets nothing: what kamgraph already holds for it stays as it is.",
    "Ids are yours (a CRM id where there is one): re-importing the same ids updates, "
    "never duplicates.",
    "Every id a row refers to must be defined on its own sheet of the same workbook.",
    f"Lists: values separated by '{SEPARATOR}'. Dates: YYYY-MM-DD or a date cell. "
    "Listed values are not case-sensitive.",
    "Import with: kamgraph import sheet FILE --dry-run (to check), then without --dry-run.",
)


def write_template(out: Path, *, as_csv: bool = False, example: bool = False) -> None:
    """Write the template, blank or with ``example`` rows: ``OUT.xlsx`` a workbook, else CSV
    files. Blank by default: example rows left in a filled-in sheet import as real data."""
    rows = EXAMPLE if example else Portfolio()
    if as_csv or out.suffix.lower() != ".xlsx":
        write_folder(rows, out, with_help=True)
    else:
        _write_workbook(rows, out)


def _write_workbook(portfolio: Portfolio, path: Path) -> None:
    """The template as one workbook: the README sheet, then one sheet per kind."""
    workbook = openpyxl.Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = HELP_SHEET
    for text in _NOTES:
        notes.append([text])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([])
    notes.append(list(HELP_HEADER))
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
    for row in help_rows():
        notes.append(row)
    for letter, width in zip("ABCDE", (16, 18, 10, 60, 70), strict=True):
        notes.column_dimensions[letter].width = width
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(list(sheet.column_names))
        for row in table(sheet, portfolio):
            worksheet.append([_xlsx_value(v) for v in row])
        _format(worksheet, sheet)
    partial_path = path.with_name(path.name + ".partial")
    workbook.save(partial_path)
    partial_path.replace(path)


def _xlsx_value(value: Any) -> Any:
    """A value as a typed cell: numbers and dates stay themselves, the rest becomes text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return SEPARATOR.join(str(v) for v in value)
    if isinstance(value, LenientEnum):
        return value.value
    return value


def _format(worksheet: Worksheet, sheet: Sheet) -> None:
    """Bold frozen header, readable widths, date formats and drop-down lists of values."""
    worksheet.freeze_panes = "A2"
    for index, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(index)
        header = worksheet.cell(row=1, column=index)
        header.font = Font(bold=True)
        worksheet.column_dimensions[letter].width = max(len(column.name) + 4, 14)
        cells = f"{letter}2:{letter}1048576"
        if column.kind == "date":
            for (cell,) in worksheet[f"{letter}2:{letter}{max(worksheet.max_row, 2)}"]:
                cell.number_format = "yyyy-mm-dd"
        options = {
            "enum": column.enum.allowed().replace(" ", "") if column.enum else "",
            "bool": "true,false",
        }.get(column.kind)
        if options:
            rule = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        elif column.kind == "int":
            rule = DataValidation(
                type="whole",
                operator="between",
                formula1=str(column.low),
                formula2=str(column.high),
                allow_blank=True,
            )
        else:
            continue
        rule.error = f"Expected {column.allowed}."
        rule.errorTitle = column.name
        rule.prompt = f"{column.help} {column.allowed[0].upper()}{column.allowed[1:]}."
        rule.promptTitle = column.name
        rule.showErrorMessage = rule.showInputMessage = True
        worksheet.add_data_validation(rule)
        rule.add(cells)


#: The template's example rows: one small account with a row on every sheet.
EXAMPLE = Portfolio(
    accounts=[
        Account(
            id="acme",
            name="Acme Manufacturing",
            industry="Industrial machinery",
            tier=Tier.gold,
            annual_revenue=1_200_000,
            profit=240_000,
            growth_potential=4,
            financial_stability=3.5,
            strategic_fit=5,
            relationship_closeness=3,
            notes="Renewal due in Q3",
        )
    ],
    team_members=[
        TeamMember(
            id="kim",
            name="Kim Park",
            title="Key Account Manager",
            seniority=Seniority.manager,
            email="kim.park@example.com",
            aliases=("kim@example.com",),
        )
    ],
    competitors=[Competitor(id="rival", name="Rival Systems")],
    stakeholders=[
        Stakeholder(
            id="acme-ceo",
            account_id="acme",
            name="Jane Doe",
            title="Chief Executive Officer",
            function="Executive",
            seniority=Seniority.c_level,
            dmu_roles=[DmuRole.decision_maker],
            influence=5,
            stance=Stance.supporter,
            orientation=DecisionOrientation.business,
            inner_circle=True,
            left_company=False,
            email="jane.doe@acme.example",
        ),
        Stakeholder(
            id="acme-cfo",
            account_id="acme",
            name="Omar Haddad",
            title="Chief Financial Officer",
            function="Finance",
            seniority=Seniority.c_level,
            dmu_roles=[DmuRole.economic_buyer, DmuRole.evaluator],
            influence=4,
            stance=Stance.skeptic,
            orientation=DecisionOrientation.financial,
            inner_circle=True,
            left_company=False,
            email="omar.haddad@acme.example",
            notes="Wants a business case before the renewal",
        ),
    ],
    team=[TeamAssignment(member_id="kim", account_id="acme", role=TeamRole.quarterback)],
    knows=[
        Knows(
            member_id="kim",
            stakeholder_id="acme-ceo",
            strength=3,
            rated_on=dt.date(2026, 1, 15),
            last_contact=dt.date(2026, 2, 10),
            level=RelationshipLevel.credible_source,
            target_level=RelationshipLevel.trusted_advisor,
            source="account plan",
        )
    ],
    reports_to=[ReportsTo(stakeholder_id="acme-cfo", manager_id="acme-ceo")],
    influences=[Influences(source_id="acme-cfo", target_id="acme-ceo", weight=4)],
    conflicts=[ConflictsWith(stakeholder_id="acme-cfo", other_id="acme-ceo")],
    owners=[
        Ownership(member_id="kim", stakeholder_id="acme-ceo"),
        Ownership(member_id="kim", stakeholder_id="acme-cfo"),
    ],
    favors=[Favors(stakeholder_id="acme-cfo", competitor_id="rival")],
    interactions=[
        Interaction(
            id="acme-qbr-2026-02",
            account_id="acme",
            date=dt.date(2026, 2, 10),
            channel=Channel.meeting,
            member_ids=["kim"],
            stakeholder_ids=["acme-ceo", "acme-cfo"],
            summary="Quarterly business review",
        )
    ],
)
