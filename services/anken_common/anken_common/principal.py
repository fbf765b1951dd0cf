"""Who is calling a service: a logged-in user, a partner API key, or another service."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from anken_common.auth_tokens import Role


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" | "api_key" | "service"
    id: uuid.UUID | str
    role: Role | None = None
    client_id: uuid.UUID | None = None  # set for API keys: the only tenant they may see
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_user(self) -> bool:
        return self.kind == "user"

    @property
    def is_partner(self) -> bool:
        return self.kind == "api_key"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.admin
