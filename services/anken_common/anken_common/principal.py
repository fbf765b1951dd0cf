"""Who is calling a service: a logged-in user, a partner API key, or another service."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from anken_common.auth_tokens import InvalidToken, Role, TokenKind, verify_token
from anken_common.problems import Forbidden, Unauthorized


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" | "api_key" | "service"
    id: uuid.UUID | str
    role: Role | None = None
    client_id: uuid.UUID | None = None  # API keys and client users: the only tenant they may see
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_version: int = 0  # users: the `ver` of their token, compared with the user's current one

    @property
    def is_user(self) -> bool:
        return self.kind == "user"

    @property
    def is_partner(self) -> bool:
        return self.kind == "api_key"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin

    @property
    def user_id(self) -> uuid.UUID:
        """A user's id, typed (principal_from_token parses every user token's subject as a UUID): for code that
        has already checked `is_user`. Asking it of an API key or a service is a bug, hence TypeError."""
        if not self.is_user or not isinstance(self.id, uuid.UUID):
            raise TypeError(f"a {self.kind} principal is no user")
        return self.id


P = TypeVar("P", bound=Principal)


def principal_from_token(
    secret: str, token: str, cls: type[P], audiences: Iterable[TokenKind] = (TokenKind.user, TokenKind.service)
) -> P:
    """The user or service a signed bearer token names; 401 when it is malformed, expired or not
    meant for one of `audiences`.

    The signature is checked locally; whether the user is still active at this token's version
    (anken_common.user_status) and what they may see stay with each service.
    """
    try:
        claims = verify_token(secret, token, audiences)
    except InvalidToken:
        raise Unauthorized("token is invalid or expired") from None
    if claims.kind == TokenKind.service:
        return cls(kind="service", id=claims.subject, role=Role.admin)
    try:
        user_id = uuid.UUID(claims.subject)
    except ValueError:
        raise Unauthorized("token is invalid or expired") from None
    client_id = uuid.UUID(claims.client_id) if claims.client_id else None
    return cls(kind="user", id=user_id, role=claims.role, token_version=claims.version, client_id=client_id)


def ensure_role(principal: P, roles: tuple[Role, ...]) -> P:
    """Admins and services always pass; users need one of `roles`; partner keys never do."""
    if principal.kind == "service" or principal.role == Role.admin:
        return principal
    if principal.is_user and principal.role in roles:
        return principal
    raise Forbidden(f"requires one of the roles: {', '.join(r.value for r in roles) or 'admin'}")
