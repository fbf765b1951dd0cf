"""Response shapes of the Sheets emulation, for the OpenAPI document."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

SPREADSHEET_EXAMPLE: dict[str, Any] = {
    "spreadsheetId": "1qpyC0XzvTcKT6EISywvqESX3A0MwQoFDE8p-Bll4hps",
    "properties": {"title": "架電リスト 2026-11", "locale": "ja_JP", "timeZone": "Asia/Tokyo"},
    "sheets": [{"properties": {"sheetId": 0, "title": "リスト", "index": 0, "sheetType": "GRID",
                               "gridProperties": {"rowCount": 1000, "columnCount": 26}}}],
}


class GoogleObject(BaseModel):
    """A Sheets API resource; its fields follow Google's reference for the method."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [
        SPREADSHEET_EXAMPLE,
        {"range": "'リスト'!A1:C2", "majorDimension": "ROWS", "values": [["会社名", "電話", "状況"],
                                                                        ["株式会社サンプル", "03-0000-0000", "アポ"]]},
    ]})


class GoogleErrorBody(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"error": {
        "code": 429, "message": "Quota exceeded for quota metric 'Write requests' ...", "status": "RESOURCE_EXHAUSTED",
    }}]})

    error: dict[str, Any]


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"description": "Google error envelope", "model": GoogleErrorBody} for code in codes}
