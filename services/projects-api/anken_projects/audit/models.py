"""Audit entries: who changed what, with the before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, utc_now


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entity", "entity_type", "entity_id"), {"schema": SCHEMA})

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    actor_type: str = Field(max_length=16, description="user | api_key | system")
    actor_id: str | None = Field(default=None, max_length=64)
    action: str = Field(max_length=64)
    entity_type: str = Field(max_length=32)
    entity_id: str = Field(max_length=64)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSONB)
    request_id: str | None = Field(default=None, max_length=100)
    at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True), index=True)
