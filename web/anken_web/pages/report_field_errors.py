"""The weekly report editor's fields: their limits (shown by the counter before they are hit) and
the API's refusals (RFC 9457 `errors[].field`, e.g. `notes.learnings.0`) as sentences for each field.

The limits are the reporting-api's own, read through input_limits from its
`GET /v1/weekly-reports/limits` (generated from DraftIn's constraints); the API stays the judge,
these numbers only let the page warn early and word the refusal.
"""

from __future__ import annotations

from dataclasses import dataclass

from anken_web import field_errors
from anken_web.api_client import ApiError
from anken_web.field_errors import Gettext, Refusal, as_index
from anken_web.input_limits import InputLimits
from anken_web.vocabulary import field_label_of

# Editor field → the API's list of its lines.
LISTS = {
    "good_reactions": "notes.good_reactions",
    "objections": "notes.objections",
    "learnings": "notes.learnings",
    "next_actions": "next_actions",
}
# The API field whose length one line of the editor field is (a next action's text).
LINE_ITEM = {"next_actions": "next_actions.*.text"}
OWNER = "next_actions.*.owner"


@dataclass(frozen=True)
class FieldLimit:
    """None where the API did not say (the page then shows no number)."""

    line_chars: int | None
    lines: int | None


def field_limits(limits: InputLimits) -> dict[str, FieldLimit]:
    """Editor field → its limits, from the API's."""
    return {field: FieldLimit(limits.max_length(LINE_ITEM.get(field, f"{path}.*")), limits.max_items(path))
            for field, path in LISTS.items()}


def _locate(api_field: str) -> tuple[str, int | None, str | None] | None:
    """`notes.learnings.0` → ("learnings", 0, None); `next_actions.2.owner` → ("next_actions", 2, "owner")."""
    parts = api_field.split(".")
    if parts and parts[0] == "notes":
        parts = parts[1:]
    if not parts or parts[0] not in LISTS:
        return None
    return parts[0], as_index(parts[1]) if len(parts) > 1 else None, parts[2] if len(parts) > 2 else None


def _sentence(refusal: Refusal, _: Gettext, limits: InputLimits) -> str:
    field, index, attribute, kind = refusal.field, refusal.index, refusal.part, refusal.kind
    label, limit = field_label_of(field, _), field_limits(limits)[field]
    line = index + 1 if index is not None else None
    owner_chars = limits.max_length(OWNER)
    if kind == "string_too_long" and attribute == "owner" and owner_chars:
        return _("%(label)s: the owner after the slash must be at most %(max)s characters (line %(line)s).",
                 label=label, max=f"{owner_chars:,}", line=line)
    if kind == "string_too_long" and attribute != "owner" and limit.line_chars:
        return _("%(label)s: each line must be at most %(max)s characters (line %(line)s).",
                 label=label, max=f"{limit.line_chars:,}", line=line)
    if kind == "too_long" and limit.lines:
        return _("%(label)s: enter at most %(max)s lines.", label=label, max=f"{limit.lines:,}")
    return _("%(label)s: please check what you entered.", label=label)


def field_errors_of(exc: ApiError, _: Gettext, limits: InputLimits) -> dict[str, str]:
    """Form field → the first refusal's sentence, for the fields this editor has."""
    return field_errors.field_errors_of(exc, _, _locate, lambda refusal, gettext: _sentence(refusal, gettext, limits))
