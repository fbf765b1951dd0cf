"""A deal's history and a forecast's quota as sentences: names, formatted amounts and translated codes,
never an id or a snake_case code (web/anken_web/deal_history.py, pages/pipeline.py quota_derivation); a
refused quota's sentence (quota_error)."""

from __future__ import annotations

import re

from anken_web.api_client import ApiError
from anken_web.deal_history import history_lines
from anken_web.formatting import Formatter
from anken_web.i18n.catalogs import translations
from anken_web.pages.pipeline import quota_derivation, quota_error

DEAL = "6f1c1f4e-8f5a-4c1e-9d2b-0a1b2c3d4e5f"
ACTOR = "0b7f8c1e-3d7a-4a53-9c55-0f6d2b1d9a10"
OTHER = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")


def gettext_for(locale: str):
    catalog = translations(locale)

    def _(message: str, **values: object) -> str:
        text = catalog.gettext(message)
        return text % values if values else text

    return _


def change(field: str, old: object, new: object, at: str, *, old_label: str | None = None,
           new_label: str | None = None, actor_name: str | None = "山田 太郎", actor_type: str = "user") -> dict:
    return {"deal_id": DEAL, "field": field, "old_value": old, "new_value": new, "old_label": old_label,
            "new_label": new_label, "actor_type": actor_type, "actor_id": ACTOR if actor_type == "user" else None,
            "actor_name": actor_name, "changed_at": at}


HISTORY = [
    change("pipeline_id", None, OTHER, "2026-11-01T01:00:00Z", new_label="新規開拓"),
    change("stage_id", None, OTHER, "2026-11-01T01:00:00Z", new_label="リード"),
    change("status", None, "open", "2026-11-01T01:00:00Z"),
    change("amount", None, 1_200_000, "2026-11-01T01:00:00Z"),
    change("stage_id", OTHER, ACTOR, "2026-11-03T05:05:00Z", old_label="初回商談", new_label="提案"),
    change("amount", 1_200_000, 4_200_000, "2026-11-03T05:05:00Z"),
    change("forecast_category", "pipeline", "best_case", "2026-11-04T00:00:00Z"),
    change("owner_id", ACTOR, OTHER, "2026-11-05T00:00:00Z", old_label="山田 太郎", new_label="佐藤 花子"),
    change("status", "open", "won", "2026-11-06T00:00:00Z", actor_name=None, actor_type="system"),
]


def test_history_reads_as_japanese_sentences_with_names() -> None:
    lines = history_lines(HISTORY, gettext_for("ja"), Formatter("ja"))
    sentences = [line.sentence for line in lines]
    assert sentences[0] == "山田 太郎 が商談を作成: パイプライン 新規開拓、ステージ リード、ステータス 進行中、金額 ￥1,200,000"
    assert "山田 太郎 が ステージを 初回商談 → 提案 に変更" in sentences
    assert "山田 太郎 が 金額を ￥1,200,000 → ￥4,200,000 に変更" in sentences
    assert "山田 太郎 が フォーキャスト区分を パイプライン → ベストケース に変更" in sentences
    assert "山田 太郎 が 担当者を 山田 太郎 → 佐藤 花子 に変更" in sentences
    assert "Anken（自動） が ステータスを 進行中 → 受注 に変更" in sentences
    assert lines[1].changed_at.startswith("2026/11/03 14:05")
    for sentence in sentences:
        assert not UUID.search(sentence), sentence
        assert not re.search(r"[a-z]+_[a-z]+|\bopen\b", sentence), sentence


def test_history_reads_as_english_sentences() -> None:
    sentences = [line.sentence for line in history_lines(HISTORY, gettext_for("en"), Formatter("en"))]
    assert "山田 太郎 changed Stage from 初回商談 to 提案" in sentences
    assert "山田 太郎 changed Forecast category from Pipeline to Best case" in sentences
    assert "Anken (automatic) changed Status from In progress to Closed won" in sentences
    assert all(not re.search(r"[a-z]+_[a-z]+", s) for s in sentences)


def test_an_id_without_a_name_is_never_shown() -> None:
    [line] = history_lines([change("owner_id", ACTOR, OTHER, "2026-11-05T00:00:00Z", new_label="佐藤 花子")],
                           gettext_for("ja"), Formatter("ja"))
    assert line.sentence == "山田 太郎 が 担当者を （登録なし） → 佐藤 花子 に変更"


def test_the_quota_derivation_shows_the_quota_as_entered_and_its_days() -> None:
    forecast = {"owner_id": None, "quota": 16_847_826, "quota_parts": [
        {"quota_id": DEAL, "owner_id": ACTOR, "period_start": "2026-10-01", "period_end": "2027-01-01",
         "period": "2026-Q4", "amount": 50_000_000, "shared_days": 31, "quota_days": 92, "whole": False},
        {"quota_id": OTHER, "owner_id": OTHER, "period_start": "2026-12-01", "period_end": "2027-01-01",
         "period": "2026-12", "amount": 3_000_000, "shared_days": 31, "quota_days": 31, "whole": True},
    ]}
    names = {ACTOR: "山田 太郎", OTHER: "佐藤 花子"}
    lines = quota_derivation(forecast, names, gettext_for("ja"), Formatter("ja"))
    assert lines == [
        {"text": "山田 太郎: 四半期クォータ ￥50,000,000（2026/10/01〜2026/12/31）のうち 31/92 日分", "period": "2026-Q4"},
        {"text": "佐藤 花子: 月次クォータ ￥3,000,000（2026/12/01〜2026/12/31）を全額", "period": None},
    ]


def test_a_refused_quota_says_why_next_to_its_amount() -> None:
    _ = gettext_for("ja")
    typed = ApiError(422, errors=[{"field": "amount", "type": "int_type", "message": "Input should be a valid integer"}])
    assert quota_error(typed, _, None) == "クォータ(円): 0 以上の整数（円）で入力してください（例: 50,000,000）。"
    raced = ApiError(412, detail="version mismatch")
    assert quota_error(raced, _, "￥55,000,000") == (
        "ほかの人がこのクォータを変更しました（現在 ￥55,000,000）。入力した金額にするには、もう一度保存してください。")
    overlap = ApiError(409, detail="the owner already has a quota for an overlapping period")
    assert quota_error(overlap, _, None) == "この担当者には期間の重なるクォータがすでにあります。そちらを変更してください。"
