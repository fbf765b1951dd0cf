"""Published weekly reports: the week lists its versions, every download of a version names its
number (第 N 版) and never 下書き, and the published event links people to the web app's page."""

from __future__ import annotations

import csv
import io
import uuid
from urllib.parse import unquote

from openpyxl import load_workbook
from pptx import Presentation
from sqlalchemy import text

from .conftest import ReportWorld, envelope

WEEK = "2026-W47"
BASE = "/v1/projects/{id}/weekly-reports/" + WEEK


def pptx_text(body: bytes) -> str:
    deck = Presentation(io.BytesIO(body))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    texts += [cell.text for slide in deck.slides for shape in slide.shapes if shape.has_table
              for row in shape.table.rows for cell in row.cells]
    return "\n".join(texts)


def xlsx_text(body: bytes) -> str:
    book = load_workbook(io.BytesIO(body))
    cells = [str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value is not None]
    return "\n".join([book.properties.title or "", *cells])


def csv_text(body: bytes) -> str:
    return "\n".join(",".join(row) for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))))


DOCUMENT_TEXT = {"pptx": pptx_text, "xlsx": xlsx_text, "csv": csv_text, "html": lambda body: body.decode("utf-8")}


async def publish(world: ReportWorld, learning: str) -> int:
    url = BASE.format(id=world.project_id)
    saved = await world.client.put(url + "/draft", json={"notes": {"learnings": [learning]}}, headers=world.headers())
    assert saved.status_code == 200, saved.text
    published = await world.client.post(url + "/publish", headers=world.headers())
    assert published.status_code == 201, published.text
    return published.json()["version"]


async def test_every_download_of_a_published_version_names_its_number_and_never_says_draft(world: ReportWorld):
    version = await publish(world, "10時台は受付ブロックが少ない")
    for extension, read in DOCUMENT_TEXT.items():
        response = await world.client.get(BASE.format(id=world.project_id) + f".{extension}",
                                          params={"version": version}, headers=world.headers())
        assert response.status_code == 200, response.text
        content = read(response.content)
        assert f"第 {version} 版" in content, extension
        assert "下書き" not in content, extension
        if extension != "csv":  # the CSV holds the tables; the notes are in the deck, workbook and print view
            assert "10時台は受付ブロックが少ない" in content, extension
        disposition = response.headers["content-disposition"]
        assert unquote(disposition.split("filename*=UTF-8''", 1)[1]).endswith(f"_{WEEK}_第{version}版.{extension}")
        assert f'filename="weekly-report-{WEEK}-v{version}.{extension}"' in disposition

    # The live draft still says what it is, so nobody mistakes it for what the client received.
    draft = await world.client.get(BASE.format(id=world.project_id) + ".html", headers=world.headers())
    assert "下書き" in draft.text and f"第 {version} 版" not in draft.text


async def test_the_week_lists_its_versions_newest_first_with_who_published_them(world: ReportWorld):
    await world.feed(envelope("user.created", "user", world.director_id, {
        "id": str(world.director_id), "email": "director@example.jp", "name": "鈴木 ディレクター", "role": "director"}))
    first = await publish(world, "午前中の架電が有効")
    second = await publish(world, "午前中の架電が有効（第2版で追記）")
    answer = await world.client.get(BASE.format(id=world.project_id) + "/versions", headers=world.headers())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    numbers = [v["version"] for v in body["versions"]]
    assert numbers[:2] == [second, first] and numbers == sorted(numbers, reverse=True)
    assert body["latest_version"] == second
    newest = body["versions"][0]
    assert newest["published_by"] == str(world.director_id) and newest["published_by_name"] == "鈴木 ディレクター"
    assert newest["links"]["pptx"] == BASE.format(id=world.project_id) + f".pptx?version={second}"
    assert newest["links"]["report"] == BASE.format(id=world.project_id) + f"?version={second}"
    opened = await world.client.get(newest["links"]["html"], headers=world.headers())
    assert "第2版で追記" in opened.text


async def test_versions_of_an_unpublished_week_are_empty_and_a_stranger_sees_nothing(world: ReportWorld):
    url = f"/v1/projects/{world.project_id}/weekly-reports/2026-W10/versions"
    empty = await world.client.get(url, headers=world.headers())
    assert empty.status_code == 200 and empty.json()["versions"] == [] and empty.json()["latest_version"] is None
    stranger = await world.client.get(url, headers=world.headers("director", uuid.uuid4()))
    assert stranger.status_code == 404
    malformed = await world.client.get(f"/v1/projects/{world.project_id}/weekly-reports/2026-W99/versions",
                                       headers=world.headers())
    assert malformed.status_code == 422


async def test_the_published_event_links_people_to_the_web_app_not_the_api(world: ReportWorld):
    version = await publish(world, "決裁者は部長クラスが多い")
    async with world.resources.sessionmaker() as session:
        payload = (await session.execute(text(
            "SELECT payload FROM reporting.outbox_events WHERE type = 'weekly_report.published' "
            "AND payload->>'project_id' = :p AND (payload->>'version')::int = :v"),
            {"p": str(world.project_id), "v": version})).scalar_one()
    assert payload["web_url"] == (f"{world.settings.web_url}/projects/{world.project_id}/reports"
                                  f"?week={WEEK}&version={version}")
    assert "/v1/" not in payload["web_url"]


async def test_versions_are_documented_with_an_example(world: ReportWorld):
    spec = (await world.client.get("/openapi.json")).json()
    operation = spec["paths"]["/v1/projects/{project_id}/weekly-reports/{iso_week}/versions"]["get"]
    schema_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]
    assert schema["example"]["versions"][0]["links"]["pptx"].endswith(".pptx?version=2")
