"""Confluence Cloud REST v2 pages over httpx (basic auth: account email + API token)."""

from __future__ import annotations

from typing import Any, cast

import httpx

from anken_worker.adapters.errors import IntegrationBroken, PermanentError, TransientError
from anken_worker.adapters.http_errors import raise_for_status, send

MAX_VERSION_RETRIES = 5


class ConfluenceClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, email: str, api_token: str, space_id: str) -> None:
        self.http = http
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.auth = httpx.BasicAuth(email, api_token)
        self.space_id = space_id

    async def _request(self, method: str, path: str, what: str, **kwargs: Any) -> httpx.Response:
        return await send(self.http, method, self.base_url + path, f"confluence {what}", auth=self.auth, **kwargs)

    async def get_page(self, page_id: str) -> dict[str, Any] | None:
        response = await self._request("GET", f"pages/{page_id}", "get page", params={"body-format": "storage"})
        if response.status_code == 404:
            return None
        raise_for_status(response, "confluence get page")
        page = response.json()
        return None if page.get("status") in ("trashed", "deleted", "purged") else page

    async def find_page(self, title: str, parent_id: str | None) -> dict[str, Any] | None:
        response = await self._request(
            "GET", "pages", "find page", params={"space-id": self.space_id, "title": title, "status": "current"}
        )
        raise_for_status(response, "confluence find page")
        for page in response.json().get("results", []):
            if page.get("title") == title and (parent_id is None or str(page.get("parentId")) == str(parent_id)):
                return cast("dict[str, Any] | None", page)
        return None

    async def create_page(self, title: str, body: str, parent_id: str | None) -> dict[str, Any]:
        payload = {
            "spaceId": self.space_id, "status": "current", "title": title,
            "body": {"representation": "storage", "value": body},
        }
        if parent_id:
            payload["parentId"] = parent_id
        response = await self._request("POST", "pages", "create page", json=payload)
        if response.status_code == 404 and parent_id:
            raise IntegrationBroken(f"confluence parent page {parent_id} no longer exists", status=404)
        if response.status_code == 400 and parent_id and "parent" in response.text.lower():
            raise IntegrationBroken(f"confluence parent page {parent_id} no longer exists", status=400)
        raise_for_status(response, "confluence create page")
        return cast("dict[str, Any]", response.json())

    async def update_page(self, page_id: str, title: str, body: str) -> dict[str, Any]:
        """Replace the page body with the next version number; on 409 re-read the version and retry."""
        for _ in range(MAX_VERSION_RETRIES):
            current = await self.get_page(page_id)
            if current is None:
                raise PermanentError(f"confluence page {page_id} no longer exists", status=404)
            number = int((current.get("version") or {}).get("number") or 1)
            payload = {
                "id": page_id, "status": "current", "title": title,
                "body": {"representation": "storage", "value": body},
                "version": {"number": number + 1, "message": "Anken"},
            }
            response = await self._request("PUT", f"pages/{page_id}", "update page", json=payload)
            if response.status_code == 409:
                continue
            raise_for_status(response, "confluence update page")
            return cast("dict[str, Any]", response.json())
        raise TransientError(f"confluence page {page_id}: version kept changing (409 × {MAX_VERSION_RETRIES})")
