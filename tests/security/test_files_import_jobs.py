"""Imports are jobs: progress is visible, a cancel stops one at its next row and writes nothing,
a job past its wall time ends `failed` with its reason (never "succeeded"), and an upload whose
client goes away does not go on burning CPU for nobody."""

from __future__ import annotations

import asyncio
import uuid

from projects_calls.import_pacing import paced_parse_fixture  # noqa: F401 (fixture)
from sqlalchemy import text

from anken_projects.targets import import_jobs

from .files_support import (  # noqa: F401 (fixtures)
    api_fixture,
    big_csv,
    count_targets,
    files_app_fixture,
    floor_fixture,
    resources_fixture,
    upload,
    wait_for_job,
)

ASYNC = {"Prefer": "respond-async"}


async def test_respond_async_answers_202_with_the_running_job_and_its_progress(api, floor, resources) -> None:
    response, _ = await upload(api, floor, big_csv(20_000), "big.csv", dry_run=False, headers=ASYNC)
    assert response.status_code == 202, response.text[:300]
    job = response.json()
    assert response.headers["location"] == f"/v1/imports/{job['id']}" and job["status"] == "running"
    # Nothing of the file is read before the job exists: the job counts the CSV's rows itself.
    assert job["rows_total"] in (None, 20_000)
    done = await wait_for_job(api, floor, job["id"], until={"succeeded", "failed", "cancelled"})
    assert (done["status"], done["created_count"], done["rows_processed"]) == ("succeeded", 20_000, 20_000)
    assert done["rows_total"] == 20_000
    assert await count_targets(resources, floor.list_id) == 2 + 20_000


async def test_a_cancelled_import_stops_and_writes_nothing(api, floor, resources, paced_parse) -> None:
    response, _ = await upload(api, floor, big_csv(50_000), "big.csv", dry_run=False, headers=ASYNC)
    job_id = response.json()["id"]
    cancelled = await api.delete(f"/v1/imports/{job_id}", headers=floor.director.headers)
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "cancelled" and "cancelled" in cancelled.json()["reason"]
    await asyncio.sleep(0.5)  # the job notices at its next row and ends
    assert job_id not in {str(k) for k in import_jobs._running}, "the job's task still runs"
    job = (await api.get(f"/v1/imports/{job_id}", headers=floor.director.headers)).json()
    assert job["status"] == "cancelled" and job["created_count"] == 0
    assert job["rows_processed"] < 50_000
    assert await count_targets(resources, floor.list_id) == 2
    again = await api.delete(f"/v1/imports/{job_id}", headers=floor.director.headers)
    assert again.status_code == 409
    # Another tenant's member cannot see or cancel it.
    assert (await api.delete(f"/v1/imports/{job_id}", headers=floor.outsider.headers)).status_code == 404
    assert (await api.get(f"/v1/imports/{job_id}", headers=floor.outsider.headers)).status_code == 404


async def test_a_member_cannot_cancel_an_import(api, floor) -> None:
    response, _ = await upload(api, floor, big_csv(50_000), "big.csv", dry_run=True, headers=ASYNC)
    job_id = response.json()["id"]
    denied = await api.delete(f"/v1/imports/{job_id}", headers=floor.members[0].headers)
    assert denied.status_code in (403, 404)
    await api.delete(f"/v1/imports/{job_id}", headers=floor.director.headers)


async def test_a_job_past_its_wall_time_ends_failed_with_its_reason(api, floor, resources, monkeypatch) -> None:
    monkeypatch.setattr(resources.settings, "import_wall_time_s", 0.2)
    response, took = await upload(api, floor, big_csv(50_000), "big.csv", dry_run=False)
    assert response.status_code == 422, response.text[:300]
    body = response.json()
    assert body["errors"][0]["field"] == "file" and "0.2 s" in body["detail"]
    job = (await api.get(f"/v1/imports/{body['import_id']}", headers=floor.director.headers)).json()
    assert job["status"] == "failed" and "longer than" in job["reason"] and job["created_count"] == 0
    assert await count_targets(resources, floor.list_id) == 2
    assert took < 5


async def test_a_client_that_goes_away_cancels_its_import(files_app, floor, resources, paced_parse) -> None:
    """The upload is sent by hand to the ASGI app; the client then disconnects while the job runs."""
    content = big_csv(50_000)
    boundary = "anken-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\nfalse\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    headers = [(b"content-type", f"multipart/form-data; boundary={boundary}".encode()),
               (b"content-length", str(len(body)).encode()),
               *[(k.lower().encode(), v.encode()) for k, v in floor.director.headers.items()]]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": f"/v1/target-lists/{floor.list_id}/imports", "raw_path": b"", "query_string": b"",
             "headers": headers, "client": ("127.0.0.1", 1234), "server": ("projects.test", 80), "root_path": ""}
    sent = False
    gone = asyncio.Event()
    answers: list[dict] = []

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        answers.append(message)

    request = asyncio.create_task(files_app(scope, receive, send))
    job = None
    for _ in range(200):
        async with resources.engine.connect() as conn:
            job = (await conn.execute(text(
                "SELECT id FROM projects.target_imports WHERE target_list_id = :l"), {"l": floor.list_id})).first()
        if job is not None:
            break
        await asyncio.sleep(0.01)
    assert job is not None, "the import job started"
    gone.set()
    await asyncio.wait_for(request, 10)
    async with resources.engine.connect() as conn:
        row = (await conn.execute(text(
            "SELECT status, rows_processed, created_count FROM projects.target_imports WHERE id = :i"),
            {"i": job.id})).one()
    await asyncio.sleep(0.3)
    assert row.status == "cancelled" and row.created_count == 0 and row.rows_processed < 50_000
    assert await count_targets(resources, floor.list_id) == 2


async def test_no_transaction_stays_open_while_a_file_is_parsed(api, floor, resources, paced_parse) -> None:
    response, _ = await upload(api, floor, big_csv(50_000), "big.csv", dry_run=False, headers=ASYNC)
    job_id = response.json()["id"]
    long_open: list[str] = []
    samples = 0
    async with resources.engine.connect() as conn:
        while True:
            status, parsed = (await conn.execute(text(
                "SELECT status, rows_processed FROM projects.target_imports WHERE id = :i"), {"i": job_id})).one()
            await conn.commit()
            if status != "running" or parsed >= 50_000:
                break  # parsed: the all-or-nothing write that follows is one transaction by design
            # A transaction open for half a second or more while the file is parsed (progress updates
            # last milliseconds).
            rows = (await conn.execute(text(
                "SELECT state, left(query, 80) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND xact_start < now() - interval '0.5 seconds'"))).all()
            await conn.commit()
            long_open += [f"{r[0]}: {r[1]}" for r in rows]
            samples += 1
            await asyncio.sleep(0.05)
    assert samples > 3 and long_open == []
    job = await wait_for_job(api, floor, job_id, until={"succeeded", "failed", "cancelled"})
    assert job["status"] == "succeeded" and job["created_count"] == 50_000


async def test_a_job_left_running_by_a_dead_process_is_reported_failed(api, floor, resources) -> None:
    job_id = uuid.uuid4()
    async with resources.engine.begin() as conn:
        await conn.execute(text(
            "INSERT INTO projects.target_imports (id, target_list_id, project_id, client_id, file_kind, status, "
            "created_at) VALUES (:i, :l, :p, :c, 'csv', 'running', now() - interval '2 hours')"),
            {"i": job_id, "l": floor.list_id, "p": floor.project_id, "c": floor.client_id})
    job = (await api.get(f"/v1/imports/{job_id}", headers=floor.director.headers)).json()
    assert job["status"] == "failed" and "process ended" in job["reason"]
