"""Base pieces for reporting-api tables: the schema, timestamps, a table model's Core table."""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa
from sqlmodel import SQLModel

from anken_common.clock import utc_now
from anken_reporting.settings import SCHEMA

SCHEMA_ARGS = {"schema": SCHEMA}

__all__ = ["SCHEMA_ARGS", "table_of", "utc_now"]  # utc_now: anken_common.clock


def table_of(model: type[SQLModel]) -> sa.Table:
    """The Core table of a table model, for hand-written Core statements.

    SQLModel sets `__table__` on table classes but does not declare it to type checkers.
    """
    return cast(sa.Table, model.__table__)  # type: ignore[attr-defined]
