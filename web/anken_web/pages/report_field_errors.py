"""The weekly report editor's fields: their limits (shown by the counter before they are hit) and
the API's refusals (RFC 9457 `errors[].field`, e.g. `notes.learnings.0`) as sentences for each field.

The limits are the reporting-api's rules (anken_reporting.reports.schemas: NoteText, NextAction);
the API stays the judge, these numbers only let the page warn early and word the refusal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from anken_web.api_client import ApiError
from anken_web.form_values import whole_number

Gettext = Callable[..., str]


@dataclass(frozen=True)
class FieldLimit:
    line_chars: int
    lines: int


FIELD_LIMITS: dict[str, FieldLimit] = {
    "good_reactions": FieldLimit(1000, 50),
    "objections": FieldLimit(1000, 50),
    "learnings": FieldLimit(1000, 50),
    "next_actions": FieldLimit(500, 50),
}
OWNER_CHARS = 100


def _form_field(api_field: str) -> tuple[str | None, int | None, str | None]:
    """`notes.learnings.0` → ("learnings", 0, None); `next_actions.2.owner` → ("next_actions", 2, "owner")."""
    parts = api_field.split(".")
    if parts and parts[0] == "notes":
        parts = parts[1:]
    if not parts or parts[0] not in FIELD_LIMITS:
        return None, None, None
    index = whole_number(parts[1]) if len(parts) > 1 else None
    return parts[0], index if isinstance(index, int) else None, parts[2] if len(parts) > 2 else None


def _sentence(field: str, index: int | None, attribute: str | None, kind: str, _: Gettext) -> str:
    label, limit = _(field), FIELD_LIMITS[field]
    line = index + 1 if index is not None else None
    if kind == "string_too_long" and attribute == "owner":
        return _("%(label)s: the owner after the slash must be at most %(max)s characters (line %(line)s).",
                 label=label, max=f"{OWNER_CHARS:,}", line=line)
    if kind == "string_too_long":
        return _("%(label)s: each line must be at most %(max)s characters (line %(line)s).",
                 label=label, max=f"{limit.line_chars:,}", line=line)
    if kind == "too_long":
        return _("%(label)s: enter at most %(max)s lines.", label=label, max=f"{limit.lines:,}")
    return _("%(label)s: please check what you entered.", label=label)


def field_errors_of(exc: ApiError, _: Gettext) -> dict[str, str]:
    """Form field → the first refusal's sentence, for the fields this editor has."""
    errors: dict[str, str] = {}
    if exc.status != 422:
        return errors
    for error in exc.errors:
        field, index, attribute = _form_field(str(error.get("field") or ""))
        if field and field not in errors:
            errors[field] = _sentence(field, index, attribute, str(error.get("type") or ""), _)
    return errors
