"""Typed auth dependencies: every route declares who may call it through one of these."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anken_common.auth_tokens import Role, is_api_key
from anken_common.principal import ensure_role, principal_from_token
from anken_common.problems import Forbidden, Unauthorized
from anken_projects.auth.api_key_auth import authenticate_api_key
from anken_projects.auth.principal import Principal
from anken_projects.auth.user_status import active_role

bearer = HTTPBearer(auto_error=False, description="A user token from POST /v1/auth/token, or a partner API key (ak_…)")


async def get_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    if credentials is None:
        raise Unauthorized("send Authorization: Bearer <token>")
    token = credentials.credentials
    if is_api_key(token):
        return await authenticate_api_key(request, token)
    settings = request.app.state.resources.settings
    principal = principal_from_token(settings.anken_secret_key, token, Principal)
    if principal.kind == "service":
        return principal
    # The token's role may be stale: the user's current role, activity and token version decide.
    return replace(principal, role=await active_role(request, principal.id, principal.token_version))


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role):
    """A dependency allowing users of the given roles (admins and services always pass)."""

    async def dependency(principal: CurrentPrincipal) -> Principal:
        return ensure_role(principal, roles)

    return dependency


def require_scope(scope: str, *user_roles: Role):
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
