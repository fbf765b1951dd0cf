"""A 50,000-row CP932 file streams in batches, reports progress while it runs, and commits at once;
partner keys with write:targets upload through the same import."""

from __future__ import annotations

import asyncio

from projects_calls.call_floor_fixtures import build_floor
from projects_calls.import_pacing import paced_parse_fixture  # noqa: F401 (fixture)


def big_csv(rows: int) -> bytes:
    lines = ["会社名,電話番号,業種,都道府県,優先度"]
    lines += [f"株式会社大量{i:06d},03-{i // 10000:04d}-{i % 10000:04d},製造業,東京都,{1 + i % 3}" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


async def test_fifty_thousand_rows_import_with_live_progress(api, resources, paced_parse) -> None:
    floor = await build_floor(resources, targets=0, members=1)
    content = big_csv(50_000)
    seen_progress: list[tuple[int, int | None, str]] = []

    async def watch() -> None:
        while True:
            listing = await api.get(f"/v1/target-lists/{floor.list_id}/imports", headers=floor.director.headers)
            for job in listing.json()["items"]:
                seen_progress.append((job["rows_processed"], job["rows_total"], job["status"]))
            await asyncio.sleep(0.05)

    watcher = asyncio.create_task(watch())
    response = await api.post(f"/v1/target-lists/{floor.list_id}/imports", files={"file": ("big.csv", content)},
                              data={"dry_run": "false"}, headers=floor.director.headers)
    watcher.cancel()
    assert response.status_code == 200, response.text[:500]
    report = response.json()
    assert (report["created_count"], report["rows_total"], report["rows_processed"]) == (50_000, 50_000, 50_000)
    running = [p for p in seen_progress if p[2] == "running"]
    # The job counts the CSV's rows before it reads any: the total is known once rows are processed.
    assert running and all(total == 50_000 for processed, total, _ in running if processed > 0)
    assert any(0 < processed < 50_000 for processed, _, _ in running), "progress visible mid-import"
    listed = (await api.get(f"/v1/target-lists/{floor.list_id}", headers=floor.director.headers)).json()
    assert listed["target_count"] == 50_000


async def test_partner_key_with_write_targets_uploads_to_its_clients_list_only(api, resources) -> None:
    ours = await build_floor(resources, targets=0, members=1)
    theirs = await build_floor(resources, targets=0, members=1)
    content = "company_name,phone\n株式会社パートナー,03-1212-3434\n".encode()
    issued = await api.post("/v1/api-keys", headers=ours.admin.headers,
                            json={"client_id": str(ours.client_id), "name": "upload", "scopes": ["write:targets"]})
    key = {"Authorization": f"Bearer {issued.json()['secret']}"}
    ok = await api.post(f"/v1/target-lists/{ours.list_id}/imports", files={"file": ("p.csv", content)}, headers=key)
    assert ok.status_code == 200 and ok.json()["created_count"] == 1
    other = await api.post(f"/v1/target-lists/{theirs.list_id}/imports", files={"file": ("p.csv", content)}, headers=key)
    assert other.status_code == 404
    reader = await api.post("/v1/api-keys", headers=ours.admin.headers,
                            json={"client_id": str(ours.client_id), "name": "read", "scopes": ["read:projects"]})
    denied = await api.post(f"/v1/target-lists/{ours.list_id}/imports", files={"file": ("p.csv", content)},
                            headers={"Authorization": f"Bearer {reader.json()['secret']}"})
    assert denied.status_code == 403
