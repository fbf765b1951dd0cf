"""A weekly report as a downloadable document (PPTX, XLSX, CSV, HTML): the media types, the renderers and
the answer's headers, for every route that serves one (the API's downloads and the shared links')."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Response
from starlette.concurrency import run_in_threadpool

from anken_reporting.reports.content_disposition import attachment
from anken_reporting.reports.formatting import version_label
from anken_reporting.reports.render_csv import render_csv
from anken_reporting.reports.render_html import render_html
from anken_reporting.reports.render_pptx import render_pptx
from anken_reporting.reports.render_xlsx import render_xlsx
from anken_reporting.reports.schemas import WeeklyReport

FORMATS: dict[str, tuple[str, Callable[[WeeklyReport], bytes | str]]] = {
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", render_pptx),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", render_xlsx),
    "csv": ("text/csv; charset=utf-8", render_csv),
    "html": ("text/html; charset=utf-8", render_html),
}

FORMAT_DESCRIPTIONS = {
    "pptx": "A 16:9 deck: title, agenda, summary, members, funnel and trend charts, A/B, next actions.",
    "xlsx": "One sheet per table with real number formats (0.0% rates, #,##0 counts, ¥#,##0 yen).",
    "csv": "UTF-8 with BOM (opens in Japanese Excel); tables stacked under [section] rows.",
    "html": "Print-ready (A4 landscape @media print) with an inline SVG trend chart.",
}

# A downloaded file is never sniffed as something else; the HTML print view, opened in a browser,
# runs no script and loads nothing (its styles and chart are inline).
DOCUMENT_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                               "form-action 'none'; frame-ancestors 'none'",
}


def document_openapi(extension: str) -> dict[int | str, dict[str, Any]]:
    """The 200 answer of a download route, for its OpenAPI `responses`."""
    media_type = FORMATS[extension][0]
    return {200: {"content": {media_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}},
                  "description": "The file, with Content-Disposition naming it (RFC 5987 filename* for Japanese)"}}


async def document_response(report: WeeklyReport, extension: str) -> Response:
    """The report rendered as `extension`, named after the project, the week and (when published) the version."""
    media_type, render = FORMATS[extension]
    body = await run_in_threadpool(render, report)
    # A published version names its number (…_第2版.pptx / …-v2.pptx).
    label = f"_{version_label(report.version).replace(' ', '')}" if report.version else ""
    filename = f"{report.project.name}_定例MTG資料_{report.iso_week}{label}.{extension}"
    fallback = f"weekly-report-{report.iso_week}{f'-v{report.version}' if report.version else ''}.{extension}"
    return Response(
        content=body.encode("utf-8") if isinstance(body, str) else body, media_type=media_type,
        headers={"Content-Disposition": attachment(filename, fallback), **DOCUMENT_HEADERS},
    )
