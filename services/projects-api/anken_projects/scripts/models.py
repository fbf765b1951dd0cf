"""Talk scripts: one script per variant (pattern A/B, optionally per industry), immutable versions."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, created_at_field


class ScriptPattern(StrEnum):
    A = "A"
    B = "B"


class Script(SQLModel, table=True):
    __tablename__ = "scripts"
    __table_args__ = (sa.UniqueConstraint("project_id", "variant", name="uq_scripts_project_variant"), {"schema": SCHEMA})

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.projects.id", index=True)
    pattern: ScriptPattern = Field(sa_type=sa.String(1))
    industry: str | None = Field(default=None, max_length=100)
    # The label calls carry: "A", "B", or "A:IT" for pattern A's IT-industry variant.
    variant: str = Field(max_length=120)
    created_at: datetime = created_at_field()


class ScriptVersion(SQLModel, table=True):
    """An immutable version; exactly one version per script is active (a partial unique index)."""

    __tablename__ = "script_versions"
    __table_args__ = (
        sa.UniqueConstraint("script_id", "version", name="uq_script_versions_script_version"),
        sa.Index("uq_script_versions_one_active", "script_id", unique=True, postgresql_where=sa.text("is_active")),
        {"schema": SCHEMA},
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    script_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.scripts.id", index=True)
    project_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.projects.id", index=True)
    version: int
    title: str = Field(max_length=200)
    body: str
    is_active: bool = False
    created_by: uuid.UUID | None = None
    created_at: datetime = created_at_field()
