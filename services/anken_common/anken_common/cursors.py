"""Opaque keyset cursors: URL-safe base64 of the sort-key values of a page's last item.

Each value is tagged with its type, so a cursor decodes back to the value the column compares
against (a uuid, an instant, a date, an int, a bool, text or null). A cursor that is not one of
ours is a 422 naming `cursor`, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from anken_common.problems import UnprocessableEntity

CursorValue = None | bool | int | uuid.UUID | datetime | date | str

NOT_A_CURSOR = "is not a cursor returned by this list"

T = TypeVar("T", bool, int, uuid.UUID, datetime, date, str)


def _tag(value: Any) -> list[Any]:
    if value is None:
        return ["n", None]
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, uuid.UUID):
        return ["u", str(value)]
    if isinstance(value, datetime):
        return ["t", value.isoformat()]
    if isinstance(value, date):
        return ["d", value.isoformat()]
    return ["s", str(value)]


def _untag(item: Any) -> CursorValue:
    kind, raw = item
    if kind == "n":
        return None
    if kind == "b":
        return bool(raw)
    if kind == "i":
        return int(raw)
    if kind == "u":
        return uuid.UUID(raw)
    if kind == "t":
        return datetime.fromisoformat(raw)
    if kind == "d":
        return date.fromisoformat(raw)
    if kind == "s":
        return str(raw)
    raise ValueError(kind)


def encode_cursor(values: Sequence[Any]) -> str:
    """The cursor of a page's last item, from its sort-key values in sort order."""
    raw = json.dumps([_tag(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, expected_len: int) -> list[CursorValue]:
    """The sort-key values inside a cursor; a 422 naming `cursor` when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        items = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(items, list) or len(items) != expected_len:
            raise ValueError("wrong length")
        return [_untag(item) for item in items]
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        raise UnprocessableEntity("cursor", NOT_A_CURSOR) from None


def decode_typed_cursor(cursor: str, types: Sequence[type]) -> list[CursorValue]:
    """decode_cursor, and each value must be an instance of the type at its position (a 422 if not)."""
    values = decode_cursor(cursor, len(types))
    for value, expected in zip(values, types, strict=True):
        if not isinstance(value, expected) or (expected is date and isinstance(value, datetime)) or (
                expected is int and isinstance(value, bool)):
            raise UnprocessableEntity("cursor", NOT_A_CURSOR)
    return values


def decode_instant_id_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    """A cursor of lists sorted by (an instant, a uuid): e.g. (raised_at, id)."""
    at, item_id = decode_typed_cursor(cursor, (datetime, uuid.UUID))
    if not isinstance(at, datetime) or not isinstance(item_id, uuid.UUID):  # decode_typed_cursor checked both
        raise UnprocessableEntity("cursor", NOT_A_CURSOR)
    return at, item_id


def decode_value_cursor(cursor: str, kind: type[T]) -> T:
    """A cursor of lists sorted by one unique value of type `kind` (e.g. an id or a sequence)."""
    (value,) = decode_typed_cursor(cursor, (kind,))
    if not isinstance(value, kind):  # decode_typed_cursor checked it
        raise UnprocessableEntity("cursor", NOT_A_CURSOR)
    return value
