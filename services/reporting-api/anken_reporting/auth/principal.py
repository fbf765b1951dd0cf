"""Who is calling reporting-api: a user (JWT), a partner API key, or another service."""

from __future__ import annotations

from dataclasses import dataclass

from anken_common import access as rule
from anken_common.principal import Principal as BasePrincipal


@dataclass(frozen=True)
class Principal(BasePrincipal):
    @property
    def sees_everything(self) -> bool:
        """Admins, managers and services see every project (anken_common.access.reads_everything)."""
        return rule.reads_everything(self)
