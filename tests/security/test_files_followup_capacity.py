"""Imports cannot starve logins: their files are read on a pool of their own (IMPORT_PARSE_THREADS),
one process runs at most IMPORT_MAX_CONCURRENT of them and the rest wait `queued` (cancellable),
so password hashing on the default executor never waits behind a slow spreadsheet."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter

from anken_projects.auth.passwords import hash_password_off_loop
from anken_projects.targets import target_import

from .files_support import (  # noqa: F401 (fixtures)
    api_fixture,
    files_app_fixture,
    floor_fixture,
    resources_fixture,
    upload,
    wait_for_job,
)

ASYNC = {"Prefer": "respond-async"}
SMALL_CSV = "会社名,電話番号\r\n株式会社遅延,0311112222\r\n".encode()
# More slow imports than the default executor has threads (min(32, CPUs + 4)), so before imports had
# their own pool every one of its threads was stuck in a parse and hashing queued behind them.
SLOW_IMPORTS = min(32, (os.cpu_count() or 1) + 4) + 2


async def test_hashing_does_not_wait_behind_imports_saturating_their_pool(api, floor, resources, monkeypatch) -> None:
    release = threading.Event()
    parse_row = target_import.parse_row

    def slow_parse_row(*args, **kwargs):
        release.wait(30)  # a file that takes its time: the thread is busy until released
        return parse_row(*args, **kwargs)

    monkeypatch.setattr(target_import, "parse_row", slow_parse_row)
    limit = getattr(resources.settings, "import_max_concurrent", 2)  # 2 by default
    job_ids: list[str] = []
    try:
        for _ in range(SLOW_IMPORTS):
            response, took = await asyncio.wait_for(upload(api, floor, SMALL_CSV, "slow.csv", headers=ASYNC), 10)
            assert response.status_code == 202 and took < 5.0, (response.text[:300], took)
            job_ids.append(response.json()["id"])
        await asyncio.sleep(0.5)  # the running ones are inside their slow row
        statuses = Counter([(await api.get(f"/v1/imports/{j}", headers=floor.director.headers)).json()["status"]
                            for j in job_ids])
        assert statuses == {"running": limit, "queued": SLOW_IMPORTS - limit}, statuses

        # Tens of milliseconds of CPU; the bound leaves room for a loaded machine (before imports had their
        # own pool, the hash waited until the slow imports ended: 30 s here).
        began = time.monotonic()
        await asyncio.wait_for(hash_password_off_loop("a login's password"), timeout=10)
        assert time.monotonic() - began < 3.0

        # A queued import can be cancelled: it never runs.
        queued = job_ids[-1]
        cancelled = await api.delete(f"/v1/imports/{queued}", headers=floor.director.headers)
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled", cancelled.text[:300]
    finally:
        release.set()
    finished = [await wait_for_job(api, floor, j, until={"succeeded", "failed", "cancelled"}) for j in job_ids]
    assert [job["status"] for job in finished] == ["succeeded"] * (SLOW_IMPORTS - 1) + ["cancelled"]
    assert finished[-1]["rows_processed"] == 0


async def test_the_wall_time_counts_queued_time(api, floor, resources, monkeypatch) -> None:
    release = threading.Event()
    parse_row = target_import.parse_row

    def slow_parse_row(*args, **kwargs):
        release.wait(30)
        return parse_row(*args, **kwargs)

    monkeypatch.setattr(target_import, "parse_row", slow_parse_row)
    monkeypatch.setattr(resources.settings, "import_max_concurrent", 1)
    try:
        first, _ = await upload(api, floor, SMALL_CSV, "first.csv", headers=ASYNC)
        monkeypatch.setattr(resources.settings, "import_wall_time_s", 0.5)
        waiting, _ = await upload(api, floor, SMALL_CSV, "second.csv", headers=ASYNC)
        assert waiting.json()["status"] == "queued", waiting.text[:300]
        job = await wait_for_job(api, floor, waiting.json()["id"], until={"succeeded", "failed", "cancelled"})
        assert job["status"] == "failed" and "longer than" in job["reason"], job
    finally:
        release.set()
    done = await wait_for_job(api, floor, first.json()["id"], until={"succeeded", "failed", "cancelled"})
    assert done["status"] == "succeeded", done
