"""A spreadsheet created just before a crash is found again by its Drive appProperties tag, not created twice."""

from __future__ import annotations

import time
import uuid

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from worker_support import deliveries_of, open_deliveries, publish, sandbox_items, wait_until

from anken_worker.adapters.sheets.client import DELIVERY_KEY_PROPERTY, SPREADSHEET_MIME
from anken_worker.adapters.sheets.service_account import SHEETS_SCOPE, ServiceAccount


async def _worker_account_token(sandbox_url: str) -> str:
    """A token for the worker's own sandbox service account (the sandbox accepts any well-formed assertion)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {"iss": ServiceAccount.ephemeral().client_email, "scope": SHEETS_SCOPE, "iat": now, "exp": now + 600,
              "aud": f"{sandbox_url}/oauth2/token"}
    async with httpx.AsyncClient(base_url=sandbox_url) as client:
        response = await client.post("/oauth2/token", data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": jwt.encode(claims, key, algorithm="RS256")})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


async def test_spreadsheet_created_before_a_crash_is_adopted(worker, sandbox, redis_client, db, events,
                                                            service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    director_id, director = events.user("director", "鈴木 ディレクター")
    project_id, client_id = uuid.uuid4(), uuid.uuid4()
    created = events.project(project_id, client_id, director_id, "draft", "クラッシュ前 シート", type_="project.created")
    kickoff = events.project(project_id, client_id, director_id, "kickoff", "クラッシュ前 シート", previous="draft")
    key = f"evt:{kickoff.id}:sheets.create_spreadsheet"

    # What a worker killed right after Drive answered leaves behind: a tagged file, nothing recorded.
    token = await _worker_account_token(sandbox.url)
    async with httpx.AsyncClient(base_url=sandbox.url) as client:
        made = await client.post("/drive/v3/files", headers={"Authorization": f"Bearer {token}"}, json={
            "name": "株式会社サンプル クラッシュ前 シート アプローチリスト", "mimeType": SPREADSHEET_MIME,
            "appProperties": {DELIVERY_KEY_PROPERTY: key}})
    assert made.status_code == 200, made.text
    earlier_id = made.json()["id"]

    await publish(redis_client, ns, director, created, kickoff)

    async def settled():
        rows = [r for r in await deliveries_of(db, project_id) if r["action"] == "sheets.create_spreadsheet"]
        return rows and await open_deliveries(db, project_id) == 0 and rows

    rows = await wait_until(settled, within_s=90, what="the spreadsheet delivery to finish")
    assert [(r["status"], r["external_ref"]) for r in rows] == [("succeeded", earlier_id)], rows
    link = await db.fetchrow("SELECT * FROM integrations.project_links WHERE project_id=$1", project_id)
    assert link["spreadsheet_id"] == earlier_id

    tagged = [s for s in await sandbox_items(sandbox.url, "sheets/spreadsheets")
              if s["app_properties"].get(DELIVERY_KEY_PROPERTY) == key]
    assert [s["spreadsheet_id"] for s in tagged] == [earlier_id]
    # The adopted file was finished like a new one: the two sheets, headers, no default "Sheet1".
    sheets = {sheet["title"]: sheet for sheet in tagged[0]["sheets"]}
    assert set(sheets) == {"アプローチリスト", "日次KPI"}
    assert sheets["アプローチリスト"]["values"][0][:2] == ["企業名", "業種"]
    assert sheets["日次KPI"]["values"][0][0] == "日付"
