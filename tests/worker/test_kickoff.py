"""Kickoff of a project: exactly one channel, one invite set, one page tree, one spreadsheet —
also when the same events are delivered again."""

from __future__ import annotations

from worker_support import deliveries_of, kick_off, open_deliveries, publish, sandbox_items, wait_until


async def test_kickoff_creates_each_thing_once_even_when_replayed(worker, sandbox, redis_client, db, events,
                                                                   service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    project_id, _, _members, envelopes = await kick_off(redis_client, ns, events, "キックオフ検証 案件", members=2)

    async def settled():
        rows = await deliveries_of(db, project_id)
        return len(rows) >= 9 and await open_deliveries(db, project_id) == 0 and rows

    rows = await wait_until(settled, within_s=90, what="kickoff deliveries to settle")
    assert {r["status"] for r in rows} == {"succeeded"}, [(r["action"], r["status"], r["last_error"]) for r in rows]

    # Replaying every event (same ids) plans nothing new and sends nothing new.
    await publish(redis_client, ns, *envelopes)
    await wait_until(lambda: _stream_drained(redis_client, ns), what="replayed events consumed")
    assert len(await deliveries_of(db, project_id)) == len(rows)

    link = await db.fetchrow("SELECT * FROM integrations.project_links WHERE project_id=$1", project_id)
    channels = [c for c in await sandbox_items(sandbox.url, "slack/channels") if c["id"] == link["slack_channel_id"]]
    assert len(channels) == 1
    named = [c for c in await sandbox_items(sandbox.url, "slack/channels") if str(project_id)[:8] in c["name"]]
    assert [c["name"] for c in named] == [f"anken-{str(project_id)[:8]}"]
    channel = channels[0]
    assert len(channel["members"]) >= 3  # director and both members (the bot may be counted too)
    assert "月間アポ目標 20件" in channel["topic"]
    messages = await sandbox_items(sandbox.url, "slack/messages", channel=channel["id"])
    assert len(messages) == 1 and messages[0]["pinned"]

    pages = [p for p in await sandbox_items(sandbox.url, "confluence/pages") if "キックオフ検証" in p["title"]]
    assert sorted(p["title"] for p in pages) == sorted([
        "キックオフ検証 案件 案件概要", "キックオフ検証 案件 キックオフアジェンダ", "キックオフ検証 案件 トークスクリプト",
        "キックオフ検証 案件 ナレッジ・FAQ"])
    root = next(p for p in pages if p["title"].endswith("案件概要"))
    assert all(p["parent_id"] == root["id"] for p in pages if p is not root)
    assert all(p["version"] == 1 for p in pages)

    titled = [s for s in await sandbox_items(sandbox.url, "sheets/spreadsheets") if "キックオフ検証" in s["title"]]
    assert [s["spreadsheet_id"] for s in titled] == [link["spreadsheet_id"]]
    list_sheet = next(sh for sh in titled[0]["sheets"] if sh["title"] == "アプローチリスト")
    assert list_sheet["values"][0][:2] == ["企業名", "業種"]


async def _stream_drained(redis_client, ns: str) -> bool:
    groups = await redis_client.xinfo_groups(f"{ns}:events")
    group = next(g for g in groups if g["name"] in (b"integrations", "integrations"))
    return group["pending"] == 0 and (group.get("lag") in (0, None))
