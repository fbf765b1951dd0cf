"""Google Drive v3 files.create / files.list for spreadsheets: appProperties tags, drive.file visibility,
query errors and scopes, in Google's error envelope."""

from __future__ import annotations

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from .test_sheets_api import assertion, exchange, register

DRIVE_SCOPE = "https://www.googleapis.com/auth/spreadsheets https://www.googleapis.com/auth/drive.file"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"


async def _bearer(sandbox: httpx.AsyncClient, key: rsa.RSAPrivateKey, scope: str = DRIVE_SCOPE) -> dict[str, str]:
    await register(sandbox, key)
    response = await exchange(sandbox, assertion(key, scope=scope))
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _tagged(key: str) -> str:
    return f"appProperties has {{ key='ankenDeliveryKey' and value='{key}' }} and mimeType='{SPREADSHEET}' and trashed = false"


async def test_created_spreadsheet_is_found_by_its_app_property(sandbox: httpx.AsyncClient) -> None:
    auth = await _bearer(sandbox, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    created = await sandbox.post("/drive/v3/files", headers=auth, params={"fields": "id,name,appProperties"}, json={
        "name": "アプローチリスト 株式会社ドライブ", "mimeType": SPREADSHEET,
        "appProperties": {"ankenDeliveryKey": "evt:1:sheets.create_spreadsheet"}})
    assert created.status_code == 200, created.text
    file = created.json()
    assert file["name"] == "アプローチリスト 株式会社ドライブ"
    assert file["appProperties"] == {"ankenDeliveryKey": "evt:1:sheets.create_spreadsheet"}

    # The file is a spreadsheet the Sheets API opens, with the default first sheet.
    sheet = await sandbox.get(f"/sheets/v4/spreadsheets/{file['id']}", headers=auth)
    assert sheet.status_code == 200 and [s["properties"]["title"] for s in sheet.json()["sheets"]] == ["Sheet1"]

    found = await sandbox.get("/drive/v3/files", headers=auth, params={
        "q": _tagged("evt:1:sheets.create_spreadsheet"), "fields": "files(id,createdTime)"})
    assert found.status_code == 200, found.text
    assert found.json()["kind"] == "drive#fileList"
    assert [f["id"] for f in found.json()["files"]] == [file["id"]]
    assert set(found.json()["files"][0]) == {"id", "createdTime"}

    other_key = await sandbox.get("/drive/v3/files", headers=auth, params={"q": _tagged("evt:2:sheets.create_spreadsheet")})
    assert other_key.json()["files"] == []
    # A quote inside a value is escaped with a backslash and still matches exactly.
    quoted = await sandbox.post("/drive/v3/files", headers=auth, json={
        "name": "O'Reilly", "mimeType": SPREADSHEET, "appProperties": {"ankenDeliveryKey": "it's"}})
    escaped = await sandbox.get("/drive/v3/files", headers=auth,
                                params={"q": "appProperties has { key='ankenDeliveryKey' and value='it\\'s' }"})
    assert [f["id"] for f in escaped.json()["files"]] == [quoted.json()["id"]]


async def test_drive_file_scope_sees_only_the_callers_own_files(sandbox: httpx.AsyncClient) -> None:
    mine = await _bearer(sandbox, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    created = await sandbox.post("/drive/v3/files", headers=mine, json={
        "name": "自分のリスト", "mimeType": SPREADSHEET, "appProperties": {"ankenDeliveryKey": "mine"}})
    assert created.status_code == 200
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_email = "other@anken-sandbox.iam.gserviceaccount.com"
    pem = other_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    registered = await sandbox.post("/_sandbox/sheets/service-accounts", json={
        "client_email": other_email, "public_key_pem": pem.decode(), "key_id": "k1"})
    assert registered.status_code == 201
    token = await exchange(sandbox, assertion(other_key, iss=other_email, scope=DRIVE_SCOPE))
    theirs = {"Authorization": f"Bearer {token.json()['access_token']}"}
    listed = await sandbox.get("/drive/v3/files", headers=theirs, params={"q": _tagged("mine")})
    assert listed.status_code == 200 and listed.json()["files"] == []


async def test_bad_query_scope_and_mime_type_answer_in_googles_envelope(sandbox: httpx.AsyncClient) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    auth = await _bearer(sandbox, key)
    bad_query = await sandbox.get("/drive/v3/files", headers=auth, params={"q": "fullText contains 'x'"})
    assert bad_query.status_code == 400
    assert bad_query.json()["error"] == {"code": 400, "message": "Invalid Value", "status": "INVALID_ARGUMENT"}
    dangling = await sandbox.get("/drive/v3/files", headers=auth, params={"q": "trashed = false and"})
    assert dangling.status_code == 400

    not_a_sheet = await sandbox.post("/drive/v3/files", headers=auth, json={"name": "memo.txt", "mimeType": "text/plain"})
    assert not_a_sheet.status_code == 400 and not_a_sheet.json()["error"]["status"] == "INVALID_ARGUMENT"
    too_long = await sandbox.post("/drive/v3/files", headers=auth, json={
        "name": "x", "mimeType": SPREADSHEET, "appProperties": {"ankenDeliveryKey": "あ" * 50}})
    assert too_long.status_code == 400 and "124 bytes" in too_long.json()["error"]["message"]

    sheets_only = await _bearer(sandbox, key, scope="https://www.googleapis.com/auth/spreadsheets")
    refused = await sandbox.get("/drive/v3/files", headers=sheets_only)
    assert refused.status_code == 403 and refused.json()["error"]["status"] == "PERMISSION_DENIED"
    anonymous = await sandbox.get("/drive/v3/files")
    assert anonymous.status_code == 401 and anonymous.json()["error"]["status"] == "UNAUTHENTICATED"
