"""Admins, directors (user JWTs from projects-api) and other services may use the worker API.

A user token counts while projects-api says its user is active at the token's version, with the
user's current role (anken_common.user_status). The token checks are anken_common.principal_dependency's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from anken_common import access as rule
from anken_common.auth_tokens import Role
from anken_common.principal import Principal
from anken_common.principal_dependency import principal_dependency
from anken_common.problems import Forbidden, Unauthorized
from anken_common.user_status import RemoteUserStatus

if TYPE_CHECKING:
    from anken_worker.db import Resources

__all__ = ["Operator", "Principal", "get_principal"]  # Principal: anken_common's


async def _current_role(request: Request, principal: Principal, token: str) -> Role | None:
    resources: Resources = request.app.state.resources
    if not resources.settings.user_status_check:
        return principal.role
    # A deactivated, demoted or logged-out user loses access here too (projects-api decides, ≤ 5 s old).
    user_id = rule.as_uuid(principal.id)
    if user_id is None:  # principal_from_token names users by UUID
        raise Unauthorized("token is invalid or expired")
    return await _user_status(request, resources).role_for(token, user_id, principal.token_version)


_caller = principal_dependency(
    Principal, service="worker", description="A user token (admin or director) or a service token",
    current_role=_current_role)


async def get_principal(principal: Annotated[Principal, Depends(_caller)]) -> Principal:
    """A service, or an admin or director (no partner keys: a key is an invalid token here)."""
    if principal.kind == "user" and principal.role not in (Role.admin, Role.director):
        raise Forbidden("integrations are managed by admins and directors")
    return principal


def _user_status(request: Request, resources: Resources) -> RemoteUserStatus:
    """One per app, over the worker's long-lived projects-api client."""
    found = getattr(request.app.state, "user_status", None)
    if found is None or found.client is not resources.ctx.projects:  # a new lifespan has a new client
        found = request.app.state.user_status = RemoteUserStatus(
            resources.ctx.projects, resources.settings.anken_secret_key, "integrations-worker")
    return found


Operator = Annotated[Principal, Depends(get_principal)]
