"""Typed auth dependencies: every route declares who may call it through one of these."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anken_common.auth_tokens import Role, is_api_key
from anken_common.principal import ensure_role, principal_from_token
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
    return principal_from_token(resources.settings.anken_secret_key, token, Principal)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role):
    """Users of the given roles (admins and services always pass); partner keys never."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        return ensure_role(principal, roles)

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
