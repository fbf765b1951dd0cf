"""The calling screen's refusals land on their own fields, in Japanese, naming the field's label and
the rule (never the API's key such as `appointment.meeting_at`)."""

from __future__ import annotations

from anken_web.api_client import ApiError
from anken_web.i18n.catalogs import translations
from anken_web.input_limits import InputLimits
from anken_web.pages.calling_field_errors import field_errors_of, form_field, form_limits

# As projects-api lists them (GET /v1/calls/limits); the numbers in the sentences are these, not the web's.
LIMITS = InputLimits({"note": {"max_length": 2000}, "appointment.contact_name": {"max_length": 100},
                      "appointment.contact_title": {"max_length": 100},
                      "appointment.qualification.*": {"max_length": 1000}})


def _ja(message: str, **values: object) -> str:
    text = translations("ja").gettext(message)
    return text % values if values else text


def test_api_fields_map_to_the_forms_fields() -> None:
    assert form_field("appointment.meeting_at") == "meeting_at"
    assert form_field("appointment.qualification.budget") == "q_budget"
    assert form_field("appointment") == "meeting_at"
    assert form_field("calls.0.note") == "note"
    assert form_field("target_id") is None


def test_refusals_are_sentences_with_the_label_and_the_rule() -> None:
    refused = ApiError(422, errors=[
        {"field": "appointment.meeting_at", "message": "must not be before the call"},
        {"field": "note", "message": "String should have at most 2000 characters", "type": "string_too_long"},
        {"field": "appointment.qualification.budget", "message": "too long", "type": "string_too_long"},
        {"field": "appointment.contact_name", "message": "odd"},
    ])
    assert field_errors_of(refused, _ja, LIMITS) == {
        "meeting_at": "商談日時: 今より後の日時を入力してください",
        "note": "メモ: 2,000 文字以内で入力してください",
        "q_budget": f"{_ja('budget')}: 1,000 文字以内で入力してください",
        "contact_name": "先方担当者名: 入力内容を確認してください",
    }
    assert field_errors_of(ApiError(409, errors=[{"field": "note", "message": "x"}]), _ja, LIMITS) == {}


def test_a_changed_limit_in_the_api_changes_the_message_and_the_form() -> None:
    changed = InputLimits({"note": {"max_length": 1500}, "appointment.qualification.*": {"max_length": 300}})
    refused = ApiError(422, errors=[{"field": "note", "type": "string_too_long"}])
    assert field_errors_of(refused, _ja, changed) == {"note": "メモ: 1,500 文字以内で入力してください"}
    assert form_limits(changed) == {"note": 1500, "meeting_at": None, "contact_name": None, "contact_title": None,
                                    "qualification": 300}
    # Without the API's limits the refusal is still worded, without a number.
    assert field_errors_of(refused, _ja, InputLimits()) == {"note": "メモ: 入力内容を確認してください"}


def test_in_english_a_qualification_field_is_named_by_its_label_not_its_key() -> None:
    def english(message: str, **values: object) -> str:
        text = translations("en").gettext(message)
        return text % values if values else text

    refused = ApiError(422, errors=[{"field": "appointment.qualification.budget", "type": "string_too_long"}])
    sentence = field_errors_of(refused, english, LIMITS)["q_budget"]
    assert sentence.startswith("Budget: ") and "1,000" in sentence, sentence
