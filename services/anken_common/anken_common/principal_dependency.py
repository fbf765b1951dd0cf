"""The one `get_principal` flow of every service: who sends this bearer token.

No token is a 401. A partner API key (`ak_…`) goes to the service's own check when it accepts
keys (else it is an invalid token, 401). A signed token names a service, which passes as it is,
or a user, whose current role the service then looks up (active, same token version). What a
principal may do after that stays with each service, except for client users: they reach only the
routes of anken_common.access.CLIENT_USER_ROUTES, every other route answers them 404 here.

(No `from __future__ import annotations` here: FastAPI reads the dependency's annotations at
runtime, and they name the closure's own `bearer`.)
"""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anken_common import access
from anken_common.auth_tokens import Role, is_api_key
from anken_common.principal import Principal, principal_from_token
from anken_common.problems import NotFound, Unauthorized

P = TypeVar("P", bound=Principal)

# Given the request and the key: the partner principal, or a 401/403/429 raised.
ApiKeyCheck = Callable[[Request, str], Awaitable[P]]
# Given the request, the user's principal from the token and the token: the user's role now.
CurrentRole = Callable[[Request, P, str], Awaitable[Role | None]]
PrincipalDependency = Callable[[Request, HTTPAuthorizationCredentials | None], Awaitable[P]]


def principal_dependency(
    cls: type[P],
    *,
    description: str,
    service: str = "",
    api_key: ApiKeyCheck[P] | None = None,
    current_role: CurrentRole[P] | None = None,
) -> PrincipalDependency[P]:
    """A FastAPI dependency giving the caller as a `cls`; `description` documents the bearer scheme, `service`
    names the service in the client-user allow-list ("projects", "reporting", "worker"; unnamed: a client
    user may call none of its routes)."""
    bearer = HTTPBearer(auto_error=False, description=description)

    async def get_principal(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
    ) -> P:
        if credentials is None:
            raise Unauthorized("send Authorization: Bearer <token>")
        token = credentials.credentials
        if api_key is not None and is_api_key(token):
            return await api_key(request, token)
        principal = principal_from_token(request.app.state.resources.settings.anken_secret_key, token, cls)
        if principal.kind != "service" and current_role is not None:
            principal = replace(principal, role=await current_role(request, principal, token))
        if access.is_client_user(principal):
            _hold_client_boundary(request, service, principal)
        return principal

    return get_principal


def _hold_client_boundary(request: Request, service: str, principal: Principal) -> None:
    """A client user reaches only the allow-listed routes; the rest answer 404 (their existence is not leaked)."""
    if principal.client_id is None:  # a client user's token always names the client
        raise Unauthorized("token is invalid or expired")
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    if not isinstance(path, str) or not access.client_user_may_call(service, request.method, path):
        raise NotFound("resource")
