"""The weekly report editor's fields: their limits (shown by the counter before they are hit) and
the API's refusals (RFC 9457 `errors[].field`, e.g. `notes.learnings.0`) as sentences for each field.

The limits are the reporting-api's rules (anken_reporting.reports.schemas: NoteText, NextAction);
the API stays the judge, these numbers only let the page warn early and word the refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from anken_web import field_errors
from anken_web.api_client import ApiError
from anken_web.field_errors import Gettext, Refusal, as_index


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


def _locate(api_field: str) -> tuple[str, int | None, str | None] | None:
    """`notes.learnings.0` → ("learnings", 0, None); `next_actions.2.owner` → ("next_actions", 2, "owner")."""
    parts = api_field.split(".")
    if parts and parts[0] == "notes":
        parts = parts[1:]
    if not parts or parts[0] not in FIELD_LIMITS:
        return None
    return parts[0], as_index(parts[1]) if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None


def _sentence(refusal: Refusal, _: Gettext) -> str:
    field, index, attribute, kind = refusal.field, refusal.index, refusal.part, refusal.kind
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
    return field_errors.field_errors_of(exc, _, _locate, _sentence)
