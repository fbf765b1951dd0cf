"""The project settings form: every field of a project (DESIGN §2), how each is typed on the form and
sent to projects-api, and the API's refusals (RFC 9457 `errors[].field`, e.g. `extra_closed_days.2`)
as one sentence per field, with the field's own label and the rule.

The limits come from projects-api (`GET /v1/projects/limits`, generated from its request models):
`with_limits` puts them on the fields, so the page shows a counter before a limit is hit and words a
refusal with the number; the API stays the judge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from anken_web import field_errors
from anken_web.api_client import ApiError
from anken_web.field_errors import Gettext, Refusal, as_index
from anken_web.form_values import whole_number
from anken_web.i18n.extraction import N_
from anken_web.input_limits import InputLimits

# projects-api's limits document for a project's screens (project fields; `kickoff_item.…`; `assignment.…`).
PROJECT_LIMITS = ("projects", "/v1/projects/limits")

# How a field is typed: text/textarea/url (one string), number (a whole number), date, time (HH:MM),
# weekday (0=Monday … 6=Sunday), timezone, director, list (one item a line), dates (one date a line),
# flag (a checkbox).
TEXT_KINDS = ("text", "textarea", "url")


@dataclass(frozen=True)
class SettingField:
    name: str  # the API's field name, also the form field's
    label: str  # msgid
    kind: str
    # The limits (from the API, see with_limits): characters (per item for a list), items, range.
    max_chars: int | None = None
    max_items: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    required: bool = False  # cannot be cleared (name)
    hint: str | None = None  # msgid shown under the field
    example: str | None = None  # what is typed as is (keys, not words), shown verbatim after the hint


@dataclass(frozen=True)
class Section:
    title: str  # msgid
    fields: tuple[SettingField, ...]


SECTIONS: tuple[Section, ...] = (
    Section(N_("Project"), (
        SettingField("name", N_("Project name"), "text", required=True),
        SettingField("product", N_("Product"), "text"),
        SettingField("director_id", N_("Director"), "director"),
        SettingField("timezone", N_("Time zone"), "timezone"),
    )),
    Section(N_("Contract"), (
        SettingField("monthly_appointment_target", N_("Monthly appointment target"), "number"),
        SettingField("contracted_monthly_hours", N_("Contracted monthly hours"), "number"),
        SettingField("contract_start", N_("Contract start"), "date"),
        SettingField("contract_end", N_("Contract end"), "date"),
        SettingField("renewal_date", N_("Renewal date"), "date"),
    )),
    Section(N_("Definitions"), (
        SettingField("appointment_definition", N_("Appointment definition"), "textarea"),
        SettingField("qualification_fields", N_("Qualification fields (BANT)"), "list",
                     hint=N_("One field a line, e.g."), example="budget, authority, need, timeline"),
        SettingField("target_definition", N_("Target definition"), "textarea"),
        SettingField("unqualified_reasons", N_("Reasons an appointment is not qualified"), "list",
                     hint=N_("One reason a line; the client picks one when an appointment does not qualify. "
                             "Left empty, the standard reasons apply.")),
    )),
    Section(N_("Hand-off"), (
        SettingField("handoff_contact", N_("Hand-off contact"), "text"),
        SettingField("calendar_link", N_("Calendar link"), "url"),
    )),
    Section(N_("Integration links"), (
        SettingField("slack_channel", N_("Slack channel"), "text"),
        SettingField("confluence_page_url", N_("Confluence page URL"), "url"),
        SettingField("spreadsheet_url", N_("Spreadsheet URL"), "url"),
    )),
    Section(N_("Calendar"), (
        SettingField("extra_closed_days", N_("Extra closed days"), "dates",
                     hint=N_("One date a line (YYYY-MM-DD), besides weekends and public holidays.")),
        SettingField("weekly_meeting_weekday", N_("Weekly meeting day"), "weekday"),
        SettingField("weekly_meeting_time", N_("Weekly meeting time"), "time"),
    )),
    Section(N_("A/B script test"), (
        SettingField("ab_manual_choice", N_("Members choose the script pattern themselves"), "flag",
                     hint=N_("Off: Anken assigns pattern A or B to each target, at random and balanced per member, "
                             "so the A/B comparison is randomised.")),
    )),
    Section(N_("Client portal"), (
        SettingField("client_sees_member_names", N_("Show member names to the client"), "flag",
                     hint=N_("Off: the client's people see the project's totals only, never which member set an "
                             "appointment (appointment quality per member included).")),
    )),
)
FIELDS: dict[str, SettingField] = {f.name: f for section in SECTIONS for f in section.fields}
# The other project forms that save one value: a kickoff item's agreed content, a member's planned hours
# (anken_projects.projects.schemas.KickoffItemUpdate, anken_projects.assignments.schemas.AssignmentUpdate).
KICKOFF_VALUE = SettingField("value", N_("Agreed content"), "textarea")
PLANNED_HOURS = SettingField("planned_hours", N_("Planned hours"), "number")
# The prefix of the hidden fields that carry each value as it was when the form was rendered.
WAS = "was."
_LIST_SPLIT = re.compile(r"[\n,、]")


def _number(limits: InputLimits, path: str, name: str) -> int | None:
    value = limits.fields.get(path, {}).get(name)
    return int(value) if isinstance(value, int | float) else None


def limited(field: SettingField, limits: InputLimits, prefix: str = "") -> SettingField:
    """The field with the API's limits of `prefix + name` (none where the API names none)."""
    path = prefix + field.name
    if field.kind == "list":
        return replace(field, max_chars=limits.max_length(f"{path}.*"), max_items=limits.max_items(path))
    if field.kind == "dates":
        return replace(field, max_items=limits.max_items(path))
    if field.kind in ("number", "weekday"):
        return replace(field, minimum=_number(limits, path, "minimum"), maximum=_number(limits, path, "maximum"))
    if field.kind in TEXT_KINDS:
        return replace(field, max_chars=limits.max_length(path))
    return field


def with_limits(limits: InputLimits) -> tuple[tuple[Section, ...], dict[str, SettingField]]:
    """The settings form's sections and fields, with the API's limits."""
    sections = tuple(Section(s.title, tuple(limited(f, limits) for f in s.fields)) for s in SECTIONS)
    return sections, {f.name: f for section in sections for f in section.fields}


def kickoff_value(limits: InputLimits) -> SettingField:
    return limited(KICKOFF_VALUE, limits, "kickoff_item.")


def planned_hours(limits: InputLimits) -> SettingField:
    return limited(PLANNED_HOURS, limits, "assignment.")


def form_value(field: SettingField, value: object) -> str:
    """A project's value as the form shows it."""
    if value is None:
        return ""
    if field.kind == "flag":
        return "on" if value else ""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    return str(value)


def form_values(project: dict[str, Any]) -> dict[str, str]:
    """Every setting of the project as the form shows it."""
    return {name: form_value(field, project.get(name)) for name, field in FIELDS.items()}


def lines_of(text: str) -> str:
    """Browsers send a text area's line breaks as CRLF; Anken keeps LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def typed_values(form: dict[str, str]) -> dict[str, str]:
    """What the form holds for each setting (an unchecked box sends nothing: off)."""
    return {name: lines_of(form.get(name, "")) for name in FIELDS}


def rendered_values(form: dict[str, str]) -> dict[str, str | None]:
    """The values the form was rendered with (None where the form did not carry one)."""
    return {name: lines_of(value) if (value := form.get(WAS + name)) is not None else None for name in FIELDS}


def _items(text: str) -> list[str]:
    return [item.strip() for item in _LIST_SPLIT.split(text) if item.strip()]


def api_value(field: SettingField, text: str) -> object:
    """What the API is sent for a typed value: blanks clear optional fields, numbers become ints,
    anything not understood is sent as typed so that the API's 422 names the field."""
    text = lines_of(text)
    stripped = text.strip()
    if field.kind == "flag":
        return stripped == "on"
    if field.kind == "list":
        return _items(text)
    if field.kind == "dates":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if field.kind in ("number", "weekday"):
        if not stripped:
            return None
        return whole_number(stripped)
    if not stripped:
        return "" if field.required else None
    return stripped


def _same(field: SettingField, left: str, right: str) -> bool:
    if field.kind in ("list", "dates"):
        return _items(left) == _items(right)
    return left.strip() == right.strip()


def changes(typed: dict[str, str], rendered: dict[str, str | None], *, may_change_director: bool) -> dict[str, object]:
    """The PATCH body: the fields whose typed value differs from the value the form was rendered with
    (a field the form carried no rendered value for is sent as typed)."""
    body: dict[str, object] = {}
    for name, field in FIELDS.items():
        if field.kind == "director" and not may_change_director:
            continue
        was = rendered.get(name)
        if was is not None and _same(field, typed[name], was):
            continue
        body[name] = api_value(field, typed[name])
    return body


def merged_after_conflict(typed: dict[str, str], rendered: dict[str, str | None],
                          current: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """After someone else saved first: the form shows the current values where the user changed
    nothing, and what the user typed where they did. Also names the fields both changed differently
    (the page shows the saved value next to them)."""
    merged: dict[str, str] = {}
    clashes: list[str] = []
    for name, field in FIELDS.items():
        was = rendered.get(name)
        changed_here = was is None or not _same(field, typed[name], was)
        if not changed_here:
            merged[name] = current[name]
            continue
        merged[name] = typed[name]
        if was is not None and not _same(field, current[name], was) and not _same(field, current[name], typed[name]):
            clashes.append(name)
    return merged, clashes


def _locator(fields: dict[str, SettingField]) -> field_errors.Locate:
    def locate(api_field: str) -> tuple[str, int | None, str | None] | None:
        """`calendar_link` → ("calendar_link", None, None); `extra_closed_days.2` → ("extra_closed_days", 2, None)."""
        parts = api_field.split(".")
        if not parts or parts[0] not in fields:
            return None
        return parts[0], as_index(parts[1]) if len(parts) > 1 else None, None

    return locate


def _sentence(field: SettingField, refusal: Refusal, _: Gettext) -> str:
    label, kind, message = _(field.label), refusal.kind, refusal.message
    item = refusal.index + 1 if refusal.index is not None else None
    if kind == "string_too_short" and field.required:
        return _("%(label)s: this cannot be empty.", label=label)
    if kind == "string_too_long" and field.kind == "list" and item is not None and field.max_chars:
        return _("%(label)s: each item must be at most %(max)s characters (item %(item)s).",
                 label=label, max=f"{field.max_chars:,}", item=item)
    if kind == "string_too_long" and field.max_chars:
        return _("%(label)s: enter at most %(max)s characters.", label=label, max=f"{field.max_chars:,}")
    if kind == "too_long" and field.max_items:
        return _("%(label)s: enter at most %(max)s items.", label=label, max=f"{field.max_items:,}")
    if field.kind == "url":
        return _("%(label)s: enter a URL that starts with http:// or https://.", label=label)
    if field.kind in ("number", "weekday") and field.minimum is not None and field.maximum is not None:
        return _("%(label)s: enter a whole number from %(min)s to %(max)s.",
                 label=label, min=f"{field.minimum:,}", max=f"{field.maximum:,}")
    if field.kind in ("date", "dates"):
        if "cannot end before" in message:
            return _("%(label)s: the contract cannot end before it starts.", label=label)
        window = re.search(r"between (\d{4}-\d{2}-\d{2}) and (\d{4}-\d{2}-\d{2})", message)
        if window and item is not None:
            return _("%(label)s: line %(line)s must be a date from %(first)s to %(last)s.",
                     label=label, line=item, first=window[1], last=window[2])
        if window:
            return _("%(label)s: enter a date from %(first)s to %(last)s.", label=label, first=window[1], last=window[2])
        if item is not None:
            return _("%(label)s: line %(line)s is not a date (YYYY-MM-DD).", label=label, line=item)
        return _("%(label)s: enter a date (YYYY-MM-DD).", label=label)
    if field.kind == "time":
        return _("%(label)s: enter a time as HH:MM (00:00 to 23:59).", label=label)
    if field.kind == "timezone":
        return _("%(label)s: choose a time zone from the list.", label=label)
    if field.kind == "director":
        return _("%(label)s: choose an active director.", label=label)
    return _("%(label)s: please check what you entered.", label=label)


def field_errors_of(exc: ApiError, _: Gettext, fields: dict[str, SettingField]) -> dict[str, str]:
    """Form field → the first refusal's sentence, for the fields the form has (with their limits)."""
    return field_errors.field_errors_of(exc, _, _locator(fields),
                                        lambda refusal, gettext: _sentence(fields[refusal.field], refusal, gettext))
