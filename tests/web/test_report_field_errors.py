"""The weekly report editor words the API's refusals per field, in the user's language, with the rule."""

from __future__ import annotations

from anken_web.api_client import ApiError
from anken_web.i18n.catalogs import translations
from anken_web.input_limits import InputLimits
from anken_web.pages.report_field_errors import FieldLimit, field_errors_of, field_limits

# As reporting-api lists them (GET /v1/weekly-reports/limits).
LIMITS = InputLimits({
    **{f"notes.{f}": {"max_items": 50} for f in ("good_reactions", "objections", "learnings")},
    **{f"notes.{f}.*": {"max_length": 1000} for f in ("good_reactions", "objections", "learnings")},
    "next_actions": {"max_items": 50}, "next_actions.*.text": {"max_length": 500},
    "next_actions.*.owner": {"max_length": 100},
})


def japanese(message: str, **values: object) -> str:
    text = translations("ja").gettext(message)
    return text % values if values else text


def test_refusals_name_the_fields_label_and_rule_never_the_raw_key() -> None:
    refused = ApiError(422, errors=[
        {"field": "notes.learnings.0", "type": "string_too_long"},
        {"field": "notes.learnings.3", "type": "string_too_long"},  # the first refusal of a field is shown
        {"field": "notes.objections", "type": "too_long"},
        {"field": "next_actions.1.owner", "type": "string_too_long"},
    ])
    errors = field_errors_of(refused, japanese, LIMITS)
    assert errors["learnings"] == "学び: 1 行は 1,000 文字以内で入力してください（1 行目）"
    assert errors["objections"] == "断り文句・懸念: 50 行以内で入力してください"
    assert errors["next_actions"].startswith("ネクストアクション: スラッシュの後の担当者名は 100 文字以内")
    assert not any("notes." in text or "_" in text for text in errors.values())


def test_other_refusals_are_not_field_errors() -> None:
    assert field_errors_of(ApiError(403, errors=[{"field": "notes.learnings.0"}]), japanese, LIMITS) == {}
    assert field_errors_of(ApiError(422, errors=[{"field": "iso_week", "type": "value_error"}]), japanese, LIMITS) == {}


def test_the_editors_limits_are_the_apis() -> None:
    assert field_limits(LIMITS) == {"good_reactions": FieldLimit(1000, 50), "objections": FieldLimit(1000, 50),
                                    "learnings": FieldLimit(1000, 50), "next_actions": FieldLimit(500, 50)}
    changed = InputLimits({"notes.learnings": {"max_items": 20}, "notes.learnings.*": {"max_length": 800}})
    assert field_limits(changed)["learnings"] == FieldLimit(800, 20)
    refused = ApiError(422, errors=[{"field": "notes.learnings.0", "type": "string_too_long"}])
    assert field_errors_of(refused, japanese, changed)["learnings"] == "学び: 1 行は 800 文字以内で入力してください（1 行目）"
