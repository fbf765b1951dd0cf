"""Google Sheets deliveries: the approach-list spreadsheet, target rows keyed by target id,
daily KPI rows keyed by date. Requests are paced within the per-minute quota.

Directors and clients read the approach list: its headers are Japanese, a status is written by its
Japanese name, times in the project's time zone, and the target id (the key the worker updates a row
by in place) is the last column, 「ID」. A sheet written before that layout (id in column A, English
headers, status values) is rewritten in the new layout by the next push, header row included.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from anken_common.cell_safety import neutralise_row
from anken_common.target_statuses import status_from_text, status_label_ja
from anken_worker.adapters.errors import PermanentError, SkipDelivery, TransientError
from anken_worker.adapters.sheets.client import ROWS_PER_BATCH, SheetsClient
from anken_worker.context import WorkerContext
from anken_worker.deliveries.executor import action
from anken_worker.deliveries.models import Delivery, Outcome
from anken_worker.deliveries.pacing import take_minute_budget
from anken_worker.kit.tables import sheet_rows
from anken_worker.kit.time import local_now
from anken_worker.projects_state import repository as projects
from anken_worker.projects_state.writeback import link_in_projects_api

LIST_SHEET = "アプローチリスト"
KPI_SHEET = "日次KPI"
LIST_HEADER = ["企業名", "業種", "規模", "地域", "電話番号", "法人番号", "担当者", "優先度", "ステータス", "架電回数",
               "最終架電日時", "メモ", "ID"]
KPI_HEADER = ["日付", "架電数", "コンタクト数", "アポ数", "コンタクト率", "コンタクトアポ率", "アポ率", "進捗率", "ペース"]
STATUS_INDEX = LIST_HEADER.index("ステータス")
ID_INDEX = LIST_HEADER.index("ID")
# The layout before the headers were Japanese: the id in column A, the status value in column J.
OLD_ID_INDEX, OLD_STATUS_INDEX = 0, 9
# Statuses people may set by hand in projects-api (the others follow from calls).
BACK_OFFICE_STATUSES = frozenset({"new", "callback", "excluded"})


def column_letter(n: int) -> str:
    """1 → A, 26 → Z, 27 → AA."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def row_range(sheet: str, row_number: int, width: int) -> str:
    """A bounded one-row range, e.g. アプローチリスト!A2:L2 (Sheets rejects writes past a range's bounds)."""
    return f"{sheet}!A{row_number}:{column_letter(width)}{row_number}"


async def _client(ctx: WorkerContext, d: Delivery) -> tuple[SheetsClient, dict[str, Any]]:
    async with ctx.engine.connect() as conn:
        project = await projects.get(conn, d.project_id)
        connection = await ctx.connectors.sheets(conn, d.client_id, d.project_id)
    if project is None:
        raise SkipDelivery("the worker has not seen this project yet")
    return connection.client, project


async def _budget(ctx: WorkerContext) -> None:
    await take_minute_budget(ctx.redis, ctx.key("quota", "sheets"), ctx.settings.sheets_requests_per_minute)


@action("sheets.create_spreadsheet")
async def create_spreadsheet(ctx: WorkerContext, d: Delivery) -> Outcome:
    client, project = await _client(ctx, d)
    spreadsheet_id = project.get("spreadsheet_id")
    fresh = False
    if not spreadsheet_id:
        # A crash between creating the file and recording its id must not lead to a second file: the
        # file is created tagged with this delivery's key, and a retry looks for the tag first. (Drive
        # calls count against Drive's quota, not the Sheets per-minute budget.)
        spreadsheet_id = await client.find_tagged_spreadsheet(d.idempotency_key)
        if spreadsheet_id is None:
            spreadsheet_id = await client.create_tagged_spreadsheet(d.payload["title"], d.idempotency_key)
            fresh = True
        async with ctx.engine.begin() as conn:
            await projects.set_fields(conn, project["project_id"], spreadsheet_id=spreadsheet_id,
                                      tracking_spreadsheet_id=spreadsheet_id)
    # Every step below is idempotent, so a retry after a failure part-way (a 429, a timeout) finishes the
    # workbook rather than leaving a linked but unshaped one.
    url = await _shape_workbook(ctx, client, spreadsheet_id, fresh)
    await _budget(ctx)
    await client.batch_update_values(spreadsheet_id, [
        {"range": row_range(LIST_SHEET, 1, len(LIST_HEADER)), "values": [LIST_HEADER]},
        {"range": row_range(KPI_SHEET, 1, len(KPI_HEADER)), "values": [KPI_HEADER]},
    ])
    await link_in_projects_api(ctx, project["project_id"], spreadsheet_url=url)
    return Outcome(external_ref=spreadsheet_id, excerpt=url, target=spreadsheet_id)


def web_url(spreadsheet: dict[str, Any], spreadsheet_id: str) -> str:
    """Where a person opens the approach list: the API's `spreadsheetUrl` (Google's Docs site, or the
    sandbox's own address in sandbox mode) on the list sheet (`#gid=`)."""
    url = str(spreadsheet.get("spreadsheetUrl") or f"https://docs.google.com/spreadsheets/d/{spreadsheet_id}/edit")
    gids = [s["properties"]["sheetId"] for s in spreadsheet.get("sheets", [])
            if s.get("properties", {}).get("title") == LIST_SHEET]
    return f"{url}#gid={gids[0]}" if gids else url


async def _shape_workbook(ctx: WorkerContext, client: SheetsClient, spreadsheet_id: str, fresh: bool) -> str:
    """Japanese locale and Tokyo time, the list and KPI sheets, and no stray default sheet; answers the
    spreadsheet's web address (Sheets returns the updated spreadsheet with the same request).

    A file this attempt just created holds only Google's default first sheet (id 0), so one request
    does it; otherwise the plan comes from what the spreadsheet holds now, so a retry after a
    partial attempt does only the rest.
    """
    if fresh:
        sheets = [{"sheetId": 0, "title": ""}]
    else:
        await _budget(ctx)
        current = await client.get_spreadsheet(spreadsheet_id)
        sheets = [sheet["properties"] for sheet in current.get("sheets", [])]
    titles = {p["title"] for p in sheets}
    requests: list[dict[str, Any]] = [{"updateSpreadsheetProperties": {
        "properties": {"locale": "ja_JP", "timeZone": "Asia/Tokyo"}, "fields": "locale,timeZone"}}]
    requests += [{"addSheet": {"properties": {"title": t}}} for t in (LIST_SHEET, KPI_SHEET) if t not in titles]
    requests += [{"deleteSheet": {"sheetId": p["sheetId"]}} for p in sheets if p["title"] not in (LIST_SHEET, KPI_SHEET)]
    await _budget(ctx)
    reply = await client.batch_update(spreadsheet_id, requests, include_spreadsheet=True)
    return web_url(reply.get("updatedSpreadsheet") or {}, spreadsheet_id)


def _local_time(value: str | None, project: dict[str, Any]) -> str:
    """An API timestamp as the project's local time, `2026-12-05 10:30` (empty when there is none)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return f"{local_now(project, moment):%Y-%m-%d %H:%M}"


def _row(t: dict[str, Any], project: dict[str, Any]) -> list[Any]:
    # Values go in RAW (never parsed as formulas by Sheets), and are neutralised too: a sheet
    # downloaded as CSV or XLSX must not run a company name or a note that starts with `=`.
    return neutralise_row([
        t.get("company_name") or "", t.get("industry") or "", t.get("size") or "",
        t.get("region") or "", t.get("phone") or "", t.get("corporate_number") or "", t.get("contact_name") or "",
        t.get("priority_tier") or "", status_label_ja(t.get("status") or ""), t.get("call_count") or 0,
        _local_time(t.get("last_called_at"), project), t.get("note") or "", str(t["id"]),
    ])


def _row_key(row: list[Any]) -> tuple[uuid.UUID, str] | None:
    """A sheet row's target id and the status value it holds (new layout, or the old one), or None
    for a row the worker did not write."""
    for id_index, status_index in ((ID_INDEX, STATUS_INDEX), (OLD_ID_INDEX, OLD_STATUS_INDEX)):
        if len(row) <= max(id_index, status_index) or not row[id_index]:
            continue
        try:
            target_id = uuid.UUID(str(row[id_index]))
        except ValueError:
            continue
        return target_id, status_from_text(str(row[status_index]))
    return None


async def _fetch_targets(ctx: WorkerContext, target_list_id: str) -> list[dict[str, Any]]:
    targets: list[dict[str, Any]] = []
    cursor = None
    while True:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        try:
            response = await ctx.projects.get(f"/v1/target-lists/{target_list_id}/targets", params=params,
                                              headers=ctx.service_headers())
        except httpx.HTTPError as exc:
            raise TransientError(f"projects-api unreachable: {type(exc).__name__}") from exc
        if response.status_code == 404:
            raise PermanentError(f"target list {target_list_id} not found in projects-api")
        if response.status_code >= 500:
            raise TransientError(f"projects-api answered {response.status_code}")
        if response.status_code >= 400:
            raise PermanentError(f"projects-api refused the target list: {response.status_code}")
        data = response.json()
        targets.extend(data.get("items", []))
        cursor = data.get("next_cursor")
        if not cursor:
            return targets


async def _allocate_rows(ctx: WorkerContext, spreadsheet_id: str, target_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Row numbers keyed by target id: a target keeps its row, a new one gets the next free row."""
    async with ctx.engine.begin() as conn:
        await conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": spreadsheet_id})
        rows = dict((await conn.execute(
            sa.select(sheet_rows.c.target_id, sheet_rows.c.row_number)
            .where(sheet_rows.c.spreadsheet_id == spreadsheet_id))).all())
        next_row = max(rows.values(), default=1) + 1
        new = []
        for tid in target_ids:
            if tid not in rows:
                rows[tid] = next_row
                new.append({"spreadsheet_id": spreadsheet_id, "target_id": tid, "row_number": next_row})
                next_row += 1
        if new:
            await conn.execute(insert(sheet_rows).values(new).on_conflict_do_nothing())
    return rows


@action("sheets.push_targets")
async def push_targets(ctx: WorkerContext, d: Delivery) -> Outcome:
    client, project = await _client(ctx, d)
    spreadsheet_id = project.get("spreadsheet_id")
    if not spreadsheet_id:
        raise SkipDelivery("this project has no approach-list spreadsheet (not kicked off yet)")
    targets = await _fetch_targets(ctx, d.payload["target_list_id"])
    rows = await _allocate_rows(ctx, spreadsheet_id, [uuid.UUID(str(t["id"])) for t in targets])
    # The header row goes with every push: a sheet written in an earlier layout gets the current headers.
    data = [{"range": row_range(LIST_SHEET, 1, len(LIST_HEADER)), "values": [LIST_HEADER]}]
    data += [{"range": row_range(LIST_SHEET, rows[uuid.UUID(str(t["id"]))], len(LIST_HEADER)),
              "values": [_row(t, project)]} for t in targets]
    for i in range(0, len(data), ROWS_PER_BATCH):
        await _budget(ctx)
        await client.batch_update_values(spreadsheet_id, data[i:i + ROWS_PER_BATCH])
    # Remember what was written, so a later pull reports only what the back office changed.
    async with ctx.engine.begin() as conn:
        for t in targets:
            await conn.execute(sa.update(sheet_rows).where(
                sheet_rows.c.spreadsheet_id == spreadsheet_id, sheet_rows.c.target_id == uuid.UUID(str(t["id"])))
                .values(status=t.get("status") or "", updated_at=sa.func.now()))
    return Outcome(external_ref=spreadsheet_id, excerpt=f"{len(targets)} rows written", target=spreadsheet_id)


@action("sheets.append_kpis")
async def append_kpis(ctx: WorkerContext, d: Delivery) -> Outcome:
    """payload: row (first cell is the date). Skipped when that date's row is already there."""
    client, project = await _client(ctx, d)
    spreadsheet_id = project.get("tracking_spreadsheet_id") or project.get("spreadsheet_id")
    if not spreadsheet_id:
        raise SkipDelivery("this project has no tracking spreadsheet")
    row = d.payload["row"]
    if d.attempts > 1:
        await _budget(ctx)
        dates = [r[0] for r in await client.get_values(spreadsheet_id, f"{KPI_SHEET}!A:A") if r]
        if str(row[0]) in dates:
            return Outcome(external_ref=spreadsheet_id, excerpt=f"row {row[0]} already appended")
    await _budget(ctx)
    await client.append_values(spreadsheet_id, f"{KPI_SHEET}!A:{column_letter(len(KPI_HEADER))}", [row])
    return Outcome(external_ref=spreadsheet_id, excerpt=f"appended {row[0]}", target=spreadsheet_id)


async def pull_statuses(ctx: WorkerContext, project: dict[str, Any]) -> int:
    """Read back the status column the back office edits; returns how many rows changed."""
    spreadsheet_id = project.get("spreadsheet_id")
    if not spreadsheet_id:
        return 0
    async with ctx.engine.connect() as conn:
        connection = await ctx.connectors.sheets(conn, project["client_id"], project["project_id"])
    await _budget(ctx)
    values = await connection.client.get_values(spreadsheet_id, f"{LIST_SHEET}!A2:{column_letter(len(LIST_HEADER))}")
    changed: list[tuple[uuid.UUID, str]] = []
    async with ctx.engine.begin() as conn:
        for row in values:
            key = _row_key(row)
            if key is None:
                continue
            target_id, status = key
            result = await conn.execute(
                sa.update(sheet_rows).where(sheet_rows.c.spreadsheet_id == spreadsheet_id,
                                            sheet_rows.c.target_id == target_id,
                                            sheet_rows.c.status.is_distinct_from(status))
                .values(status=status, updated_at=sa.func.now()))
            if result.rowcount:
                changed.append((target_id, status))
    for target_id, status in changed:
        if status in BACK_OFFICE_STATUSES:
            await _update_target(ctx, target_id, status)
    return len(changed)


async def _update_target(ctx: WorkerContext, target_id: uuid.UUID, status: str) -> None:
    """Hand a status the back office typed into the sheet to projects-api (best effort; next pull retries)."""
    try:
        response = await ctx.projects.patch(f"/v1/targets/{target_id}", json={"status": status},
                                            headers=ctx.service_headers())
    except httpx.HTTPError:
        return
    if response.status_code >= 300:
        async with ctx.engine.begin() as conn:
            # Forget the change so the next pull tries again.
            await conn.execute(sa.update(sheet_rows).where(sheet_rows.c.target_id == target_id)
                               .values(status=None))
