"""Admins, directors (user JWTs from projects-api) and other services may use the worker API.

A user token counts while projects-api says its user is active at the token's version, with the
user's current role (anken_common.user_status)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anken_common.auth_tokens import InvalidToken, Role, TokenKind, verify_token
from anken_common.problems import Forbidden, Unauthorized
from anken_common.user_status import RemoteUserStatus

if TYPE_CHECKING:
    from anken_worker.db import Resources

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
    resources = request.app.state.resources
    settings = resources.settings
    token = credentials.credentials
    try:
        claims = verify_token(settings.anken_secret_key, token)
    except InvalidToken:
        raise Unauthorized("token is invalid or expired") from None
    if claims.kind == TokenKind.service:
        return Principal("service", claims.subject, None)
    role = claims.role
    if settings.user_status_check:
        # A deactivated, demoted or logged-out user loses access here too (projects-api decides, ≤ 5 s old).
        try:
            user_id = uuid.UUID(claims.subject)
        except ValueError:
            raise Unauthorized("token is invalid or expired") from None
        role = await _user_status(request, resources).role_for(token, user_id, claims.version)
    if role not in (Role.admin, Role.director):
        raise Forbidden("integrations are managed by admins and directors")
    return Principal("user", claims.subject, role)


def _user_status(request: Request, resources: Resources) -> RemoteUserStatus:
    """One per app, over the worker's long-lived projects-api client."""
    found = getattr(request.app.state, "user_status", None)
    if found is None or found.client is not resources.ctx.projects:  # a new lifespan has a new client
        found = request.app.state.user_status = RemoteUserStatus(
            resources.ctx.projects, resources.settings.anken_secret_key, "integrations-worker")
    return found


Operator = Annotated[Principal, Depends(get_principal)]
