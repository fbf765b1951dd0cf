"""The plain forms' refusals (admin users, clients, API keys, integrations, scripts, new project, new
target list, …): each form names its fields' labels once, and an API 422 (RFC 9457 `errors[].field`)
becomes one sentence per field in the user's language, naming the field's label and the rule. The
numbers in a rule are the API's own: its limits document when the form has one (input_limits), else
the bound pydantic states in the refusal. The walk over the problem document is field_errors'.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from anken_web import field_errors
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.field_errors import Gettext, Refusal
from anken_web.input_limits import InputLimits

_NUMBER = re.compile(r"\d[\d,]*")


def _bound(refusal: Refusal, limits: InputLimits | None, api_field: str, name: str) -> str | None:
    if limits is not None:
        value = limits.fields.get(api_field, {}).get(name)
        if isinstance(value, int | float):
            return f"{int(value):,}"
    found = _NUMBER.search(refusal.message)
    return f"{int(found.group().replace(',', '')):,}" if found else None


def sentence(refusal: Refusal, _: Gettext, label: str, *, limits: InputLimits | None = None,
             api_field: str | None = None) -> str:
    """The rule a refused value broke, worded for its field (`label` already translated)."""
    kind, message = refusal.kind, refusal.message.lower()
    path = api_field or refusal.field
    if kind == "string_too_long" and (limit := _bound(refusal, limits, path, "max_length")):
        return _("%(label)s: enter at most %(max)s characters.", label=label, max=limit)
    if kind == "string_too_short" and (minimum := _bound(refusal, limits, path, "min_length")) not in (None, "1"):
        return _("%(label)s: enter at least %(min)s characters.", label=label, min=minimum)
    if kind in ("string_too_short", "missing"):
        return _("%(label)s: this cannot be empty.", label=label)
    if kind.startswith(("int_", "greater_than", "less_than")):
        bounds = limits.fields.get(path, {}) if limits is not None else {}
        if "minimum" in bounds and "maximum" in bounds:
            return _("%(label)s: enter a whole number from %(min)s to %(max)s.", label=label,
                     min=f"{int(bounds['minimum']):,}", max=f"{int(bounds['maximum']):,}")
        return _("%(label)s: enter a whole number.", label=label)
    if kind == "too_short":  # a list with too few items
        return _("%(label)s: choose at least one.", label=label)
    if "email" in message:
        return _("%(label)s: enter an email address (e.g. tanaka@example.jp).", label=label)
    if "in the future" in message:
        return _("%(label)s: choose a date in the future.", label=label)
    if "within 10 years" in message:
        return _("%(label)s: choose a date within 10 years.", label=label)
    if kind.startswith(("date", "datetime", "timezone")):
        return _("%(label)s: enter a date (YYYY-MM-DD).", label=label)
    if kind in ("enum", "literal_error", "uuid_parsing", "uuid_type"):
        return _("%(label)s: choose one of the options.", label=label)
    return _("%(label)s: please check what you entered.", label=label)


def limits_under(limits: InputLimits, prefix: str) -> InputLimits:
    """The part of a limits document under `prefix` (e.g. `script.`), keyed by the form's own fields."""
    return InputLimits({path.removeprefix(prefix): value for path, value in limits.fields.items()
                        if path.startswith(prefix)})


def refusals_of(exc: ApiError, _: Gettext, labels: Mapping[str, str], *, limits: InputLimits | None = None,
                aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """Form field → the sentence for its first refusal. `labels`: form field → label msgid; `aliases`:
    an API field (its last part) → the form field, where they differ (e.g. `body` → `body_md`)."""
    names = dict(aliases or {})

    def locate(api_field: str) -> tuple[str, int | None, str | None] | None:
        parts = api_field.split(".")
        for candidate in (api_field, parts[0], parts[-1]):
            name = names.get(candidate, candidate)
            if name in labels:
                return name, None, None
        return None

    def word(refusal: Refusal, gettext: Gettext) -> str:
        api_field = next((k for k, v in names.items() if v == refusal.field), refusal.field)
        return sentence(refusal, gettext, gettext(labels[refusal.field]), limits=limits, api_field=api_field)

    return field_errors.field_errors_of(exc, _, locate, word)


def banner(exc: ApiError, errors: Mapping[str, str], _: Gettext) -> str | None:
    """The message above a refused form: none when its refusals sit next to their fields."""
    return None if errors and exc.status == 422 else describe(exc, _)
