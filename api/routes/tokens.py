"""Tokens, for admins: issue one for a team member, list them, revoke one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status
from pydantic import BaseModel

from api import service
from api.auth import AdminDep
from api.deps import NOT_FOUND, StoreDep
from graph.access import Role, Token
from graph.model import Id, Line

router = APIRouter(tags=["tokens"])
TokenId = Annotated[str, Path(description="The token's id.", max_length=64)]


class TokenCreate(BaseModel):
    """A token to issue: for whom, with which role, and what it is for."""

    member_id: Id
    role: Role
    label: Line | None = None


@router.get("/tokens", operation_id="list_tokens")
def list_tokens(store: StoreDep, caller: AdminDep) -> list[Token]:
    """Every token, revoked ones too (never their secrets). Admins only."""
    return service.list_tokens(store, caller)


@router.post(
    "/tokens",
    operation_id="create_token",
    status_code=status.HTTP_201_CREATED,
    responses=NOT_FOUND,
)
def create_token(store: StoreDep, caller: AdminDep, body: TokenCreate) -> service.IssuedToken:
    """Issue a token; the answer holds its secret, which is never shown again. Admins only."""
    return service.create_token(store, caller, body.member_id, body.role, body.label)


@router.delete(
    "/tokens/{token_id}",
    operation_id="revoke_token",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=NOT_FOUND,
)
def revoke_token(store: StoreDep, caller: AdminDep, token_id: TokenId) -> None:
    """Revoke a token now (its browser sessions end too). Admins only."""
    service.revoke_token(store, caller, token_id)
