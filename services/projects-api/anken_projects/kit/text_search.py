"""Case-insensitive "contains" filters that treat the user's text literally."""

from __future__ import annotations

import sqlalchemy as sa


def contains(column: sa.ColumnElement, text: str) -> sa.ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.ilike(f"%{escaped}%", escape="\\")
