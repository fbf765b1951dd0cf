"""Admins, directors (user JWTs from projects-api) and other services may use the worker API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anken_common.auth_tokens import InvalidToken, Role, TokenKind, verify_token
from anken_common.problems import Forbidden, Unauthorized

bearer = HTTPBearer(auto_error=False, description="A user token (admin or director) or a service token")


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" | "service"
    id: str
    role: Role | None


async def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    if credentials is None:
        raise Unauthorized("send Authorization: Bearer <token>")
    settings = request.app.state.resources.settings
    try:
        claims = verify_token(settings.anken_secret_key, credentials.credentials)
    except InvalidToken:
        raise Unauthorized("token is invalid or expired") from None
    if claims.kind == TokenKind.service:
        return Principal("service", claims.subject, None)
    if claims.role not in (Role.admin, Role.director):
        raise Forbidden("integrations are managed by admins and directors")
    return Principal("user", claims.subject, claims.role)


Operator = Annotated[Principal, Depends(get_principal)]
