"""Client (発注企業): the ordering company and the tenant boundary for partner access."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA_ARGS, created_at_field, utc_now


class Client(SQLModel, table=True):
    __tablename__ = "clients"
    __table_args__ = SCHEMA_ARGS

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=200, index=True)
    industry: str | None = Field(default=None, max_length=100)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = Field(default=1, description="Incremented on every write; the ETag")
