"""kamgraph's own JSON document: a lossless copy of the whole store or some accounts.

The document is a :class:`~graph.model.Portfolio` with every field written out, so
export → import into an empty store → export gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from graph.model import Portfolio
from importers.load import Parsed
from importers.problems import Problems


def dumps(portfolio: Portfolio) -> str:
    """The portfolio as kamgraph JSON (every field, stable order, UTF-8 text)."""
    return portfolio.model_dump_json(indent=2) + "\n"


def read(path: Path) -> Parsed:
    """Read and validate a kamgraph JSON document; every problem names where it is."""
    problems = Problems()
    name = path.name
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        problems.error(name, None, None, None, f"not UTF-8 text (byte offset {error.start})")
    except json.JSONDecodeError as error:
        problems.error(name, error.lineno, None, None, f"not valid JSON: {error.msg}")
    else:
        portfolio = _validate(name, data, problems)
    problems.raise_if_errors(name)
    records = sum(len(getattr(portfolio, kind)) for kind in Portfolio.model_fields)
    return Parsed(source=str(path), batches=lambda: iter([portfolio]), records=records)


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
