"""What the routers share: the store dependency, the path and query types, error bodies.

Path ids are the model's own :data:`~graph.model.Id` (at most
:data:`~graph.model.MAX_ID_LENGTH` characters, no control characters), so a malformed id
is a 422 before any store call; ``as_of`` is an ISO date and nothing else (``0`` is not
1970-01-01).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Final

from fastapi import Depends, Path, Query, Request
from pydantic import BaseModel, BeforeValidator
from pydantic_core import PydanticCustomError

from graph.errors import StoreUnavailable
from graph.model import MAX_ID_LENGTH, Id, Line
from graph.store import GraphStore

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def get_store(request: Request) -> GraphStore:
    """The process's store (opened once in the app's lifespan); while its engine is
    known to be down, a 503 at once, saying why."""
    outage = request.app.state.outage
    if outage is not None:
        raise StoreUnavailable(f"{outage} (kamgraph is bringing it back)")
    return request.app.state.store


def _iso_date(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` reaches date parsing (which would read ``0`` as a timestamp)."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise PydanticCustomError("iso_date", "expected a date as YYYY-MM-DD")
    return value


StoreDep = Annotated[GraphStore, Depends(get_store)]
AccountId = Annotated[Id, Path(description="The account's id.")]
StakeholderId = Annotated[Id, Path(description="The stakeholder's id.")]
Search = Annotated[
    Line | None, Query(description="Part of a name or id.", max_length=MAX_ID_LENGTH)
]
AsOf = Annotated[
    dt.date | None,
    BeforeValidator(_iso_date),
    Query(description="The account as it was at the end of this date, YYYY-MM-DD (default: now)."),
]
Since = Annotated[
    dt.date,
    BeforeValidator(_iso_date),
    Query(description="Changes after the end of this date, YYYY-MM-DD."),
]
SinceReview = Annotated[
    dt.date | None,
    BeforeValidator(_iso_date),
    Query(description="Add what changed after the end of this date, YYYY-MM-DD."),
]
Until = Annotated[
    dt.date | None,
    BeforeValidator(_iso_date),
    Query(description="Changes by the end of this date, YYYY-MM-DD (default: today)."),
]


#: The last page of a change log one asks for: its offset stays far inside the engines'
#: integers (page 10^6 of 1,000 is the 10^9th change).
MAX_PAGE: Final = 1_000_000
HistoryPageNumber = Annotated[
    int, Query(ge=1, le=MAX_PAGE, description="Page, newest changes first.")
]


class ErrorDetail(BaseModel):
    """The body of an error answer: one line saying what went wrong."""

    detail: str


#: The content of an error answer in ``responses``. The schema is given inline (not as
#: ``model``), since FastAPI would file it under an HTML route's own media type.
ERROR: dict[str, Any] = {
    "content": {"application/json": {"schema": ErrorDetail.model_json_schema()}}
}

#: The ``responses`` of a route that looks a record up by id.
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No record with that id.", **ERROR}
}


class RequestProblem(BaseModel):
    """What FastAPI found wrong with a request: where (``loc``) and what."""

    loc: list[str | int]
    msg: str
    type: str


class FieldProblem(BaseModel):
    """What the store or a model found wrong with a record: its field (None: the record
    as a whole) and a message that names it."""

    field: str | None
    msg: str


class InvalidAnswer(BaseModel):
    """A 422: the request's problems (``detail`` lists them), or the record's (``detail``
    sums them up, ``problems`` lists them)."""

    detail: str | list[RequestProblem]
    problems: list[FieldProblem] = []


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A model's JSON schema with its ``$defs`` put in place of their references, for a
    schema given inline in ``responses`` (where ``#/$defs/…`` would point nowhere)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].rsplit("/", 1)[1]])
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


#: The 422 any route may answer, declared app-wide: FastAPI's own default names only a
#: malformed request's shape, so a refusal of the store on a route with no 422 of its own
#: would be off the schema. Inline, as :data:`ERROR`, for the HTML routes' sake.
UNPROCESSABLE: dict[int | str, dict[str, Any]] = {
    422: {
        "description": "The request is malformed, or the store refuses its data.",
        "content": {"application/json": {"schema": _inlined(InvalidAnswer.model_json_schema())}},
    }
}
