"""The project settings form: every field of a project is on it, its limits are projects-api's, a
refusal is a Japanese sentence with the field's label and the rule, only changed fields are sent, and
after a lost race the form keeps what was typed and takes the rest from the saved project."""

from __future__ import annotations

from anken_projects.projects.endpoints import PROJECT_LIMITS
from anken_projects.projects.schemas import ProjectOut, ProjectUpdate
from anken_web.api_client import ApiError
from anken_web.i18n.catalogs import translations
from anken_web.input_limits import InputLimits
from anken_web.pages import project_settings_fields as settings


def _ja(message: str, **values: object) -> str:
    text = translations("ja").gettext(message)
    return text % values if values else text




def test_the_form_has_every_editable_field_of_a_project() -> None:
    assert set(settings.FIELDS) == set(ProjectUpdate.model_fields)
    shown_elsewhere = {"id", "client_id", "status", "created_at", "updated_at", "version"}
    assert set(ProjectOut.model_fields) - shown_elsewhere == set(settings.FIELDS)


# The document projects-api serves at GET /v1/projects/limits.
LIMITS = InputLimits(PROJECT_LIMITS)
SECTIONS, FIELDS = settings.with_limits(LIMITS)


def test_the_limits_are_the_apis_own() -> None:
    assert FIELDS["appointment_definition"].max_chars == 5000
    assert (FIELDS["qualification_fields"].max_chars, FIELDS["qualification_fields"].max_items) == (100, 30)
    assert FIELDS["extra_closed_days"].max_items == 366
    assert (FIELDS["monthly_appointment_target"].minimum, FIELDS["monthly_appointment_target"].maximum) == (0, 100_000)
    assert settings.kickoff_value(LIMITS).max_chars == 5000
    assert (settings.planned_hours(LIMITS).minimum, settings.planned_hours(LIMITS).maximum) == (0, 1000)
    # Every text field of the form has a limit from the API (so a counter), and none is copied into the web.
    assert all(f.max_chars for f in FIELDS.values() if f.kind in settings.TEXT_KINDS)
    assert all(f.max_chars is None and f.maximum is None for f in settings.FIELDS.values())
    # When the API cannot say, the form still works, without counters or numbers in its messages.
    _sections, bare = settings.with_limits(InputLimits())
    refused = ApiError(422, errors=[{"field": "product", "type": "string_too_long", "message": "too long"}])
    assert settings.field_errors_of(refused, _ja, bare) == {"product": "商材: 入力内容を確認してください"}


def test_refusals_are_sentences_with_the_label_and_the_rule() -> None:
    refused = ApiError(422, errors=[
        {"field": "calendar_link", "type": "value_error", "message": "Value error, must be an http(s) URL"},
        {"field": "appointment_definition", "type": "string_too_long", "message": "too long"},
        {"field": "name", "type": "string_too_short", "message": "too short"},
        {"field": "qualification_fields.2", "type": "string_too_long", "message": "too long"},
        {"field": "extra_closed_days.1", "type": "value_error",
         "message": "Value error, must fall between 2000-01-01 and 2036-12-05"},
        {"field": "contract_end", "message": "a contract cannot end before it starts"},
        {"field": "monthly_appointment_target", "type": "int_type", "message": "Input should be a valid integer"},
        {"field": "weekly_meeting_time", "type": "string_pattern_mismatch", "message": "pattern"},
        {"field": "client_id", "type": "extra_forbidden", "message": "not permitted"},
    ])
    assert settings.field_errors_of(refused, _ja, FIELDS) == {
        "calendar_link": "日程調整リンク: http:// または https:// で始まる URL を入力してください",
        "appointment_definition": "アポイントの定義: 5,000 文字以内で入力してください",
        "name": "案件名: 入力してください（空にはできません）",
        "qualification_fields": "ヒアリング項目 (BANT): 1 項目は 100 文字以内で入力してください（3 項目目）",
        "extra_closed_days": "追加の休業日: 2 行目は 2000-01-01 から 2036-12-05 までの日付にしてください",
        "contract_end": "契約終了日: 契約開始日より前の日付にはできません",
        "monthly_appointment_target": "月間アポ目標: 0 以上 100,000 以下の整数を入力してください",
        "weekly_meeting_time": "定例会の時刻: 時刻を HH:MM（00:00〜23:59）で入力してください",
    }
    hours = ApiError(422, errors=[{"field": "planned_hours", "type": "less_than_equal", "message": "<= 1000"}])
    assert settings.field_errors_of(hours, _ja, {"planned_hours": settings.planned_hours(LIMITS)}) == {
        "planned_hours": "予定稼働時間: 0 以上 1,000 以下の整数を入力してください"}
    assert settings.field_errors_of(ApiError(412), _ja, FIELDS) == {}


PROJECT = {
    "name": "案件", "product": None, "director_id": "d-1", "timezone": "Asia/Tokyo", "monthly_appointment_target": 20,
    "contracted_monthly_hours": 160, "contract_start": None, "contract_end": None, "renewal_date": None,
    "appointment_definition": None, "qualification_fields": ["budget", "need"], "target_definition": None,
    "handoff_contact": None, "calendar_link": None, "slack_channel": "#pj", "confluence_page_url": None,
    "spreadsheet_url": None, "extra_closed_days": ["2026-12-29"], "weekly_meeting_weekday": None,
    "weekly_meeting_time": None, "ab_manual_choice": False,
}


def test_only_changed_fields_are_sent_as_the_api_reads_them() -> None:
    rendered = settings.form_values(PROJECT)
    assert rendered["qualification_fields"] == "budget\nneed" and rendered["ab_manual_choice"] == ""
    typed = {**rendered, "monthly_appointment_target": "２５", "calendar_link": " https://c.example.jp/x ",
             "qualification_fields": "budget、need\nauthority", "slack_channel": "", "ab_manual_choice": "on",
             "director_id": "d-2", "contracted_monthly_hours": "abc"}
    body = settings.changes(typed, {k: v for k, v in rendered.items()}, may_change_director=False)
    assert body == {"monthly_appointment_target": 25, "calendar_link": "https://c.example.jp/x",
                    "qualification_fields": ["budget", "need", "authority"], "slack_channel": None,
                    "ab_manual_choice": True, "contracted_monthly_hours": "abc"}
    assert settings.changes(typed, rendered, may_change_director=True)["director_id"] == "d-2"
    # Browsers send a text area's line breaks as CRLF: an untouched text is not a change, a changed one is sent with LF.
    crlf = {"qualification_fields": "budget\r\nneed", "appointment_definition": "一行目\r\n二行目"}
    form = {**rendered, **crlf, **{settings.WAS + k: v for k, v in rendered.items()}}
    assert settings.changes(settings.typed_values(form), settings.rendered_values(form), may_change_director=False) == {
        "appointment_definition": "一行目\n二行目"}
    # A form that carried no rendered values sends everything it has; a blank name is sent blank (422).
    everything = settings.changes({**rendered, "name": " "}, dict.fromkeys(rendered), may_change_director=False)
    assert set(everything) == set(settings.FIELDS) - {"director_id"} and everything["name"] == ""


def test_after_a_lost_race_the_form_keeps_what_was_typed_and_takes_the_rest_from_the_saved_project() -> None:
    rendered = settings.form_values(PROJECT)
    typed = {**rendered, "name": "私の案件名", "product": "私の商材"}
    current = settings.form_values({**PROJECT, "name": "他の人の案件名", "slack_channel": "#other", "product": "私の商材"})
    merged, clashes = settings.merged_after_conflict(typed, rendered, current)
    assert merged["name"] == "私の案件名" and merged["slack_channel"] == "#other" and merged["product"] == "私の商材"
    assert clashes == ["name"]
