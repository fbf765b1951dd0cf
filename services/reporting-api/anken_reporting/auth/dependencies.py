"""Typed auth dependencies: every route declares who may call it through one of these."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anken_common.auth_tokens import Role, is_api_key
from anken_common.principal import ensure_role, principal_from_token
from anken_common.problems import Forbidden, Unauthorized
from anken_common.rate_limit import enforce_api_key_rate
from anken_reporting.auth.principal import Principal

bearer = HTTPBearer(auto_error=False, description="A user token from projects-api POST /v1/auth/token, or a partner API key (ak_…)")


async def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    if credentials is None:
        raise Unauthorized("send Authorization: Bearer <token>")
    token = credentials.credentials
    resources = request.app.state.resources
    settings = resources.settings
    if is_api_key(token):
        principal = await resources.introspection.principal_for(token)
        # Reports cost CPU: partner keys have a budget here too, apart from projects-api's.
        bucket = settings.redis_key("ratelimit", "reporting", "api_key", str(principal.id))
        await enforce_api_key_rate(resources.redis, bucket, settings.api_key_rate_capacity, settings.api_key_rate_per_s)
        return principal
    principal = principal_from_token(settings.anken_secret_key, token, Principal)
    if principal.kind == "service" or not settings.user_status_check:
        return principal
    # A deactivated, demoted or logged-out user loses access here too (projects-api decides, ≤ 5 s old).
    role = await resources.introspection.user_role(token, principal.id, principal.token_version)
    return replace(principal, role=role)


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
