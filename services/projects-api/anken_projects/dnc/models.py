"""Do-not-call entries: a company, per client, identified by corporate number and/or phone."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, created_at_field


class DoNotCallEntry(SQLModel, table=True):
    __tablename__ = "dnc_entries"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    client_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.clients.id")
    corporate_number: str | None = Field(default=None, max_length=13)
    phone: str | None = Field(default=None, max_length=20)
    company_name: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=500)
    created_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = created_at_field()
