"""Stored responses of requests sent with an Idempotency-Key, so retries replay them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, utc_now


class IdempotencyRecord(SQLModel, table=True):
    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("principal", "operation", "key", name="uq_idempotency_keys"), {"schema": SCHEMA})

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    principal: str = Field(max_length=80)
    operation: str = Field(max_length=120)
    key: str = Field(max_length=255)
    request_hash: str = Field(max_length=64)
    status_code: int | None = None
    response: Any = Field(default=None, sa_type=JSONB)
    created_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True), index=True)
