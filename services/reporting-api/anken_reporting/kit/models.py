"""Base pieces for reporting-api tables: the schema and timestamps."""

from __future__ import annotations

from anken_common.clock import utc_now
from anken_reporting.settings import SCHEMA

SCHEMA_ARGS = {"schema": SCHEMA}

__all__ = ["SCHEMA_ARGS", "utc_now"]  # utc_now: anken_common.clock
