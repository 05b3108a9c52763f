"""Rows of CSV files as users' tools write them, streamed, and typed cells.

Real exports carry a UTF-8 byte-order mark, extra columns, quoted fields holding commas,
quotes and newlines, line endings of LF, CR LF or (old Mac Excel) CR alone, and sometimes
bytes that are not UTF-8. :func:`read_csv` streams a file of any size, reports each
problem with the line number an editor shows (the line a record *starts* on), and keeps
going so that one run lists every problem. A file that is not text at all (UTF-16, a
workbook renamed .csv, binary data) is one problem saying what it looks like.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import IO, Any, TypeVar

from pydantic import BaseModel, ValidationError

from importers.problems import Problems

E = TypeVar("E", bound=Enum)
M = TypeVar("M", bound=BaseModel)

#: After this many undecodable lines a file is reported as not text and not read on.
MAX_DECODE_ERRORS = 10

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")


@dataclass(frozen=True)
class Row:
    """One record of an input: its file, the line (or sheet row) it starts on, its cells."""

    file: str
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str | None:
        """The cell's text, stripped; None when the column is missing or the cell blank."""
        text = self.values.get(column)
        if text is None:
            return None
        text = text.strip()
        return text or None


def refuse_duplicate_columns(source: str, header: list[str], problems: Problems) -> bool:
    """Report each column the header names twice (which of its values would count?);
    True if there was one.

    >>> p = Problems()
    >>> refuse_duplicate_columns("a.csv", ["Id", "Name", "Name"], p), [str(e) for e in p.errors]
    (True, ['a.csv line 1, column Name: the header names this column 2 times (columns 2 and 3)'])
    """
    seen: dict[str, list[int]] = {}
    for number, column in enumerate(header, start=1):
        if column:
            seen.setdefault(column, []).append(number)
    twice = {c: n for c, n in seen.items() if len(n) > 1}
    for column, numbers in twice.items():
        where = ", ".join(map(str, numbers[:-1])) + f" and {numbers[-1]}"
        problems.error(
            source,
            1,
            column,
            None,
            f"the header names this column {len(numbers)} times (columns {where})",
        )
    return bool(twice)


def read_csv(path: Path, problems: Problems, *, required: Sequence[str] = ()) -> Iterator[Row]:
    """Stream ``path``'s records as :class:`Row` objects keyed by the header row.

    Problems (not UTF-8, a missing required column, a record with more fields than the
    header) go to ``problems``; rows that cannot be read are not yielded.
    """
    name = path.name
    if (why := not_text(path)) is not None:
        problems.error(name, None, None, None, why)
        return
    lines = _decoded_lines(path, problems)
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            problems.error(name, None, None, None, "the file is empty (no header row)")
            return
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        for column in missing:
            problems.error(name, 1, column, None, "required column is missing from the header")
        if missing or refuse_duplicate_columns(name, header, problems):
            return
        end = reader.line_num
        for fields in reader:
            if problems.full:
                return
            start, end = end + 1, reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) > len(header):
                problems.error(
                    name,
                    start,
                    None,
                    None,
                    f"{len(fields)} fields but the header has {len(header)} columns",
                )
                continue
            yield Row(name, start, dict(zip(header, fields, strict=False)))
    except csv.Error as error:
        problems.error(name, reader.line_num, None, None, f"not a readable CSV file ({error})")


#: How much of a file :func:`not_text` and the line-ending check look at.
_HEAD = 1 << 16
#: Bytes text holds; the rest are control bytes, of which text has a few at most (a stray
#: NUL is a cell's problem, named by the model), binary data many.
_TEXT_BYTES = bytes(range(9, 14)) + bytes(range(32, 256))


def not_text(path: Path) -> str | None:
    """Why ``path`` is not UTF-8 text, judged by its first bytes; None when it may be.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".csv") as f:
    ...     _ = f.write("Record ID,Name\\n".encode("utf-16")); f.flush()
    ...     not_text(Path(f.name))
    'not UTF-8 text (looks like UTF-16); save or export the file as UTF-8'
    """
    with path.open("rb") as file:
        head = file.read(_HEAD)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        looks = "UTF-32"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        looks = "UTF-16"
    elif head.startswith(b"PK\x03\x04"):
        return "not UTF-8 text (looks like a zip archive, such as an Excel workbook); export CSV"
    elif head[1::2].count(0) > len(head) // 4 or head[0::2].count(0) > len(head) // 4:
        looks = "UTF-16"  # ASCII text as UTF-16 without a byte-order mark: every other byte 0
    elif (controls := len(head.translate(None, _TEXT_BYTES))) > 8 and controls * 20 > len(head):
        return "not UTF-8 text (looks like binary data, not a CSV file)"
    else:
        return None
    return f"not UTF-8 text (looks like {looks}); save or export the file as UTF-8"


def _raw_lines(file: IO[bytes]) -> Iterator[bytes]:
    """The file's lines with their endings: LF or CR LF, or CR alone if no LF comes first."""
    head = file.read(_HEAD)
    file.seek(0)
    if b"\n" in head or b"\r" not in head:
        yield from file
        return
    rest = b""
    while chunk := file.read(_HEAD):
        *lines, rest = (rest + chunk).split(b"\r")
        for line in lines:
            yield line + b"\r"
    if rest:
        yield rest


def _decoded_lines(path: Path, problems: Problems) -> Iterator[str]:
    """The file's lines as text (BOM dropped); undecodable lines are reported and replaced."""
    decode = codecs.getincrementaldecoder("utf-8")
    with path.open("rb") as file:
        failures = 0
        for number, raw in enumerate(_raw_lines(file), start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                yield decode().decode(raw, final=True)
            except UnicodeDecodeError as error:
                failures += 1
                problems.error(
                    path.name,
                    number,
                    None,
                    None,
                    f"not UTF-8 text (byte 0x{raw[error.start]:02x} at position "
                    f"{error.start + 1}); save or export the file as UTF-8",
                )
                if failures >= MAX_DECODE_ERRORS:
                    problems.error(path.name, None, None, None, "not read further: not text")
                    return
                yield raw.decode("utf-8", errors="replace")


def parse_date(row: Row, column: str, problems: Problems) -> dt.date | None:
    """A date cell: ``YYYY-MM-DD``, or an ISO date-time whose date part is kept.

    >>> parse_date(Row("t.csv", 2, {"On": "2026-03-01T10:00:00.000+0000"}), "On", Problems())
    datetime.date(2026, 3, 1)
    """
    text = row.get(column)
    if text is None:
        return None
    match = _DATE.fullmatch(text)
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    problems.error(row.file, row.line, column, text, "expected a date as YYYY-MM-DD")
    return None


def parse_int(row: Row, column: str, problems: Problems, low: int, high: int) -> int | None:
    """A whole number cell between ``low`` and ``high`` (``4.0`` from a spreadsheet is 4)."""
    text = row.get(column)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        number = float("nan")
    if number.is_integer() and low <= number <= high:
        return int(number)
    problems.error(row.file, row.line, column, text, f"expected a whole number {low}–{high}")
    return None


def parse_bool(row: Row, column: str, problems: Problems) -> bool | None:
    """A yes/no cell: true/false, yes/no, 1/0 (any case)."""
    text = row.get(column)
    if text is None:
        return None
    key = text.lower()
    if key in {"true", "yes", "y", "1"}:
        return True
    if key in {"false", "no", "n", "0"}:
        return False
    problems.error(row.file, row.line, column, text, "expected true or false")
    return None


def parse_enum(row: Row, column: str, enum: type[E], problems: Problems) -> E | None:
    """An enum cell, matched case-insensitively; the error lists the allowed values."""
    text = row.get(column)
    if text is None:
        return None
    try:
        return enum(text)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in enum)
        problems.error(row.file, row.line, column, text, f"expected one of: {allowed}")
        return None


def build(
    model: type[M], row: Row, problems: Problems, columns: Mapping[str, str], **values: Any
) -> M | None:
    """``model`` from ``row``: each field in ``columns`` from its column, unless in ``values``.

    A column missing from the file is not passed at all, so the store keeps what it
    holds for that field. A rejected value is an error naming the row's column.
    """
    cells = {
        name: row.get(column)
        for name, column in columns.items()
        if name not in values and column in row.values
    }
    try:
        return model(**cells, **values)
    except ValidationError as error:
        for e in error.errors():
            name = str(e["loc"][0]) if e["loc"] else ""
            column = columns.get(name, name) or None
            missing = e["type"] == "missing" or e.get("input") is None
            message = "a value is required" if missing else e["msg"]
            problems.error(row.file, row.line, column, row.get(column), message)
        return None


def full_name(row: Row, first: str, last: str) -> str | None:
    """``first last`` from two columns, either of which may be blank."""
    return " ".join(part for part in (row.get(first), row.get(last)) if part) or None


def mapped(
    table: Mapping[str, tuple[E, ...]], key: str, value: str, enum: type[E]
) -> tuple[E, ...] | None:
    """``table[key]``; else ``value`` as one of kamgraph's own ``enum`` values; else None.

    A source's own vocabulary (a CRM's role names) maps through ``table``; kamgraph's
    own names are accepted as they are; anything else is unknown (None).

    >>> from graph.model import DmuRole
    >>> mapped({"budget holder": (DmuRole.economic_buyer,)}, "budget holder", "x", DmuRole)
    (<DmuRole.economic_buyer: 'economic_buyer'>,)
    >>> mapped({}, "blocker", "blocker", DmuRole), mapped({}, "golf", "golf", DmuRole)
    ((<DmuRole.blocker: 'blocker'>,), None)
    """
    known = table.get(key)
    if known is not None:
        return known
    try:
        return (enum(value),)
    except ValueError:
        return None
