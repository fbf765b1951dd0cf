"""How wide reporting-api stores a call's text facts, and how a longer value is cut to fit.

reporting-api keeps a call's script variant and its target's industry in columns of these widths
(its migration 0002); every path that writes them (the per-event projection, the batched
projection, the columnar rebuild) and projects-api's call-facts export, which hands reporting-api
the values already cut, use this one definition: in Python through `stored_*`, in SQL through
`sql_stored`. Absent (None) is stored as ''.
"""

from __future__ import annotations

VARIANT_MAX_CHARS = 64
INDUSTRY_MAX_CHARS = 100


def stored_text(value: str | None, width: int) -> str:
    """`value` as reporting-api stores it: '' when absent, else its first `width` characters."""
    return (value or "")[:width]


def stored_variant(value: str | None) -> str:
    return stored_text(value, VARIANT_MAX_CHARS)


def stored_industry(value: str | None) -> str:
    return stored_text(value, INDUSTRY_MAX_CHARS)


def sql_stored(expression: str, width: int) -> str:
    """stored_text as a PostgreSQL expression over a text `expression` (left() counts characters)."""
    return f"COALESCE(left({expression}, {int(width)}), '')"
