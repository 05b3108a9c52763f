"""kamgraph's own JSON document: a lossless copy of the whole store or some accounts.

The document is a :class:`~graph.model.Portfolio` with every field written out, so
export → import into an empty store → export gives the same bytes. Before it is parsed,
a document is checked to be UTF-8 text nested no deeper than
:attr:`~graph.settings.Limits.json_depth`, so no file can exhaust the parser.
"""

from __future__ import annotations

import json
import re
from itertools import accumulate
from pathlib import Path

from pydantic import ValidationError

from graph.model import Portfolio
from graph.settings import Limits
from importers.load import Parsed
from importers.problems import Problems
from importers.tabular import not_text

#: A JSON string (escapes included), whose brackets are text, not nesting.
_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')
_BRACKETS = re.compile(r"[^\[\]{}]+")
_PAIR = re.compile(r"[\[{][\]}]")
#: What :func:`_parse` returns for a file it could not read (``null`` is a JSON value).
_UNREAD = object()
_JSON_TYPES = {list: "an array", str: "a string", bool: "true or false", type(None): "null"}


def dumps(portfolio: Portfolio) -> str:
    """The portfolio as kamgraph JSON (every field, stable order, UTF-8 text)."""
    return portfolio.model_dump_json(indent=2) + "\n"


def read(path: Path) -> Parsed:
    """Read and validate a kamgraph JSON document; every problem names where it is."""
    problems = Problems()
    name = path.name
    portfolio = Portfolio()
    if (why := not_text(path)) is not None:
        problems.error(name, None, None, None, why)
    else:
        data = _parse(path, Limits.from_env(), problems)
        if isinstance(data, dict):
            portfolio = _validate(name, data, problems)
        elif data is not _UNREAD:
            kinds = ", ".join(Portfolio.model_fields)
            problems.error(
                name,
                None,
                None,
                None,
                f"expected a kamgraph JSON document, an object of {kinds} "
                f"(found {_JSON_TYPES.get(type(data), 'a number')})",
            )
    records = sum(len(getattr(portfolio, kind)) for kind in Portfolio.model_fields)
    if records == 0 and not problems.errors:
        problems.error(name, None, None, None, "nothing to import (the document holds no records)")
    problems.raise_if_errors(name)
    return Parsed(source=str(path), batches=lambda: iter([portfolio]), records=records)


def _parse(path: Path, limits: Limits, problems: Problems) -> object:
    """The document's JSON value, or :data:`_UNREAD` when it is not JSON or nests too deep."""
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.error(name, None, None, None, f"not UTF-8 text (byte offset {error.start})")
        return _UNREAD
    if nesting(text, limits.json_depth) > limits.json_depth:
        problems.error(
            name,
            None,
            None,
            None,
            f"nested more than {limits.json_depth} deep, the limit ({Limits.advice('json_depth')})",
        )
        return _UNREAD
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        problems.error(name, error.lineno, None, None, f"not valid JSON: {error.msg}")
        return _UNREAD
    except ValueError as error:  # an integer of more digits than Python converts (4,300)
        problems.error(name, None, None, None, f"not usable JSON: {error}")
        return _UNREAD


def nesting(text: str, limit: int) -> int:
    """How deep JSON ``text`` nests arrays and objects, up to ``limit + 1``; without parsing.

    Innermost pairs of brackets are taken out a level at a time (each a C-speed pass), so
    no recursion and no Python loop per character.

    >>> nesting('{"a": [1, {"b": "[[["}]}', 64), nesting("1", 64), nesting("[" * 99, 64)
    (3, 0, 99)
    >>> nesting("[[" * 99 + "]]" * 99, 64), nesting("{", 64)
    (65, 1)
    """
    brackets = _BRACKETS.sub("", _STRING.sub("", text))
    for depth in range(limit + 1):
        if not brackets:
            return depth
        fewer = _PAIR.sub("", brackets)
        if len(fewer) == len(brackets):  # unbalanced (not JSON): count what stays open
            return depth + max(accumulate(1 if c in "[{" else -1 for c in brackets))
        brackets = fewer
    return limit + 1


def _validate(name: str, data: object, problems: Problems) -> Portfolio:
    try:
        return Portfolio.model_validate(data)
    except ValidationError as error:
        for e in error.errors():
            problems.error(name, None, _where(data, e["loc"]), _value(e), e["msg"])
        return Portfolio()


def _where(data: object, loc: tuple[int | str, ...]) -> str:
    """``stakeholders[3] (id 'x').influence`` for a pydantic error location."""
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" (id {node['id']!r})"
        else:
            out += f".{part}" if out else part
            node = node.get(part) if isinstance(node, dict) else None
    return out


def _value(error: dict) -> str | None:
    value = error.get("input")
    if isinstance(value, dict | list) or value is None:
        return None
    return str(value)
