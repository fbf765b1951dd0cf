"""A published weekly report posted to Slack and Confluence links a signed, expiring page of the web app that
opens without a login (`/r/<token>`, made by reporting-api when the message is posted), never the
reporting-api URL (which answers 401 in a browser); once the link is revoked the page is a 404."""

from __future__ import annotations

import re
import uuid

import httpx
from worker_support import admin_headers, deliveries_of, kick_off, open_deliveries, sandbox_items, wait_until

from anken_common.event_payloads import WeeklyReportPublishedPayload
from anken_worker.messaging import weekly_report, weekly_report_page

PROJECT = uuid.UUID("7c1e2f52-0000-4000-8000-000000000001")
WEB = f"http://web.example/projects/{PROJECT}/reports?week=2026-W47&version=2"
API = f"http://reporting.example/v1/projects/{PROJECT}/weekly-reports/2026-W47.pptx?version=2"
SHARED = {"url": "http://web.example/r/abcdefghijklmnopqrstuvwxyz0123456789", "expires_at": "2026-12-11T08:00:00+00:00"}
WEEK = "2026-W40"


def payload(**extra: object) -> WeeklyReportPublishedPayload:
    return WeeklyReportPublishedPayload(id=uuid.uuid4(), project_id=PROJECT, client_id=uuid.uuid4(),
                                        iso_week="2026-W47", version=2, summary="アポ 8件", download_url=API, **extra)


def test_slack_and_confluence_open_the_shared_link_with_its_expiry() -> None:
    text, blocks = weekly_report(payload(web_url=WEB), "クラウド会計", SHARED)
    assert SHARED["url"] in text and "/v1/" not in text and "第 2 版" in text
    assert blocks[1]["elements"][0]["url"] == SHARED["url"]
    assert "2026/12/11 17:00 まで有効" in blocks[2]["elements"][0]["text"]  # in the project's time zone (JST)
    page = weekly_report_page(payload(web_url=WEB), "クラウド会計", SHARED)
    assert f'href="{SHARED["url"]}"' in page and "2026/12/11 17:00 まで有効" in page
    assert WEB.replace("&", "&amp;") in page and "/v1/" not in page  # after expiry: log in


def test_without_a_shared_link_the_web_page_never_the_api() -> None:
    text, blocks = weekly_report(payload(web_url=WEB), "クラウド会計")
    assert WEB in text and "/v1/" not in text and blocks[-1]["elements"][0]["url"] == WEB
    page = weekly_report_page(payload(web_url=WEB), "クラウド会計")
    assert WEB.replace("&", "&amp;") in page and "/v1/" not in page
    # An event from before web_url existed: no link at all rather than one answering 401.
    text, blocks = weekly_report(payload(), "クラウド会計")
    assert "/v1/" not in text and "http" not in text and len(blocks) == 1
    assert "/v1/" not in weekly_report_page(payload(), "クラウド会計")


async def test_the_posted_link_opens_the_report_without_login_until_revoked(
        stack, worker, sandbox, redis_client, db, events, service_env) -> None:
    reporting, web = stack.start("reporting"), stack.start("web")
    ns = service_env["REDIS_NAMESPACE"]
    name = "共有リンク検証"
    project_id, _, _, _ = await kick_off(redis_client, ns, events, name)

    async def kicked_off() -> bool:
        return len(await deliveries_of(db, project_id)) == 9 and await open_deliveries(db, project_id) == 0

    await wait_until(kicked_off, within_s=90, what="kickoff done")
    admin = admin_headers(service_env)
    async with httpx.AsyncClient(base_url=reporting.url, headers=admin, timeout=30) as api:
        async def known() -> bool:
            return (await api.get(f"/v1/projects/{project_id}/weekly-reports/{WEEK}")).status_code == 200

        await wait_until(known, within_s=60, what="reporting-api knows the project")
        published = await api.post(f"/v1/projects/{project_id}/weekly-reports/{WEEK}/publish")
        assert published.status_code == 201, published.text

        async def posted() -> list[dict] | None:
            rows = [r for r in await deliveries_of(db, project_id) if r["idempotency_key"].endswith(".weekly_report")]
            return rows if len(rows) == 2 and all(r["status"] == "succeeded" for r in rows) else None

        await wait_until(posted, within_s=90, what="weekly report posted to Slack and Confluence")
        channel = await db.fetchval("SELECT slack_channel_id FROM integrations.project_links WHERE project_id = $1",
                                    project_id)
        messages = [m for m in await sandbox_items(sandbox.url, "slack/messages", channel=channel)
                    if "週次レポート" in m["text"]]
        assert len(messages) == 1
        link = re.compile(re.escape(web.url) + r"/r/[A-Za-z0-9_-]+")
        found = link.search(messages[0]["text"])
        assert found, messages[0]["text"]
        url = found.group(0)
        assert "/v1/" not in messages[0]["text"] and "ログイン不要" in str(messages[0])
        pages = [p for p in await sandbox_items(sandbox.url, "confluence/pages") if p["title"] == f"{name} 週次レポート {WEEK}"]
        assert len(pages) == 1 and f'href="{url}"' in pages[0]["body"]  # one link for both posts

        async with httpx.AsyncClient(timeout=30) as browser:  # no session, no token
            opened = await browser.get(url)
            assert opened.status_code == 200, opened.text
            assert name in opened.text and WEEK in opened.text and "第 1 版" in opened.text
            deck = await browser.get(url + "/download.pptx")
            assert deck.status_code == 200 and deck.headers["content-type"].startswith(
                "application/vnd.openxmlformats-officedocument.presentationml")

            links = (await api.get("/v1/report-links", params={"project_id": str(project_id)})).json()["items"]
            assert len(links) == 1 and links[0]["open_count"] == 2 and links[0]["created_by"] == "integrations-worker"
            assert (await api.delete(f"/v1/report-links/{links[0]['id']}")).status_code == 204
            gone = await browser.get(url)
            assert gone.status_code == 404 and "このリンクではレポートを開けません" in gone.text
            assert (await browser.get(url + "/download.pptx")).status_code == 404
