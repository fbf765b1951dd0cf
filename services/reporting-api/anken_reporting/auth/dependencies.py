"""Typed auth dependencies: every route declares who may call it through one of these."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anken_common.auth_tokens import InvalidToken, Role, TokenKind, is_api_key, verify_token
from anken_common.problems import Forbidden, Unauthorized
from anken_reporting.auth.principal import Principal

bearer = HTTPBearer(auto_error=False, description="A user token from projects-api POST /v1/auth/token, or a partner API key (ak_…)")


async def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    if credentials is None:
        raise Unauthorized("send Authorization: Bearer <token>")
    token = credentials.credentials
    resources = request.app.state.resources
    if is_api_key(token):
        return await resources.introspection.principal_for(token)
    try:
        claims = verify_token(resources.settings.anken_secret_key, token)
    except InvalidToken:
        raise Unauthorized("token is invalid or expired") from None
    if claims.kind == TokenKind.service:
        return Principal(kind="service", id=claims.subject, role=Role.admin)
    try:
        user_id = uuid.UUID(claims.subject)
    except ValueError:
        raise Unauthorized("token is invalid or expired") from None
    return Principal(kind="user", id=user_id, role=claims.role)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role):
    """Users of the given roles (admins and services always pass); partner keys never."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.kind == "service" or principal.role == Role.admin:
            return principal
        if principal.is_user and principal.role in roles:
            return principal
        raise Forbidden(f"requires one of the roles: {', '.join(r.value for r in roles) or 'admin'}")

    return dependency


def require_scope(scope: str):
    """Partner keys need `scope`; every user role passes (project access is checked per project)."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.is_partner and scope not in principal.scopes:
            raise Forbidden(f"this API key lacks the scope {scope}", required_scope=scope)
        return principal

    return dependency


AdminOnly = Annotated[Principal, Depends(require_roles())]
KpiReader = Annotated[Principal, Depends(require_scope("read:kpis"))]
UserReader = Annotated[Principal, Depends(require_roles(Role.director, Role.manager, Role.member))]
DirectorOrManager = Annotated[Principal, Depends(require_roles(Role.director, Role.manager))]
