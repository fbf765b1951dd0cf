"""One way from an API's refusal to the form: RFC 9457 `errors[].field` (e.g. `notes.learnings.0`,
`appointment.meeting_at`) to the form field it concerns, and one sentence per field in the user's
language. Each form says only which of its fields an API field means (`locate`) and how to word a
refusal of it (`sentence`); the walk over the problem document lives here once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from anken_web.api_client import ApiError

Gettext = Callable[..., str]


@dataclass(frozen=True)
class Refusal:
    """One refused value, located on the form."""

    field: str  # the form field's name
    kind: str  # pydantic's error type, e.g. string_too_long
    message: str  # the API's own (English) message
    index: int | None = None  # the item of a list field (0-based), when the API names one
    part: str | None = None  # the attribute within that item, e.g. a next action's owner


Locate = Callable[[str], tuple[str, int | None, str | None] | None]


def field_errors_of(exc: ApiError, _: Gettext, locate: Locate,
                    sentence: Callable[[Refusal, Gettext], str]) -> dict[str, str]:
    """Form field → the sentence for its first refusal; fields the form does not have are left to the
    page's general message."""
    errors: dict[str, str] = {}
    if exc.status != 422:
        return errors
    for error in exc.errors:
        found = locate(str(error.get("field") or ""))
        if found is None or found[0] in errors:
            continue
        field, index, part = found
        refusal = Refusal(field, str(error.get("type") or ""), str(error.get("message") or ""), index, part)
        errors[field] = sentence(refusal, _)
    return errors


def as_index(value: Any) -> int | None:
    text = str(value)
    return int(text) if text.isdecimal() else None
