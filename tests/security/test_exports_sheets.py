"""Formula injection in Google Sheets pushes (issue 13): a company name and a note imported into an
approach list reach the project's spreadsheet as neutralised text, written RAW (never parsed)."""

from __future__ import annotations

import uuid

import asyncpg
import httpx
import pytest

from anken_common.auth_tokens import issue_service_token

from .exports_support import HOSTILE, WORKER_ENV, is_hostile, sandbox_items, wait_until

HOSTILE_CSV = (
    "会社名,電話番号,業種,地域,メモ\n"
    f'"{HOSTILE.replace(chr(34), chr(34) * 2)}",03-1234-5678,製造業,東京都,@SUM(1+1)\n'
    "株式会社アルファ,06-2345-6789,-IT,大阪府,+81 折り返し\n"
)


@pytest.mark.slow
async def test_sheets_push_writes_company_names_and_notes_as_neutralised_raw_text(stack, service_env) -> None:
    projects_api = stack.start("projects")
    sandbox = stack.start("sandbox")
    stack.start("worker", extra_env=WORKER_ENV)
    token = issue_service_token(service_env["ANKEN_SECRET_KEY"], "exports-test")
    db = await asyncpg.connect(service_env["DATABASE_URL"])
    try:
        async with httpx.AsyncClient(base_url=projects_api.url, headers={"Authorization": f"Bearer {token}"},
                                     timeout=20) as api:
            director = (await api.post("/v1/users", json={
                "email": f"director-{uuid.uuid4().hex[:6]}@demo.anken.jp", "name": "鈴木 一郎", "role": "director",
                "password": "a-long-passphrase-for-tests"})).raise_for_status().json()
            client = (await api.post("/v1/clients", json={"name": "株式会社シート", "industry": "SaaS"})
                      ).raise_for_status().json()
            project = (await api.post("/v1/projects", json={
                "client_id": client["id"], "name": "シート 新規開拓", "director_id": director["id"],
                "monthly_appointment_target": 12})).raise_for_status().json()
            moved = await api.post(f"/v1/projects/{project['id']}/transitions", json={"to": "kickoff"})
            assert moved.status_code == 200, moved.text
            project_id = uuid.UUID(project["id"])

            async def spreadsheet_linked():
                return await db.fetchval("SELECT spreadsheet_id FROM integrations.project_links WHERE project_id=$1",
                                         project_id)

            spreadsheet_id = await wait_until(spreadsheet_linked, within_s=60, what="the kickoff spreadsheet")
            target_list = (await api.post(f"/v1/projects/{project['id']}/target-lists",
                                          json={"name": "悪意リスト"})).raise_for_status().json()
            imported = await api.post(f"/v1/target-lists/{target_list['id']}/imports",
                                      files={"file": ("list.csv", HOSTILE_CSV.encode(), "text/csv")})
            assert imported.status_code in (200, 201, 202), imported.text

        async def pushed():
            return await db.fetchval("SELECT count(*) FROM integrations.deliveries WHERE project_id=$1 AND "
                                     "action='sheets.push_targets' AND status='succeeded'", project_id)

        await wait_until(pushed, within_s=60, what="targets pushed to the spreadsheet")
    finally:
        await db.close()
    sheet = next(s for s in await sandbox_items(sandbox.url, "sheets/spreadsheets")
                 if s["spreadsheet_id"] == spreadsheet_id)
    rows = next(sh for sh in sheet["sheets"] if sh["title"] == "アプローチリスト")["values"][1:]
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if is_hostile(c)], "a pushed cell would run as a formula once downloaded"
    assert {"'" + HOSTILE, "'@SUM(1+1)", "'-IT", "'+81 折り返し"} <= set(cells)
