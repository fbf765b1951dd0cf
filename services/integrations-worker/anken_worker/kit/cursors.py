"""Cursors of the worker's `{items, next_cursor}` lists, in anken_common.cursors' one format."""

from __future__ import annotations

import uuid

from anken_common.cursors import decode_value_cursor, encode_cursor


def uuid_cursor(value: uuid.UUID) -> str:
    """The cursor after the item with this id (lists ordered by id)."""
    return encode_cursor([value])


def parse_uuid_cursor(cursor: str | None) -> uuid.UUID | None:
    return None if cursor is None else decode_value_cursor(cursor, uuid.UUID)


def int_cursor(value: int) -> str:
    """The cursor after the item at this position (lists ordered by a sequence)."""
    return encode_cursor([value])


def parse_int_cursor(cursor: str | None) -> int | None:
    return None if cursor is None else decode_value_cursor(cursor, int)
