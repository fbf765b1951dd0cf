"""Base pieces for projects-api tables: the schema, UUID keys, timestamps."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_common.clock import utc_now
from anken_projects.settings import SCHEMA

SCHEMA_ARGS = {"schema": SCHEMA}

__all__ = ["SCHEMA_ARGS", "created_at_field", "fk", "table_of", "utc_now", "uuid_pk"]  # utc_now: anken_common.clock


def uuid_pk() -> uuid.UUID:
    return Field(default_factory=uuid.uuid4, primary_key=True)


def created_at_field() -> datetime:
    return Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True), nullable=False)


def fk(target: str, *, nullable: bool = False, index: bool = True, ondelete: str | None = None) -> uuid.UUID:
    """A UUID foreign key to `table.column` in the projects schema."""
    return Field(
        default=None if nullable else ...,
        foreign_key=f"{SCHEMA}.{target}",
        nullable=nullable,
        index=index,
        ondelete=ondelete,  # type: ignore[arg-type]
    )


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a table model, for hand-written Core statements.

    SQLModel sets `__table__` on table classes but does not declare it to type checkers.
    """
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]
