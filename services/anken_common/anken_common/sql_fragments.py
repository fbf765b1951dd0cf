"""Core conditions as PostgreSQL text, for the hand-written one-statement hot paths.

A rule is written once as a SQLAlchemy Core expression (the ORM paths compose it directly); a
statement kept as text for speed embeds the same expression compiled here, so the two cannot
drift. Values are rendered as literals; a statement's own parameter is passed into the
expression as `sa.literal_column("$2")` (asyncpg) or `sa.literal_column(":name")` (text()).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def condition_sql(clause: sa.ColumnElement[Any], over: sa.FromClause) -> str:
    """`clause` as the text of a condition over `over` (a table or alias, e.g. `projects.targets t`).

    It is compiled as the WHERE of `SELECT 1 FROM <over> WHERE <clause>`, so EXISTS subqueries
    correlate to `over` exactly as they will in the statement the text is embedded in.
    """
    compiled = sa.select(sa.literal_column("1")).select_from(over).where(clause).compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})  # type: ignore[no-untyped-call]
    text = str(compiled)
    head, where = text.split("\nWHERE ", 1)
    if not head.startswith("SELECT 1"):
        raise ValueError(f"unexpected compiled form: {text[:80]!r}")
    return f"({where})"
