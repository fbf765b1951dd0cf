"""Typed auth dependencies: every route declares who may call it through one of these."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from anken_common.auth_tokens import Role
from anken_common.principal import ensure_role
from anken_common.principal_dependency import principal_dependency
from anken_common.problems import Forbidden
from anken_projects.auth.api_key_auth import authenticate_api_key
from anken_projects.auth.principal import Principal
from anken_projects.auth.user_status import active_role


async def _current_role(request: Request, principal: Principal, token: str) -> Role:
    # The token's role may be stale: the user's current role, activity and token version decide.
    return await active_role(request, principal.user_id, principal.token_version)


get_principal = principal_dependency(
    Principal, service="projects", description="A user token from POST /v1/auth/token, or a partner API key (ak_…)",
    api_key=authenticate_api_key, current_role=_current_role,
)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency allowing users of the given roles (admins and services always pass)."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        return ensure_role(principal, roles)

    return dependency


def require_scope(scope: str, *user_roles: Role) -> Callable[[Principal], Awaitable[Principal]]:
    """Partner keys need `scope`; users need one of `user_roles` (all roles when none given)."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.is_partner:
            if scope not in principal.scopes:
                raise Forbidden(f"this API key lacks the scope {scope}", required_scope=scope)
            return principal
        if principal.kind == "service" or principal.role == Role.admin:
            return principal
        if not user_roles or principal.role in user_roles:
            return principal
        raise Forbidden(f"requires one of the roles: {', '.join(r.value for r in user_roles)}")

    return dependency


AdminOnly = Annotated[Principal, Depends(require_roles())]
UserOnly = Annotated[Principal, Depends(require_roles(Role.director, Role.manager, Role.member))]
