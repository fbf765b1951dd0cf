"""From projects-api's own events to the sandbox: a project kicked off in projects-api gets its
channel, pages and spreadsheet; imported targets land in the spreadsheet, one row per target;
an appointment logged in projects-api reaches Slack."""

from __future__ import annotations

import asyncio
import re
import uuid

import httpx
import pytest
from worker_support import sandbox_items, wait_until

from anken_common.auth_tokens import issue_service_token
from anken_worker.actions.sheets import LIST_HEADER

UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)

CSV_1 = "会社名,電話番号,業種,地域\n株式会社アルファ,03-1234-5678,製造業,東京都\n株式会社ベータ,06-2345-6789,IT,大阪府\n"
CSV_2 = "会社名,電話番号,業種,地域\n株式会社アルファ,03-1234-5678,製造業,東京都\n株式会社ガンマ,052-345-6789,小売,愛知県\n"


@pytest.mark.slow
async def test_projects_api_kickoff_and_target_import_reach_slack_confluence_and_sheets(
        stack, worker, sandbox, db, service_env) -> None:
    projects_api = stack.start("projects")
    token = issue_service_token(service_env["ANKEN_SECRET_KEY"], "e2e-test")
    async with httpx.AsyncClient(base_url=projects_api.url, headers={"Authorization": f"Bearer {token}"},
                                 timeout=20) as api:
        director = (await api.post("/v1/users", json={
            "email": f"director-{uuid.uuid4().hex[:6]}@demo.anken.jp", "name": "鈴木 一郎", "role": "director",
            "password": "a-long-passphrase"})).raise_for_status().json()
        client = (await api.post("/v1/clients", json={"name": "株式会社E2E", "industry": "SaaS"})).raise_for_status().json()
        project = (await api.post("/v1/projects", json={
            "client_id": client["id"], "name": "E2E 新規開拓", "director_id": director["id"],
            "monthly_appointment_target": 12})).raise_for_status().json()
        moved = await api.post(f"/v1/projects/{project['id']}/transitions", json={"to": "kickoff"})
        assert moved.status_code == 200, moved.text
        project_id = uuid.UUID(project["id"])

        async def kicked_off():
            rows = await db.fetch("SELECT status FROM integrations.deliveries WHERE project_id=$1", project_id)
            return len(rows) == 9 and all(r["status"] == "succeeded" for r in rows)

        await wait_until(kicked_off, within_s=60, what="kickoff deliveries from projects-api events")
        link = await db.fetchrow("SELECT * FROM integrations.project_links WHERE project_id=$1", project_id)
        channel = next(c for c in await sandbox_items(sandbox.url, "slack/channels") if c["id"] == link["slack_channel_id"])
        assert "月間アポ目標 12件" in channel["topic"]

        async def linked():
            body = (await api.get(f"/v1/projects/{project['id']}")).json()
            return body.get("slack_channel") and body.get("confluence_page_url") and body.get("spreadsheet_url") and body

        body = await wait_until(linked, within_s=20, what="links written back to projects-api")
        assert body["slack_channel"] == f"#{channel['name']}"
        assert link["spreadsheet_id"] in body["spreadsheet_url"]

        target_list = (await api.post(f"/v1/projects/{project['id']}/target-lists",
                                      json={"name": "11月リスト"})).raise_for_status().json()
        for csv in (CSV_1, CSV_2):
            imported = await api.post(f"/v1/target-lists/{target_list['id']}/imports",
                                      files={"file": ("list.csv", csv.encode(), "text/csv")})
            assert imported.status_code in (200, 201, 202), imported.text
            await asyncio.sleep(0.5)

        async def pushed():
            rows = await db.fetch("SELECT status FROM integrations.deliveries WHERE project_id=$1 AND "
                                  "action='sheets.push_targets'", project_id)
            return len(rows) == 2 and all(r["status"] == "succeeded" for r in rows)

        await wait_until(pushed, within_s=60, what="targets pushed to the spreadsheet")
        sheet = next(s for s in await sandbox_items(sandbox.url, "sheets/spreadsheets")
                     if s["spreadsheet_id"] == link["spreadsheet_id"])
        values = next(sh for sh in sheet["sheets"] if sh["title"] == "アプローチリスト")["values"]
        # Read by directors and clients: Japanese headers and statuses; the id only in the last column, 「ID」.
        assert values[0] == LIST_HEADER and values[0][0] == "企業名" and values[0][-1] == "ID"
        target_ids = [row[-1] for row in values[1:] if row]
        assert len(target_ids) == len(set(target_ids)) == 3  # one row per target, re-imports included
        assert all(uuid.UUID(tid) for tid in target_ids)
        assert sorted(row[0] for row in values[1:] if row) == ["株式会社アルファ", "株式会社ガンマ", "株式会社ベータ"]
        assert {row[LIST_HEADER.index("ステータス")] for row in values[1:] if row} == {"未架電"}
        assert not [cell for row in values for cell in row[:-1] if UUID_TEXT.search(str(cell))]
