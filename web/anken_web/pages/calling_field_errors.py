"""The calling screen's form fields: their limits (the API's own, read through input_limits from
projects-api's `GET /v1/calls/limits`) and the API's refusals (RFC 9457 `errors[].field`, e.g.
`appointment.meeting_at`) as sentences next to each field, so a refused call or appointment keeps
what was typed and says what to fix."""

from __future__ import annotations

from anken_web import field_errors
from anken_web.api_client import ApiError
from anken_web.field_errors import Gettext, Refusal
from anken_web.i18n.extraction import N_
from anken_web.input_limits import InputLimits
from anken_web.vocabulary import field_label_of

# Form field → (label msgid, the API field whose limits apply); q_<name> fields are the project's
# qualification fields (QUALIFICATION's limits).
FIELDS: dict[str, tuple[str, str]] = {
    "note": (N_("Note"), "note"),
    "meeting_at": (N_("Meeting date and time"), "appointment.meeting_at"),
    "contact_name": (N_("Contact person"), "appointment.contact_name"),
    "contact_title": (N_("Contact's title"), "appointment.contact_title"),
}
QUALIFICATION = "appointment.qualification.*"


def form_limits(limits: InputLimits) -> dict[str, int | None]:
    """Form field → its maximum characters for the page's `maxlength` (`qualification`: every q_ field)."""
    return {**{name: limits.max_length(path) for name, (_, path) in FIELDS.items()},
            "qualification": limits.max_length(QUALIFICATION)}


def form_field(api_field: str) -> str | None:
    """`appointment.meeting_at` → `meeting_at`; `appointment.qualification.budget` → `q_budget`."""
    parts = api_field.split(".")
    if len(parts) > 2 and parts[0] == "calls":  # a bulk answer's calls.<index>.<field>
        parts = parts[2:]
    if parts and parts[0] == "appointment":
        parts = parts[1:]
        if len(parts) == 2 and parts[0] == "qualification":
            return f"q_{parts[1]}"
        if not parts:
            return "meeting_at"  # "appointment is required": its one required field
    name = ".".join(parts)
    return name if name in FIELDS else None


def _locate(api_field: str) -> tuple[str, int | None, str | None] | None:
    field = form_field(api_field)
    return (field, None, None) if field else None


def _sentence(refusal: Refusal, _: Gettext, limits: InputLimits) -> str:
    field = refusal.field
    if field.startswith("q_"):
        label, limit = field_label_of(field.removeprefix("q_"), _), limits.max_length(QUALIFICATION)
    else:
        label_id, path = FIELDS[field]
        label, limit = _(label_id), limits.max_length(path)
    kind, message = refusal.kind, refusal.message
    if kind == "string_too_long" and limit:
        return _("%(label)s: enter at most %(max)s characters.", label=label, max=f"{limit:,}")
    if field == "meeting_at":
        if "before the call" in message or "past" in message:
            return _("%(label)s: the meeting must be in the future.", label=label)
        return _("%(label)s: enter the date and time of the meeting.", label=label)
    return _("%(label)s: please check what you entered.", label=label)


def refuses_pattern(exc: ApiError) -> bool:
    """Whether the API refused the call's script pattern (not the one Anken assigned to the company)."""
    return exc.status == 422 and any(str(e.get("field") or "").split(".")[-1] == "variant" for e in exc.errors)


def field_errors_of(exc: ApiError, _: Gettext, limits: InputLimits) -> dict[str, str]:
    """Form field → the first refusal's sentence, for the fields the calling forms have."""
    return field_errors.field_errors_of(exc, _, _locate, lambda refusal, gettext: _sentence(refusal, gettext, limits))
