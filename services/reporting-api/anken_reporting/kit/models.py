"""Base pieces for reporting-api tables: the schema and timestamps."""

from __future__ import annotations

from datetime import UTC, datetime

from anken_reporting.settings import SCHEMA

SCHEMA_ARGS = {"schema": SCHEMA}


def utc_now() -> datetime:
    return datetime.now(UTC)
