"""Google Sheets API v4 over httpx: create spreadsheets, write rows in batches, append, read back."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import quote

import httpx

from anken_worker.adapters.errors import IntegrationBroken
from anken_worker.adapters.http_errors import raise_for_status, send
from anken_worker.adapters.sheets.service_account import TokenSource

# Sheets accepts large batches, but a request over ~2 MB or 10 MB payload is rejected; 500 rows
# of a dozen short cells stay far below that.
ROWS_PER_BATCH = 500


SPREADSHEET_MIME = "application/vnd.google-apps.spreadsheet"
# The appProperties key a created spreadsheet carries: the delivery's idempotency key.
DELIVERY_KEY_PROPERTY = "ankenDeliveryKey"


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def _quoted(value: str) -> str:
    """A string literal in a Drive query: backslash and single quote escaped."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class SheetsClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, tokens: TokenSource, drive_url: str) -> None:
        self.http = http
        self.base_url = _slash(base_url)
        self.drive_url = _slash(drive_url)
        self.tokens = tokens

    async def _request(self, method: str, path: str, what: str, *, base: str | None = None, **kwargs: Any) -> dict[str, Any]:
        token = await self.tokens.token()
        response = await send(self.http, method, (base or self.base_url) + path, f"sheets {what}",
                              headers={"Authorization": f"Bearer {token}"}, **kwargs)
        if response.status_code == 401:
            self.tokens.forget()
        if response.status_code == 404:
            raise IntegrationBroken(f"sheets {what}: spreadsheet not found (deleted or not shared)", status=404,
                                    excerpt=response.text[:300])
        raise_for_status(response, f"sheets {what}")
        return response.json() if response.content else {}

    async def find_tagged_spreadsheet(self, key: str) -> str | None:
        """The id of the spreadsheet an earlier attempt created for `key` (Drive files.list), if any."""
        query = (f"appProperties has {{ key={_quoted(DELIVERY_KEY_PROPERTY)} and value={_quoted(key)} }} "
                 f"and mimeType={_quoted(SPREADSHEET_MIME)} and trashed = false")
        data = await self._request("GET", "files", "drive files.list", base=self.drive_url,
                                   params={"q": query, "fields": "files(id,createdTime)", "pageSize": 10})
        files = sorted(data.get("files", []), key=lambda f: (f.get("createdTime") or "", f["id"]))
        return files[0]["id"] if files else None

    async def create_tagged_spreadsheet(self, title: str, key: str) -> str:
        """A new spreadsheet carrying `key` from the moment it exists (Drive files.create takes appProperties;
        Sheets' own create does not), so a crash right after creating it cannot lead to a second one."""
        body = {"name": title, "mimeType": SPREADSHEET_MIME, "appProperties": {DELIVERY_KEY_PROPERTY: key}}
        data = await self._request("POST", "files", "drive files.create", base=self.drive_url,
                                   params={"fields": "id"}, json=body)
        return cast("str", data["id"])

    async def get_spreadsheet(self, spreadsheet_id: str) -> dict[str, Any]:
        return await self._request("GET", f"spreadsheets/{spreadsheet_id}", "spreadsheets.get")

    async def batch_update(self, spreadsheet_id: str, requests: list[dict[str, Any]], *,
                           include_spreadsheet: bool = False) -> dict[str, Any]:
        """With `include_spreadsheet`, the answer carries the spreadsheet as it now is (`updatedSpreadsheet`)."""
        body: dict[str, Any] = {"requests": requests}
        if include_spreadsheet:
            body["includeSpreadsheetInResponse"] = True
        return await self._request("POST", f"spreadsheets/{spreadsheet_id}:batchUpdate", "spreadsheets.batchUpdate",
                                   json=body)

    async def batch_update_values(self, spreadsheet_id: str, data: list[dict[str, Any]]) -> dict[str, Any]:
        body = {"valueInputOption": "RAW", "data": data}
        return await self._request("POST", f"spreadsheets/{spreadsheet_id}/values:batchUpdate", "values.batchUpdate",
                                   json=body)

    async def append_values(self, spreadsheet_id: str, range_: str, rows: list[list[Any]]) -> dict[str, Any]:
        return await self._request(
            "POST", f"spreadsheets/{spreadsheet_id}/values/{quote(range_)}:append", "values.append",
            params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"}, json={"values": rows},
        )

    async def get_values(self, spreadsheet_id: str, range_: str) -> list[list[Any]]:
        data = await self._request("GET", f"spreadsheets/{spreadsheet_id}/values/{quote(range_)}", "values.get")
        return cast("list[list[Any]]", data.get("values", []))
