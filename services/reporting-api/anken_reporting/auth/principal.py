"""Who is calling reporting-api: a user (JWT), a partner API key, or another service."""

from __future__ import annotations

from dataclasses import dataclass

from anken_common.auth_tokens import Role
from anken_common.principal import Principal as BasePrincipal


@dataclass(frozen=True)
class Principal(BasePrincipal):
    @property
    def sees_everything(self) -> bool:
        """Admins, managers and services see every project."""
        return self.kind == "service" or self.role in (Role.admin, Role.manager)
