"""Opaque-enough cursors for `{items, next_cursor}` lists."""

from __future__ import annotations

import uuid

from anken_common.problems import UnprocessableEntity


def parse_uuid_cursor(cursor: str | None) -> uuid.UUID | None:
    if cursor is None:
        return None
    try:
        return uuid.UUID(cursor)
    except ValueError:
        raise UnprocessableEntity("cursor", "not a cursor this list returned") from None


def parse_int_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not cursor.isdigit() or len(cursor) > 19:
        raise UnprocessableEntity("cursor", "not a cursor this list returned")
    return int(cursor)
