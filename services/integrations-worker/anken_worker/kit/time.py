"""Aware UTC time, and a project's local time."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from anken_common.clock import utc_now

__all__ = ["local_now", "utc_now"]  # utc_now: anken_common.clock


def local_now(project: Mapping[str, Any], now: datetime | None = None) -> datetime:
    """`now` (default: this moment) in the project's time zone (Asia/Tokyo when it names none)."""
    return (now or utc_now()).astimezone(ZoneInfo(project.get("timezone") or "Asia/Tokyo"))
