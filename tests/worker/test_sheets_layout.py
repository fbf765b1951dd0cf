"""The approach-list sheet directors and clients read: Japanese headers and status names, local
times, the target id only in the last column 「ID」; a sheet in the earlier layout still reads back."""

from __future__ import annotations

import re
import uuid

from babel.messages.pofile import read_po

from anken_common.target_statuses import STATUS_LABELS_JA, status_from_text, status_label_ja
from anken_worker.actions.sheets import LIST_HEADER, _row, _row_key, row_range

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
PROJECT = {"project_id": str(uuid.uuid4()), "timezone": "Asia/Tokyo"}


def _target(**fields: object) -> dict[str, object]:
    return {"id": str(uuid.uuid4()), "company_name": "株式会社アルファ", "industry": "製造業", "size": "51-200",
            "region": "東京都", "phone": "0312345678", "corporate_number": "1234567890123",
            "contact_name": "佐藤", "priority_tier": 1, "status": "callback", "call_count": 3,
            "last_called_at": "2026-12-05T01:30:00+00:00", "note": "=SUM(A1)", **fields}


def test_the_header_row_is_japanese_and_the_id_column_comes_last() -> None:
    assert LIST_HEADER[:2] == ["企業名", "業種"] and LIST_HEADER[-1] == "ID"
    assert not [h for h in LIST_HEADER if re.fullmatch(r"[a-z_]+", h)]
    assert {"電話番号", "ステータス", "最終架電日時"} <= set(LIST_HEADER)
    assert row_range("アプローチリスト", 1, len(LIST_HEADER)) == "アプローチリスト!A1:M1"


def test_a_row_names_the_status_in_japanese_and_holds_the_id_only_in_the_id_column() -> None:
    target = _target()
    row = _row(target, PROJECT)
    assert len(row) == len(LIST_HEADER)
    cell = dict(zip(LIST_HEADER, row, strict=True))
    assert cell["企業名"] == "株式会社アルファ"
    assert cell["ステータス"] == "再架電"
    assert cell["最終架電日時"] == "2026-12-05 10:30"  # 01:30 UTC in Tokyo
    assert cell["メモ"] == "'=SUM(A1)"  # still neutralised
    assert cell["ID"] == target["id"]
    assert not [c for c in row[:-1] if UUID_TEXT.search(str(c))]
    assert dict(zip(LIST_HEADER, _row(_target(last_called_at=None), PROJECT), strict=True))["最終架電日時"] == ""


def test_a_status_typed_back_reads_as_its_value_in_either_layout() -> None:
    target_id = uuid.uuid4()
    current = _row(_target(id=str(target_id), status="new"), PROJECT)
    current[LIST_HEADER.index("ステータス")] = "除外"  # the back office picks the Japanese name
    assert _row_key(current) == (target_id, "excluded")
    # A row written before the Japanese layout: id in column A, the status value in column J.
    old = [str(target_id), "株式会社アルファ", "", "", "", "", "", "", 1, "callback", 2]
    assert _row_key(old) == (target_id, "callback")
    assert _row_key(["企業名", "業種"]) is None
    assert _row_key(["株式会社ベータ"] * 13) is None


def test_the_japanese_status_names_match_the_enum_and_the_web_catalog() -> None:
    from anken_projects.targets.models import TargetStatus
    from anken_web.i18n.catalogs import CATALOG_DIR, DOMAIN
    from anken_web.vocabulary import VALUES

    assert set(STATUS_LABELS_JA) == {s.value for s in TargetStatus}
    with (CATALOG_DIR / "ja" / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        ja = read_po(handle, locale="ja")
    assert {s: ja.get(VALUES[s]).string for s in STATUS_LABELS_JA} == STATUS_LABELS_JA
    assert all(status_from_text(status_label_ja(s)) == s for s in STATUS_LABELS_JA)
    assert status_from_text(" new ") == "new" and status_label_ja("unknown") == "unknown"
