"""Keyset (cursor) pagination: `{items, next_cursor}` pages over a stable sort.

The cursor is opaque to clients (its codec: anken_common.cursors).
Keyset pagination (rather than OFFSET) keeps every page equally cheap and never skips or
repeats a row when rows are inserted between two requests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar, cast

import sqlalchemy as sa
from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, Mapped

from anken_common.cursors import NOT_A_CURSOR, decode_cursor, encode_cursor
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


def _python_type(column: InstrumentedAttribute[Any]) -> type:
    try:
        python_type: type = column.type.python_type  # an InstrumentedAttribute's `type` is not declared to mypy
        return python_type
    except NotImplementedError:
        return object


@dataclass
class PageResult(Generic[T]):
    items: list[T]
    next_cursor: str | None


async def paginate(
    session: AsyncSession,
    statement: sa.Select[T],
    sort: Sequence[Mapped[Any]],
    *,
    cursor: str | None,
    limit: int = DEFAULT_LIMIT,
    descending: bool = False,
) -> PageResult[T]:
    """Run `statement` (a select of one ORM entity) one page at a time.

    `sort` must end with a unique column (e.g. `(col(Model.created_at), col(Model.id))`) so the order
    is total and stable; its columns must be non-null. Returns the ORM objects and the next cursor.
    """
    # `col()` types a model's column as `Mapped`; at run time it is the class's InstrumentedAttribute.
    columns = [cast(InstrumentedAttribute[Any], column) for column in sort]
    keys = sa.tuple_(*columns)
    if cursor:
        values = decode_cursor(cursor, len(columns))
        for value, col in zip(values, columns, strict=True):
            if not isinstance(value, _python_type(col)):
                raise UnprocessableEntity("cursor", NOT_A_CURSOR)
        bound = sa.tuple_(*[sa.literal(v, type_=col.type) for v, col in zip(values, columns, strict=True)])
        statement = statement.where(keys < bound if descending else keys > bound)
    order = [col.desc() if descending else col.asc() for col in columns]
    statement = statement.order_by(None).order_by(*order).limit(limit + 1)
    rows = list((await session.execute(statement)).scalars().all())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, col.key) for col in columns])
    return PageResult(items=rows, next_cursor=next_cursor)
