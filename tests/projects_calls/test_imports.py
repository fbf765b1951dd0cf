"""Target imports: UTF-8 / CP932 CSV and XLSX, dry runs with row errors and duplicates, all-or-nothing commits."""

from __future__ import annotations

import io
import json
import zipfile

import sqlalchemy as sa
from openpyxl import Workbook

from anken_projects.outbox.models import OutboxEvent
from anken_projects.targets.import_columns import COLUMNS, HEADER_ALIASES, TargetField, recognised_field
from anken_projects.targets.models import Target

HEADER = "会社名,電話番号,法人番号,業種,従業員規模,都道府県,優先度\n"
GOOD_ROWS = (
    "株式会社アルファ,03-1111-2222,7000012050002,製造業,100-299,東京都,1\n"
    "ベータ株式会社,０６－３３３３－４４４４,,小売業,10-49,大阪府,2\n"
)


def csv_bytes(text: str, encoding: str) -> bytes:
    return text.encode(encoding)


async def upload(api, floor, content: bytes, filename: str, *, dry_run: bool, mapping: dict | None = None,
                 list_id=None, headers=None):
    data = {"dry_run": "true" if dry_run else "false"}
    if mapping is not None:
        data["mapping"] = json.dumps(mapping, ensure_ascii=False)
    return await api.post(f"/v1/target-lists/{list_id or floor.list_id}/imports", files={"file": (filename, content)},
                          data=data, headers=headers or floor.director.headers)


async def count_targets(resources, list_id) -> int:
    async with resources.sessionmaker() as session:
        return (await session.execute(sa.select(sa.func.count()).where(Target.target_list_id == list_id))).scalar_one()


async def test_utf8_bom_csv_commit_creates_normalised_targets(api, floor, resources) -> None:
    before = await count_targets(resources, floor.list_id)
    response = await upload(api, floor, csv_bytes(HEADER + GOOD_ROWS, "utf-8-sig"), "list.csv", dry_run=False)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["status"], report["encoding"], report["created_count"], report["error_count"]) == (
        "succeeded", "utf-8-sig", 2, 0)
    assert report["rows_total"] == 2 and report["rows_processed"] == 2
    assert await count_targets(resources, floor.list_id) == before + 2
    targets = (await api.get(f"/v1/target-lists/{floor.list_id}/targets", params={"q": "ベータ"},
                             headers=floor.director.headers)).json()["items"]
    assert targets[0]["phone"] == "0633334444" and targets[0]["priority_tier"] == 2 and targets[0]["region"] == "大阪府"
    tier1 = (await api.get(f"/v1/target-lists/{floor.list_id}/targets", params={"tier": 1},
                           headers=floor.director.headers)).json()["items"]
    assert [t["corporate_number"] for t in tier1] == ["7000012050002"]
    async with resources.sessionmaker() as session:
        event = (await session.execute(sa.select(OutboxEvent).where(
            OutboxEvent.type == "target_list.imported", OutboxEvent.aggregate_id == str(floor.list_id)))).scalar_one()
    assert event.payload["created"] == 2 and event.payload["client_id"] == str(floor.client_id)
    job = (await api.get(f"/v1/imports/{report['id']}", headers=floor.director.headers)).json()
    assert job["status"] == "succeeded" and job["rows_processed"] == 2


async def test_cp932_csv_dry_run_reports_errors_and_duplicates_and_writes_nothing(api, floor, resources) -> None:
    text = HEADER + GOOD_ROWS + (
        "(株)アルファ,03-9999-0000,7000012050002,製造業,,東京都,1\n"   # row 4: same 法人番号 as row 2
        "ガンマ商事,0633334444,,卸売業,,大阪府,3\n"                    # row 5: same phone as row 3
        "デルタ工業,03-1234-5678,1234567890123,製造業,,愛知県,5\n"      # row 6: bad check digit and tier
        ",03-5555-6666,,,,,\n"                                          # row 7: no company name
        "株式会社テスト00001,,,,,,\n"                                   # row 8: already in the client's list
    )
    content = csv_bytes(text, "cp932")
    before = await count_targets(resources, floor.list_id)
    response = await upload(api, floor, content, "リスト.csv", dry_run=True)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["encoding"] == "cp932" and report["dry_run"] is True
    assert report["accepted_count"] == 2 and report["created_count"] == 0
    errors = {(e["row"], e["field"]) for e in report["errors"]}
    assert errors == {(6, "corporate_number"), (6, "priority_tier"), (7, "company_name")}
    duplicates = {d["row"]: d for d in report["duplicates"]}
    assert duplicates[4]["reason"] == "corporate_number" and duplicates[4]["duplicate_of_row"] == 2
    assert duplicates[5]["reason"] == "phone" and duplicates[5]["duplicate_of_row"] == 3
    assert duplicates[8]["reason"] == "name" and duplicates[8]["existing_target_id"] == str(floor.targets[1])
    assert await count_targets(resources, floor.list_id) == before


async def test_commit_with_any_row_error_writes_nothing(api, floor, resources) -> None:
    text = HEADER + GOOD_ROWS + "デルタ工業,03-1234-5678,1234567890123,製造業,,愛知県,1\n"
    before = await count_targets(resources, floor.list_id)
    response = await upload(api, floor, csv_bytes(text, "utf-8"), "list.csv", dry_run=False)
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [{"row": 4, "field": "corporate_number", "message": "check digit does not match",
                               "code": "corporate_number_check_digit", "column": "法人番号", "params": {}}]
    assert await count_targets(resources, floor.list_id) == before
    job = (await api.get(f"/v1/imports/{body['import_id']}", headers=floor.director.headers)).json()
    assert job["status"] == "failed" and job["created_count"] == 0 and job["error_count"] == 1


async def test_xlsx_import_with_explicit_mapping_and_dedupe_against_other_project_of_client(api, floor, resources) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Company", "Tel", "Houjin", "Tier", "Sector"])
    sheet.append(["Epsilon Inc.", "+81 3-7777-8888", 1180301018771, 1, "IT"])
    sheet.append(["株式会社テスト00002", None, None, 2, "IT"])  # exists in the client's other list
    sheet.append(["Zeta KK", 312340000, None, "B", "IT"])          # numeric phone without its leading zero
    buffer = io.BytesIO()
    workbook.save(buffer)
    mapping = {"Company": "company_name", "Tel": "phone", "Houjin": "corporate_number", "Tier": "priority_tier",
               "Sector": "industry"}
    response = await upload(api, floor, buffer.getvalue(), "list.xlsx", dry_run=False, mapping=mapping,
                            list_id=floor.other_list_id)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["file_kind"] == "xlsx" and report["created_count"] == 2 and report["duplicate_count"] == 1
    assert report["duplicates"][0]["existing_target_id"] == str(floor.targets[2])
    async with resources.sessionmaker() as session:
        rows = (await session.execute(sa.select(Target.company_name, Target.phone, Target.corporate_number,
                                                Target.priority_tier).where(Target.target_list_id == floor.other_list_id)
                                      .order_by(Target.company_name))).all()
    assert [tuple(r) for r in rows] == [("Epsilon Inc.", "0377778888", "1180301018771", 1),
                                        ("Zeta KK", "0312340000", None, 2)]


async def test_bad_mapping_and_unreadable_file_are_422_naming_the_field(api, floor) -> None:
    bad = await upload(api, floor, csv_bytes(HEADER + GOOD_ROWS, "utf-8"), "l.csv", dry_run=True,
                       mapping={"会社名": "nonsense"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "mapping"
    no_name = await upload(api, floor, b"foo,bar\n1,2\n", "l.csv", dry_run=True)
    assert no_name.status_code == 422 and no_name.json()["errors"][0]["field"] == "file"
    garbage = await upload(api, floor, b"PK\x03\x04garbage", "l.xlsx", dry_run=True)
    assert garbage.status_code == 422 and garbage.json()["errors"][0]["field"] == "file"


async def test_members_cannot_import_and_unassigned_members_get_404(api, floor) -> None:
    content = csv_bytes(HEADER + GOOD_ROWS, "utf-8")
    member = await upload(api, floor, content, "l.csv", dry_run=True, headers=floor.members[0].headers)
    assert member.status_code == 403
    outsider = await upload(api, floor, content, "l.csv", dry_run=True, headers=floor.outsider.headers)
    assert outsider.status_code == 404


async def test_target_list_rename_with_if_match(api, floor) -> None:
    url = f"/v1/target-lists/{floor.list_id}"
    etag = (await api.get(url, headers=floor.director.headers)).headers["etag"]
    renamed = await api.patch(url, json={"name": "リストA（追加分）"}, headers={**floor.director.headers, "If-Match": etag})
    assert renamed.status_code == 200 and renamed.json()["name"] == "リストA（追加分）"
    stale = await api.patch(url, json={"name": "古い版"}, headers={**floor.director.headers, "If-Match": etag})
    assert stale.status_code == 412
    assert (await api.patch(url, json={"name": "x"}, headers=floor.members[0].headers)).status_code == 403


async def test_row_errors_carry_code_column_as_in_the_file_and_params(api, floor) -> None:
    text = ("Company Name,TEL,Tier\n"
            + "株式会社長い名前" + "あ" * 200 + ",03-1234-5678,1\n"  # row 2: too long
            + "株式会社電話,12-34,X\n")  # row 3: phone prefix, tier
    response = await upload(api, floor, text.encode(), "list.csv", dry_run=True)
    assert response.status_code == 200, response.text
    errors = {(e["row"], e["code"]): e for e in response.json()["errors"]}
    assert set(errors) == {(2, "too_long"), (3, "phone_prefix"), (3, "tier_invalid")}
    assert errors[(2, "too_long")]["column"] == "Company Name" and errors[(2, "too_long")]["params"] == {"max": 200}
    assert errors[(2, "too_long")]["message"] == "must be at most 200 characters"
    assert errors[(3, "phone_prefix")]["column"] == "TEL" and errors[(3, "phone_prefix")]["field"] == "phone"
    assert errors[(3, "tier_invalid")]["column"] == "Tier"


async def test_a_file_that_is_no_spreadsheet_is_refused_as_such(api, floor) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    junk = bytes((i * 7919) % 251 for i in range(64 * 1024))  # no spreadsheet, no text
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    for content, name in ((png, "logo.png"), (junk, "junk.bin"), (png, "disguised.csv"),
                          (docx.getvalue(), "letter.docx")):
        response = await upload(api, floor, content, name, dry_run=True)
        assert response.status_code == 422, response.text
        error = response.json()["errors"][0]
        assert (error["field"], error["code"]) == ("file", "not_csv_or_xlsx"), (name, error)


async def test_a_header_row_with_no_recognised_column_names_its_rule(api, floor) -> None:
    none_known = await upload(api, floor, "氏名,住所\n山田,東京\n".encode(), "l.csv", dry_run=True)
    assert none_known.status_code == 422
    assert none_known.json()["errors"][0]["code"] == "no_recognised_header"
    no_name = await upload(api, floor, "電話番号,業種\n03-1234-5678,製造業\n".encode(), "l.csv", dry_run=True)
    assert no_name.json()["errors"][0]["code"] == "missing_company_name_column"
    job = (await api.get(f"/v1/imports/{no_name.json()['import_id']}", headers=floor.director.headers)).json()
    assert job["errors"][0]["code"] == "missing_company_name_column" and job["errors"][0]["row"] is None


async def test_too_large_says_its_limit_in_params(api, floor, resources, monkeypatch) -> None:
    monkeypatch.setattr(resources.settings, "import_max_bytes", 2048)
    response = await upload(api, floor, b"company_name\n" + b"x" * 4096, "big.csv", dry_run=True)
    assert response.status_code == 413
    error = response.json()["errors"][0]
    assert (error["field"], error["code"], error["params"]) == ("file", "file_too_large", {"max_bytes": 2048})


async def test_columns_endpoint_lists_the_parsers_own_headers(api, floor) -> None:
    body = (await api.get("/v1/target-imports/columns", headers=floor.members[0].headers)).json()
    listed = {c["field"]: c for c in body["columns"]}
    assert set(listed) == {f.value for f in TargetField}
    for field_name, aliases in HEADER_ALIASES.items():
        column = listed[field_name.value]
        assert tuple(column["japanese_headers"] + column["english_headers"]) == aliases
        # Every header the list shows is one the parser maps to that field, and vice versa.
        assert all(recognised_field(h) == field_name for h in aliases)
    assert [c["field"] for c in body["columns"] if c["required"]] == ["company_name"]
    assert all(not h.isascii() for c in body["columns"] for h in c["japanese_headers"])
    assert all(h.isascii() for c in body["columns"] for h in c["english_headers"])
    assert body["max_bytes"] > 0 and body["max_rows"] == 50_000
    assert (await api.get("/v1/target-imports/columns")).status_code == 401


async def test_example_files_import_cleanly(api, floor, resources) -> None:
    for kind in ("csv", "xlsx"):
        response = await api.get(f"/v1/target-imports/example.{kind}", headers=floor.director.headers)
        assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
        if kind == "csv":
            assert response.content.startswith("\ufeff".encode())
            header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
            assert header == [c.japanese[0] for c in COLUMNS]
        report = await upload(api, floor, response.content, f"example.{kind}", dry_run=True,
                              list_id=floor.other_list_id)
        assert report.status_code == 200, report.text
        body = report.json()
        assert (body["rows_total"], body["error_count"], body["accepted_count"]) == (2, 0, 2), body
    assert (await api.get("/v1/target-imports/example.pdf", headers=floor.director.headers)).status_code == 404


async def test_a_target_names_the_statuses_a_person_may_set(api, floor) -> None:
    url = f"/v1/targets/{floor.targets[1]}"
    target = (await api.get(url, headers=floor.director.headers)).json()
    assert target["allowed_statuses"] == ["new", "callback", "excluded"]
    refused = await api.patch(url, json={"status": "called"}, headers=floor.director.headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "status"
    changed = await api.patch(url, json={"priority_tier": 1, "status": "excluded"}, headers=floor.director.headers)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["priority_tier"], changed.json()["status"]) == (1, "excluded")
    restored = await api.patch(url, json={"status": target["status"]}, headers=floor.director.headers)
    assert restored.status_code == 200
