"""The deal forms' fields (the board's new deal, a deal's page): their labels, their limits as the API
states them (projects-api `GET /v1/deals/limits`, read through input_limits), and the API's refusals
(RFC 9457 `errors[].field`) as a sentence next to each field, so a refused deal keeps what was typed and
says what to fix."""

from __future__ import annotations

from anken_web import field_errors
from anken_web.api_client import ApiError
from anken_web.field_errors import Gettext, Refusal
from anken_web.i18n.extraction import N_
from anken_web.input_limits import InputLimits

# The limits document of a deal (input_limits.input_limits(view, DEAL_LIMITS)).
DEAL_LIMITS = ("projects", "/v1/deals/limits")

# MEDDICC, in the order the deal page asks it (field, label).
MEDDICC = (
    ("metrics", N_("Metrics")), ("economic_buyer", N_("Economic buyer")), ("decision_criteria", N_("Decision criteria")),
    ("decision_process", N_("Decision process")), ("identify_pain", N_("Identified pain")), ("champion", N_("Champion")),
    ("competition", N_("Competition")), ("next_step", N_("Next step")),
)
# Form field → its label msgid: the labels the forms show.
FIELDS: dict[str, str] = {
    "name": N_("Deal name"),
    "account_name": N_("Account"),
    "amount": N_("Amount (yen)"),
    "probability": N_("Probability (%)"),
    "expected_close_date": N_("Expected close"),
    "forecast_category": N_("Forecast category"),
    "lead_source": N_("Lead source"),
    **dict(MEDDICC),
}


def _locate(api_field: str) -> tuple[str, int | None, str | None] | None:
    name = api_field.split(".")[-1]
    return (name, None, None) if name in FIELDS else None


def field_errors_of(exc: ApiError, _: Gettext, limits: InputLimits) -> dict[str, str]:
    """Form field → the first refusal's sentence (its rule stated with the API's own limits), for the
    fields the deal forms have."""

    def sentence(refusal: Refusal, _: Gettext) -> str:
        label = _(FIELDS[refusal.field])
        kind, limit = refusal.kind, limits.max_length(refusal.field)
        if kind == "string_too_long" and limit:
            return _("%(label)s: enter at most %(max)s characters.", label=label, max=f"{limit:,}")
        if kind in ("string_too_short", "missing"):
            return _("%(label)s: this cannot be empty.", label=label)
        if refusal.field == "amount":
            return _("%(label)s: enter a whole number of yen, 0 or more (e.g. 50,000,000).", label=label)
        bounds = limits.fields.get(refusal.field, {})
        if refusal.field == "probability" and "minimum" in bounds and "maximum" in bounds:
            return _("%(label)s: enter a whole number from %(min)s to %(max)s.", label=label,
                     min=f"{bounds['minimum']:,}", max=f"{bounds['maximum']:,}")
        if refusal.field == "expected_close_date":
            return _("%(label)s: enter a date (YYYY-MM-DD).", label=label)
        return _("%(label)s: please check what you entered.", label=label)

    return field_errors.field_errors_of(exc, _, _locate, sentence)
