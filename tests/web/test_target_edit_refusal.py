"""A refused tier or status edit on the targets list is a sentence next to the field, in Japanese, naming
the field's label and what may be chosen (the statuses projects-api says the target allows)."""

from __future__ import annotations

from anken_web.api_client import ApiError
from anken_web.i18n.catalogs import translations
from anken_web.pages.targets import edit_refusal


def _ja(message: str, **values: object) -> str:
    text = translations("ja").gettext(message)
    return text % values if values else text


def test_field_refusals_name_the_label_and_the_choices() -> None:
    target = {"allowed_statuses": ["new", "callback", "excluded"]}
    refused = ApiError(422, errors=[{"field": "priority_tier", "message": "Input should be less than or equal to 3"},
                                    {"field": "status", "message": "can be set by hand only to new, callback"}])
    errors = edit_refusal(refused, _ja, target)
    assert set(errors) == {"priority_tier", "status"}
    assert errors["priority_tier"].endswith(": 1、2、3 から選んでください。")
    assert errors["status"].endswith("のいずれかを選んでください。")
    assert "status" not in errors["status"] and "new" not in errors["status"]


def test_a_do_not_call_target_says_so_and_a_lost_race_asks_to_reload() -> None:
    dnc = edit_refusal(ApiError(422, errors=[{"field": "status", "message": "the target is do-not-call"}]), _ja,
                       {"allowed_statuses": []})
    assert "架電禁止リスト" in dnc["status"]
    stale = edit_refusal(ApiError(412, detail="the resource changed since you read it"), _ja, {})
    assert stale == {"form": "この架電先は他の人が先に変更しました。ページを再読み込みしてから保存し直してください。"}
