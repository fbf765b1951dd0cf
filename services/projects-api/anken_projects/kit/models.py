"""Base pieces for projects-api tables: the schema, UUID keys, timestamps."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal, cast

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlmodel import Field, SQLModel

from anken_common.clock import utc_now
from anken_projects.settings import SCHEMA

SCHEMA_ARGS = {"schema": SCHEMA}

__all__ = [  # SCHEMA: anken_projects.settings; utc_now: anken_common.clock
    "SCHEMA", "SCHEMA_ARGS", "OnDelete", "created_at_field", "fk", "table_of", "utc_now", "uuid_pk",
]

OnDelete = Literal["CASCADE", "SET NULL", "RESTRICT"]

# `sqlmodel.Field` is typed as returning Any; each helper declares what the column holds on an instance.


def uuid_pk() -> uuid.UUID:
    return cast(uuid.UUID, Field(default_factory=uuid.uuid4, primary_key=True))


def created_at_field() -> datetime:
    return cast(datetime, Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True), nullable=False))


def fk(target: str, *, nullable: bool = False, index: bool = True, ondelete: OnDelete | None = None) -> uuid.UUID:
    """A UUID foreign key to `table.column` in the projects schema."""
    return cast(uuid.UUID, Field(
        default=None if nullable else ...,
        foreign_key=f"{SCHEMA}.{target}",
        nullable=nullable,
        index=index,
        ondelete=PydanticUndefined if ondelete is None else ondelete,  # unset: the database's default (NO ACTION)
    ))


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a table model, for hand-written Core statements.

    SQLModel sets `__table__` on table classes but does not declare it to type checkers.
    """
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]
