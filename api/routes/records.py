"""The write API's routes, registered from :data:`api.records.RESOURCES`: per resource a
list, a create, and a read, merge patch and delete of one record at a flat path by id.

The record a path names is resolved, and the caller's access to it checked, in a
dependency, so an unseen record is a 404 (and a read-only caller's change a 403) before
the body or ``If-Match`` is looked at. A read answers with ``ETag: "<version>"``; a
patch or delete needs ``If-Match`` (428 without it, 412 when it is stale).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Final

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Response, status

from api import records
from api.auth import CallerDep
from api.deps import ERROR, InvalidAnswer, Search, StoreDep
from api.records import MAX_LIMIT, MAX_OFFSET, Key, Page, Resource
from graph.access import Caller
from graph.model import Id, TeamRole
from graph.store import GraphStore

router = APIRouter()

MERGE_PATCH: Final = "application/merge-patch+json"
IfMatch = Annotated[
    str | None,
    Header(
        description='The version the change was made against: the ETag you read, or "*".',
        max_length=1000,
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Records per page.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Records to skip.")]
#: The 422 of every route here: a request FastAPI refused, or a record the store did.
INVALID: Final[dict[int | str, dict[str, Any]]] = {
    422: {"model": InvalidAnswer, "description": "Every problem, each naming its field."}
}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, **ERROR}


FOUND: Final = {404: _error("No record with that key (or one you may not see).")}
CHANGE: Final = {
    **FOUND,
    403: _error("Your role may not change it."),
    412: _error("It changed since the version you named: `current_version` says its version."),
    428: _error("No `If-Match`: name the version you read."),
}


def _parameter(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> Any:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def _with_signature(function: Callable[..., Any], *parameters: inspect.Parameter) -> Any:
    """``function`` (taking keywords) as FastAPI should see it: these parameters."""
    function.__signature__ = inspect.Signature(list(parameters))  # type: ignore[attr-defined]
    return function


def _path_parameters(spec: Resource) -> list[inspect.Parameter]:
    out = []
    for name in spec.params:
        kind: Any = TeamRole if name == "role" else Id
        described = Path(description=f"The {name.removesuffix('_id').replace('_', ' ')}.")
        out.append(_parameter(name, Annotated[kind, described]))
    return out


def _key(spec: Resource) -> Any:
    """A dependency: the path's key, once the caller may read its record."""

    def key(store: GraphStore, caller: Caller, **path: Any) -> Key:
        found = tuple(str(path[name]) for name in spec.params)
        records.authorize(store, caller, spec.name, found, "read")
        return found

    return _with_signature(
        key, _parameter("store", StoreDep), _parameter("caller", CallerDep), *_path_parameters(spec)
    )


def _change(spec: Resource, action: str) -> Any:
    """A dependency: the path's key and the ``If-Match`` header, once the caller may
    ``action`` its record and has named a version (428 without)."""

    def change(
        store: GraphStore, caller: Caller, if_match: str | None = None, **path: Any
    ) -> tuple[Key, str]:
        found = tuple(str(path[name]) for name in spec.params)
        records.authorize(store, caller, spec.name, found, action)
        if if_match is None:
            raise records.version_required(spec.name)
        return found, if_match

    return _with_signature(
        change,
        _parameter("store", StoreDep),
        _parameter("caller", CallerDep),
        *_path_parameters(spec),
        _parameter("if_match", IfMatch, None),
    )


def _tagged(response: Response, found: records.Versioned) -> Any:
    response.headers["ETag"] = f'"{found.version}"'
    return found.record


def _register(spec: Resource) -> None:
    """The routes of one resource."""
    one = "/".join(["", spec.name, *(f"{{{p}}}" for p in spec.params)])
    tags = [spec.plural.replace("_", " ")]
    KeyToRead = Annotated[Key, Depends(_key(spec))]
    ToChange = Annotated[tuple[Key, str], Depends(_change(spec, "update"))]
    ToDelete = Annotated[tuple[Key, str], Depends(_change(spec, "delete"))]

    def list_records(
        store: GraphStore, caller: Caller, limit: int, offset: int, **filters: Any
    ) -> Page:
        wanted = {k: str(v) for k, v in filters.items() if v is not None}
        return records.listing(store, caller, spec.name, filters=wanted, limit=limit, offset=offset)

    filters = [
        _parameter("q", Search, None)
        if name == "q"
        else _parameter(name, Annotated[Id | None, Query(description=f"Only this {name}.")], None)
        for name in spec.filters
    ]
    router.add_api_route(
        f"/{spec.name}",
        _with_signature(
            list_records,
            _parameter("store", StoreDep),
            _parameter("caller", CallerDep),
            *filters,
            _parameter("limit", Limit, 50),
            _parameter("offset", Offset, 0),
        ),
        methods=["GET"],
        operation_id=f"list_{spec.plural}",
        response_model=Page[spec.read],  # type: ignore[name-defined]
        summary=f"List {spec.plural.replace('_', ' ')}",
        description=f"A page of the {spec.noun} records you may see, in key order.",
        responses=INVALID,
        tags=tags,
    )

    def create_record(store: GraphStore, caller: Caller, response: Response, body: Any) -> Any:
        fields = body.model_dump(exclude_unset=True, mode="json")
        created = records.create(store, caller, spec.name, fields)
        response.headers["Location"] = spec.path(created.record)
        return _tagged(response, created)

    router.add_api_route(
        f"/{spec.name}",
        _with_signature(
            create_record,
            _parameter("store", StoreDep),
            _parameter("caller", CallerDep),
            _parameter("response", Response),
            _parameter("body", Annotated[spec.create, Body()]),
        ),
        methods=["POST"],
        status_code=status.HTTP_201_CREATED,
        operation_id=f"create_{spec.singular}",
        response_model=spec.read,
        summary=f"Create a {spec.noun}",
        description=f"Create a {spec.noun}: 201 with its Location and ETag.",
        responses={
            **INVALID,
            403: _error("Your role may not create it."),
            409: _error("One with that key exists."),
        },
        tags=tags,
    )

    def read_record(store: GraphStore, caller: Caller, response: Response, key: Key) -> Any:
        return _tagged(response, records.read(store, caller, spec.name, key))

    router.add_api_route(
        one,
        _with_signature(
            read_record,
            _parameter("store", StoreDep),
            _parameter("caller", CallerDep),
            _parameter("response", Response),
            _parameter("key", KeyToRead),
        ),
        methods=["GET"],
        operation_id=f"read_{spec.singular}",
        response_model=spec.read,
        summary=f"Read a {spec.noun}",
        description=f"One {spec.noun}, with its version as the ETag.",
        responses={**FOUND, **INVALID},
        tags=tags,
    )

    if spec.patchable:

        def update_record(
            store: GraphStore,
            caller: Caller,
            response: Response,
            change: tuple[Key, str],
            body: Any,
        ) -> Any:
            key, if_match = change
            patch = body.model_dump(exclude_unset=True, mode="json")
            changed = records.update(store, caller, spec.name, key, patch, if_match)
            return _tagged(response, changed)

        schema = {"$ref": f"#/components/schemas/{spec.update.__name__}"}
        router.add_api_route(
            one,
            _with_signature(
                update_record,
                _parameter("store", StoreDep),
                _parameter("caller", CallerDep),
                _parameter("response", Response),
                _parameter("change", ToChange),
                _parameter("body", Annotated[spec.update, Body()]),
            ),
            methods=["PATCH"],
            operation_id=f"update_{spec.singular}",
            response_model=spec.read,
            summary=f"Change a {spec.noun}",
            description=(
                f"A JSON merge patch of the {spec.noun} (null removes a field), sent as "
                f"`application/json` or `{MERGE_PATCH}`, with `If-Match`."
            ),
            responses={**CHANGE, **INVALID},
            openapi_extra={
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": schema},
                        MERGE_PATCH: {"schema": schema},
                    },
                }
            },
            tags=tags,
        )

    def delete_record(store: GraphStore, caller: Caller, change: tuple[Key, str]) -> None:
        records.delete(store, caller, spec.name, *change)

    router.add_api_route(
        one,
        _with_signature(
            delete_record,
            _parameter("store", StoreDep),
            _parameter("caller", CallerDep),
            _parameter("change", ToDelete),
        ),
        methods=["DELETE"],
        status_code=status.HTTP_204_NO_CONTENT,
        response_class=Response,
        operation_id=f"delete_{spec.singular}",
        summary=f"Delete a {spec.noun}",
        description=f"Remove the {spec.noun}, with `If-Match`: 204.",
        responses={**CHANGE, **INVALID},
        tags=tags,
    )


for _spec in records.RESOURCES.values():
    _register(_spec)
