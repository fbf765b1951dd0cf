"""Google Sheets API v4 over httpx: create spreadsheets, write rows in batches, append, read back."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from anken_worker.adapters.errors import IntegrationBroken
from anken_worker.adapters.http_errors import raise_for_status, send
from anken_worker.adapters.sheets.service_account import TokenSource

# Sheets accepts large batches, but a request over ~2 MB or 10 MB payload is rejected; 500 rows
# of a dozen short cells stay far below that.
ROWS_PER_BATCH = 500


class SheetsClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, tokens: TokenSource) -> None:
        self.http = http
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.tokens = tokens

    async def _request(self, method: str, path: str, what: str, **kwargs) -> dict:
        token = await self.tokens.token()
        response = await send(self.http, method, self.base_url + path, f"sheets {what}",
                              headers={"Authorization": f"Bearer {token}"}, **kwargs)
        if response.status_code == 401:
            self.tokens.forget()
        if response.status_code == 404:
            raise IntegrationBroken(f"sheets {what}: spreadsheet not found (deleted or not shared)", status=404,
                                    excerpt=response.text[:300])
        raise_for_status(response, f"sheets {what}")
        return response.json() if response.content else {}

    async def create_spreadsheet(self, title: str, sheet_titles: list[str]) -> dict:
        body = {"properties": {"title": title, "locale": "ja_JP", "timeZone": "Asia/Tokyo"},
                "sheets": [{"properties": {"title": t}} for t in sheet_titles]}
        return await self._request("POST", "spreadsheets", "create spreadsheet", json=body)

    async def batch_update_values(self, spreadsheet_id: str, data: list[dict]) -> dict:
        body = {"valueInputOption": "RAW", "data": data}
        return await self._request("POST", f"spreadsheets/{spreadsheet_id}/values:batchUpdate", "values.batchUpdate",
                                   json=body)

    async def append_values(self, spreadsheet_id: str, range_: str, rows: list[list]) -> dict:
        return await self._request(
            "POST", f"spreadsheets/{spreadsheet_id}/values/{quote(range_)}:append", "values.append",
            params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, json={"values": rows},
        )

    async def get_values(self, spreadsheet_id: str, range_: str) -> list[list]:
        data = await self._request("GET", f"spreadsheets/{spreadsheet_id}/values/{quote(range_)}", "values.get")
        return data.get("values", [])
