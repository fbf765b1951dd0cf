"""Fixtures of the hostile-files and bad-input tests: projects-api in process (as the call-floor
suite runs it), a fresh call floor, and hostile XLSX files written by hand (zipfile + XML)."""

from __future__ import annotations

import asyncio
import io
import time
import uuid
import zipfile
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa
from asgi_lifespan import LifespanManager
from projects_calls.call_floor_fixtures import Floor, build_floor, make_settings

from anken_projects.main import create_app
from anken_projects.targets.models import Target

# Hostile files must be refused fast: the tests allow 2 s (the target is well under one).
FAST_S = 2.0
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_REL = REL + "/worksheet"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)


@pytest.fixture(scope="module", name="files_app")
async def files_app_fixture(service_env: dict[str, str]) -> AsyncIterator:
    application = create_app(make_settings(service_env))
    async with LifespanManager(application):
        yield application


@pytest.fixture(scope="module", name="api")
async def api_fixture(files_app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=files_app), base_url="http://projects.test",
                                 timeout=60) as client:
        yield client


@pytest.fixture(scope="module", name="resources")
def resources_fixture(files_app):
    return files_app.state.resources


@pytest.fixture(name="floor")
async def floor_fixture(resources) -> Floor:
    return await build_floor(resources, targets=2, members=1)


def xlsx(sheet_xml: str, *, shared: list[str] | None = None, styles: str | None = None,
         workbook: str | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal workbook: [Content_Types], the package and workbook relationships, one sheet."""
    rels = [f'<Relationship Id="rId1" Type="{SHEET_REL}" Target="worksheets/sheet1.xml"/>']
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" '
                       f'Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": workbook or (f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
                                        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared is not None:
        rels.append(f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
        items = "".join(f"<si><t>{text}</t></si>" for text in shared)
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{MAIN}" count="{len(shared)}">{items}</sst>'
    if styles is not None:
        rels.append(f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>')
        parts["xl/styles.xml"] = styles
    parts["xl/_rels/workbook.xml.rels"] = f'<Relationships xmlns="{PKG_REL}">{"".join(rels)}</Relationships>'
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def sheet(rows_xml: str, dimension: str | None = None) -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{MAIN}">{dim}<sheetData>{rows_xml}</sheetData></worksheet>'


HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>会社名</t></is></c><c r="B1" t="inlineStr"><is><t>電話番号</t></is></c></row>'


def company_row(number: int, name: str = "株式会社ホスト", phone: str = "0311112222") -> str:
    return (f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>{name}</t></is></c>'
            f'<c r="B{number}" t="inlineStr"><is><t>{phone}</t></is></c></row>')


def big_csv(rows: int) -> bytes:
    lines = ["会社名,電話番号,業種"]
    lines += [f"株式会社大量{i:06d},06-{i // 10000:04d}-{i % 10000:04d},製造業" for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


async def upload(api: httpx.AsyncClient, floor: Floor, content: bytes, filename: str, *, dry_run: bool = True,
                 data: dict | None = None, headers: dict | None = None) -> tuple[httpx.Response, float]:
    """POST the file; returns the answer and the seconds it took."""
    began = time.monotonic()
    response = await api.post(f"/v1/target-lists/{floor.list_id}/imports", files={"file": (filename, content)},
                              data={"dry_run": "true" if dry_run else "false", **(data or {})},
                              headers={**floor.director.headers, **(headers or {})})
    return response, time.monotonic() - began


def file_error(response: httpx.Response) -> str:
    """The message of the 422's `file` error (asserting it is one)."""
    assert response.status_code == 422, response.text[:500]
    body = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"]: e["message"] for e in body["errors"]}
    assert "file" in fields, body
    return fields["file"]


async def count_targets(resources, list_id: uuid.UUID) -> int:
    async with resources.sessionmaker() as session:
        return (await session.execute(sa.select(sa.func.count()).where(Target.target_list_id == list_id))).scalar_one()


async def wait_for_job(api: httpx.AsyncClient, floor: Floor, job_id: str, *, until: set[str]) -> dict:
    deadline = time.monotonic() + 30
    while True:
        job = (await api.get(f"/v1/imports/{job_id}", headers=floor.director.headers)).json()
        if job["status"] in until or time.monotonic() > deadline:
            return job
        await asyncio.sleep(0.05)
