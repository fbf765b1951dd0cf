"""`{items, next_cursor}` paging for the sandbox's own viewer lists (an opaque offset cursor)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from anken_common.problems import UnprocessableEntity

T = TypeVar("T")


def page(items: Sequence[T], cursor: str | None, limit: int) -> tuple[list[T], str | None]:
    try:
        start = int(cursor) if cursor else 0
    except ValueError:
        raise UnprocessableEntity("cursor", "not a cursor returned by this list")
    if start < 0:
        raise UnprocessableEntity("cursor", "not a cursor returned by this list")
    chunk = list(items[start:start + limit])
    following = start + limit
    return chunk, (str(following) if following < len(items) else None)
