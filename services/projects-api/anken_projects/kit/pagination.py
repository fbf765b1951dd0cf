"""Keyset (cursor) pagination: `{items, next_cursor}` pages over a stable sort.

The cursor is opaque to clients: URL-safe base64 of the sort-key values of the last item,
each tagged with its type so it decodes back to the value the column compares against.
Keyset pagination (rather than OFFSET) keeps every page equally cheap and never skips or
repeats a row when rows are inserted between two requests.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

import sqlalchemy as sa
from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from anken_common.problems import UnprocessableEntity

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 500

LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (1–{MAX_LIMIT})")]
CursorQuery = Annotated[
    str | None, Query(max_length=512, description="`next_cursor` of the previous page; omit for the first page")
]


class Page(BaseModel, Generic[T]):
    """One page of a list: the items and the cursor of the next page (null on the last page)."""

    items: list[T]
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` to get the next page; null when done")


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


def _untag(item: Any) -> Any:
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
    raw = json.dumps([_tag(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, expected_len: int) -> list[Any]:
    """The sort-key values inside a cursor; a 422 naming `cursor` when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        items = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(items, list) or len(items) != expected_len:
            raise ValueError("wrong length")
        return [_untag(item) for item in items]
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, UnicodeDecodeError):
        raise UnprocessableEntity("cursor", "is not a cursor returned by this list") from None


def _python_type(column: InstrumentedAttribute) -> type:
    try:
        return column.type.python_type
    except NotImplementedError:
        return object


@dataclass
class PageResult(Generic[T]):
    items: list[T]
    next_cursor: str | None


async def paginate(
    session: AsyncSession,
    statement: sa.Select,
    sort: Sequence[InstrumentedAttribute],
    *,
    cursor: str | None,
    limit: int = DEFAULT_LIMIT,
    descending: bool = False,
) -> PageResult[Any]:
    """Run `statement` (a select of one ORM entity) one page at a time.

    `sort` must end with a unique column (e.g. `(Model.created_at, Model.id)`) so the order is
    total and stable; its columns must be non-null. Returns the ORM objects and the next cursor.
    """
    keys = sa.tuple_(*sort)
    if cursor:
        values = decode_cursor(cursor, len(sort))
        for value, col in zip(values, sort, strict=True):
            if not isinstance(value, _python_type(col)):
                raise UnprocessableEntity("cursor", "is not a cursor returned by this list")
        bound = sa.tuple_(*[sa.literal(v, type_=col.type) for v, col in zip(values, sort, strict=True)])
        statement = statement.where(keys < bound if descending else keys > bound)
    order = [col.desc() if descending else col.asc() for col in sort]
    statement = statement.order_by(None).order_by(*order).limit(limit + 1)
    rows = list((await session.execute(statement)).scalars().all())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, col.key) for col in sort])
    return PageResult(items=rows, next_cursor=next_cursor)
