"""A published weekly report posted to Slack and Confluence links the web app's report page,
never the reporting-api URL (which answers 401 in a browser)."""

from __future__ import annotations

import uuid

from anken_common.event_payloads import WeeklyReportPublishedPayload
from anken_worker.messaging import weekly_report, weekly_report_page

PROJECT = uuid.UUID("7c1e2f52-0000-4000-8000-000000000001")
WEB = f"http://web.example/projects/{PROJECT}/reports?week=2026-W47&version=2"
API = f"http://reporting.example/v1/projects/{PROJECT}/weekly-reports/2026-W47.pptx?version=2"


def payload(**extra: object) -> WeeklyReportPublishedPayload:
    return WeeklyReportPublishedPayload(id=uuid.uuid4(), project_id=PROJECT, client_id=uuid.uuid4(),
                                        iso_week="2026-W47", version=2, summary="アポ 8件", download_url=API, **extra)


def test_slack_and_confluence_open_the_web_report_page_of_the_version() -> None:
    text, blocks = weekly_report(payload(web_url=WEB), "クラウド会計")
    assert WEB in text and "/v1/" not in text and "第 2 版" in text
    button = blocks[-1]["elements"][0]
    assert button["url"] == WEB
    page = weekly_report_page(payload(web_url=WEB), "クラウド会計")
    assert WEB.replace("&", "&amp;") in page and "/v1/" not in page
