"""An XLSX's shared strings are read by the import's job, not the request, within caps of their own:
a part past its byte cap is refused before it is inflated, entries and characters past theirs as
they stream, and a cancel or the wall time stops a job while it reads them."""

from __future__ import annotations

import asyncio
import os
import time
import uuid

import pytest

from anken_projects.settings import ProjectsSettings
from anken_projects.targets import import_jobs

from .files_support import (  # noqa: F401 (fixtures)
    FAST_S,
    HEADER_ROW,
    api_fixture,
    file_error,
    files_app_fixture,
    floor_fixture,
    resources_fixture,
    sheet,
    upload,
    wait_for_job,
    xlsx,
)

ASYNC = {"Prefer": "respond-async"}
# The review's file: 13 MB of XLSX whose shared strings inflate to 76 MB (5× compression).
REVIEWED_PART_BYTES = 76 * 1024 * 1024
PAST_THE_CAP_BYTES = 34 * 1024 * 1024


def test_the_shared_strings_byte_cap_is_well_below_the_reviewed_part() -> None:
    assert ProjectsSettings.model_fields["import_max_shared_strings_bytes"].default < PAST_THE_CAP_BYTES
    assert PAST_THE_CAP_BYTES <= REVIEWED_PART_BYTES // 2


def hex_strings(count: int, length: int) -> list[str]:
    """Random hex texts: they compress about 2× (well under the bomb ratio) and are all distinct."""
    pool = os.urandom(count * length // 2 + 1).hex()
    return [pool[i * length:(i + 1) * length] for i in range(count)]


@pytest.fixture(scope="module", name="slow_shared_strings")
def slow_shared_strings_fixture() -> bytes:
    """Within every default cap (~22 MB, 600,000 entries, 12M characters), but seconds of parsing."""
    return xlsx(sheet(HEADER_ROW), shared=hex_strings(600_000, 20))


async def test_a_shared_strings_part_past_its_byte_cap_is_refused_within_2_s(api, floor, resources) -> None:
    # 34 MiB of shared strings (~17 MB of upload): under half the reviewed part, past the default cap.
    content = xlsx(sheet(HEADER_ROW), shared=hex_strings(PAST_THE_CAP_BYTES // 214, 200))
    assert len(content) <= resources.settings.import_max_bytes
    response, took = await upload(api, floor, content, "shared.xlsx")
    message = file_error(response)
    assert "sharedStrings.xml" in message and "at most" in message and took < FAST_S, (message, took)


async def test_shared_strings_past_the_entry_cap_are_refused(api, floor, resources, monkeypatch) -> None:
    monkeypatch.setattr(resources.settings, "import_max_shared_strings", 1000)
    response, took = await upload(api, floor, xlsx(sheet(HEADER_ROW), shared=hex_strings(1001, 8)), "many.xlsx")
    message = file_error(response)
    assert "more than 1,000 shared strings" in message and took < FAST_S


async def test_shared_strings_never_outnumber_the_cells_an_import_reads(api, floor, resources, monkeypatch) -> None:
    monkeypatch.setattr(resources.settings, "import_max_rows", 10)
    monkeypatch.setattr(resources.settings, "import_max_columns", 10)
    cells = (10 + 1) * 10  # the header row too
    fits, _ = await upload(api, floor, xlsx(sheet(HEADER_ROW), shared=hex_strings(cells, 8)), "fits.xlsx")
    assert fits.status_code == 200, fits.text[:300]
    response, _ = await upload(api, floor, xlsx(sheet(HEADER_ROW), shared=hex_strings(cells + 1, 8)), "more.xlsx")
    assert f"more than {cells:,} shared strings" in file_error(response)


async def test_shared_strings_past_the_character_cap_are_refused(api, floor, resources, monkeypatch) -> None:
    monkeypatch.setattr(resources.settings, "import_max_shared_string_chars", 1000)
    response, took = await upload(api, floor, xlsx(sheet(HEADER_ROW), shared=hex_strings(60, 20)), "long.xlsx")
    assert "more than 1,000 characters" in file_error(response) and took < FAST_S


async def test_the_wall_time_stops_a_job_reading_shared_strings(api, floor, resources, monkeypatch,
                                                                slow_shared_strings) -> None:
    monkeypatch.setattr(resources.settings, "import_wall_time_s", 0.3)
    response, took = await upload(api, floor, slow_shared_strings, "slow.xlsx", headers=ASYNC)
    # The request reads nothing of the file; the job does, so its wall time covers the shared strings
    # (read by the request, they left the job only a header row, done well within 0.3 s).
    assert response.status_code == 202 and took < FAST_S, (response.status_code, took)
    began = time.monotonic()
    job = await wait_for_job(api, floor, response.json()["id"], until={"succeeded", "failed", "cancelled"})
    assert job["status"] == "failed" and "longer than" in job["reason"], job
    assert time.monotonic() - began < FAST_S


async def test_a_cancel_stops_a_job_reading_shared_strings(api, floor, resources, slow_shared_strings) -> None:
    response, took = await upload(api, floor, slow_shared_strings, "slow.xlsx", headers=ASYNC)
    assert response.status_code == 202 and took < FAST_S, (response.status_code, took)
    job_id = response.json()["id"]
    task, _ = import_jobs._running[uuid.UUID(job_id)]
    cancelled = await api.delete(f"/v1/imports/{job_id}", headers=floor.director.headers)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled", cancelled.text[:300]
    # The job's thread stops at its next shared string, so the job itself ends at once.
    await asyncio.wait_for(asyncio.shield(task), timeout=1.0)
    job = (await api.get(f"/v1/imports/{job_id}", headers=floor.director.headers)).json()
    assert job["status"] == "cancelled" and job["created_count"] == 0
