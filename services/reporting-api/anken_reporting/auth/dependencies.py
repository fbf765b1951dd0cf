"""Typed auth dependencies: every route declares who may call it through one of these."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from anken_common.auth_tokens import Role
from anken_common.principal import ensure_role
from anken_common.principal_dependency import principal_dependency
from anken_common.problems import Forbidden
from anken_common.rate_limit import enforce_api_key_rate
from anken_reporting.auth.principal import Principal


async def _partner(request: Request, token: str) -> Principal:
    resources = request.app.state.resources
    settings = resources.settings
    principal: Principal = await resources.introspection.principal_for(token)
    # Reports cost CPU: partner keys have a budget here too, apart from projects-api's.
    bucket = settings.redis_key("ratelimit", "reporting", "api_key", str(principal.id))
    await enforce_api_key_rate(resources.redis, bucket, settings.api_key_rate_capacity, settings.api_key_rate_per_s)
    return principal


async def _current_role(request: Request, principal: Principal, token: str) -> Role | None:
    resources = request.app.state.resources
    if not resources.settings.user_status_check:
        return principal.role
    # A deactivated, demoted or logged-out user loses access here too (projects-api decides, ≤ 5 s old).
    role: Role = await resources.introspection.user_role(token, principal.id, principal.token_version)
    return role


get_principal = principal_dependency(
    Principal, service="reporting", description="A user token from projects-api POST /v1/auth/token, or a partner API key (ak_…)",
    api_key=_partner, current_role=_current_role,
)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """Users of the given roles (admins and services always pass); partner keys never."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        return ensure_role(principal, roles)

    return dependency


def require_scope(scope: str) -> Callable[[Principal], Awaitable[Principal]]:
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
