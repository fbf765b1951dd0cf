"""The webhook endpoint form words the worker's refusals beside each field, in Japanese, with the rule; a test
send is reported by its status and HTTP status only."""

from __future__ import annotations

from anken_web.api_client import ApiError
from anken_web.i18n.catalogs import translations
from anken_web.pages.webhooks import form_errors, trial_sentence


def japanese(message: str, **values: object) -> str:
    text = translations("ja").gettext(message)
    return text % values if values else text


def test_the_outbound_guards_refusal_is_a_japanese_sentence_beside_the_url() -> None:
    # As the worker answers it (anken_common.outbound_guard via UnprocessableEntity("url", reason)).
    refused = ApiError(422, errors=[
        {"field": "url", "message": "127.0.0.1 is a loopback address; only public addresses can be reached"}])
    errors = form_errors(refused, japanese)
    assert list(errors) == ["url"]
    assert "URL" in errors["url"] and "公開アドレス" in errors["url"]
    assert "loopback" not in errors["url"]


def test_a_malformed_url_no_event_and_a_long_description_each_name_their_field() -> None:
    refused = ApiError(422, errors=[
        {"field": "body.url", "type": "url_parsing", "message": "Input should be a valid URL"},
        {"field": "body.events", "type": "too_short", "message": "List should have at least 1 item"},
        {"field": "body.description", "type": "string_too_long", "message": "at most 200 characters"},
        {"field": "body.client_id", "type": "uuid_parsing", "message": "not a UUID"},  # not on the form
    ])
    errors = form_errors(refused, japanese)
    assert set(errors) == {"url", "events", "description"}
    assert "https://" in errors["url"]
    assert "イベント種別" in errors["events"] and "1 つ以上" in errors["events"]
    assert "説明" in errors["description"] and "200" in errors["description"]


def test_only_a_422_is_placed_on_the_form() -> None:
    assert form_errors(ApiError(404, errors=[{"field": "url", "message": "x"}]), japanese) == {}


def test_a_test_send_shows_its_status_and_http_status_only() -> None:
    delivered = trial_sentence({"status": "succeeded", "status_code": 204, "last_error": "secret body"}, japanese)
    assert delivered == "テスト送信: 成功（HTTP 204）"
    refused = trial_sentence({"status": "dead", "status_code": None, "last_error": "refused: 10.0.0.1"}, japanese)
    assert "配信不能" in refused and "10.0.0.1" not in refused and "dead" not in refused
