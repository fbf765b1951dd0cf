"""Google Sheets v4 and its OAuth token endpoint: JWT bearer grant, A1 ranges, values, quotas, errors."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

SA_EMAIL = "anken@anken-sandbox.iam.gserviceaccount.com"
SCOPE = "https://www.googleapis.com/auth/spreadsheets"
TOKEN_URL = "https://oauth2.googleapis.com/token"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def assertion(key: rsa.RSAPrivateKey, *, iss: str = SA_EMAIL, scope: str = SCOPE, aud: str = TOKEN_URL,
              lifetime: int = 3600, kid: str = "k1") -> str:
    now = int(time.time())
    return jwt.encode({"iss": iss, "scope": scope, "aud": aud, "iat": now, "exp": now + lifetime}, key,
                      algorithm="RS256", headers={"kid": kid})


async def register(client: httpx.AsyncClient, key: rsa.RSAPrivateKey) -> None:
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    response = await client.post("/_sandbox/sheets/service-accounts",
                                 json={"client_email": SA_EMAIL, "public_key_pem": pem.decode(), "key_id": "k1"})
    assert response.status_code == 201, response.text


async def exchange(client: httpx.AsyncClient, jwt_assertion: str) -> httpx.Response:
    return await client.post("/oauth2/token", data={
        "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": jwt_assertion})


async def bearer(client: httpx.AsyncClient, key: rsa.RSAPrivateKey) -> dict[str, str]:
    await register(client, key)
    response = await exchange(client, assertion(key))
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_jwt_bearer_flow_verifies_signature_and_claims(sandbox: httpx.AsyncClient, rsa_key) -> None:
    await sandbox.put("/_sandbox/config", json={"oauth_permissive": False})
    await register(sandbox, rsa_key)
    ok = await exchange(sandbox, assertion(rsa_key))
    assert ok.status_code == 200
    assert ok.json()["token_type"] == "Bearer" and ok.json()["expires_in"] > 3000
    assert ok.json()["access_token"].startswith("ya29.")
    # aud may also be this sandbox's own token URL (a key file whose token_uri points here).
    assert (await exchange(sandbox, assertion(rsa_key, aud="http://127.0.0.1:8010/oauth2/token"))).status_code == 200

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = await exchange(sandbox, assertion(other_key))
    assert forged.status_code == 400 and forged.json() == {"error": "invalid_grant",
                                                           "error_description": "Invalid JWT Signature."}
    assert (await exchange(sandbox, assertion(rsa_key, aud="https://evil.example/token"))).json()["error"] \
        == "invalid_grant"
    assert (await exchange(sandbox, assertion(rsa_key, lifetime=7200))).json()["error"] == "invalid_grant"
    assert (await exchange(sandbox, assertion(rsa_key, scope=""))).json()["error"] == "invalid_scope"
    unknown = await exchange(sandbox, assertion(rsa_key, iss="someone@else.iam.gserviceaccount.com"))
    assert unknown.json()["error"] == "invalid_grant"
    wrong_grant = await sandbox.post("/oauth2/token", data={"grant_type": "password", "assertion": "x"})
    assert wrong_grant.json()["error"] == "unsupported_grant_type"
    garbage = await exchange(sandbox, "not.a.jwt")
    assert garbage.status_code == 400 and garbage.json()["error"] == "invalid_grant"


async def test_permissive_mode_accepts_unregistered_accounts(sandbox: httpx.AsyncClient, rsa_key) -> None:
    response = await exchange(sandbox, assertion(rsa_key, iss="new@x.iam.gserviceaccount.com"))
    assert response.status_code == 200


async def test_sheets_calls_need_the_bearer(sandbox: httpx.AsyncClient) -> None:
    missing = await sandbox.post("/sheets/v4/spreadsheets", json={})
    assert missing.status_code == 401 and missing.json()["error"]["status"] == "UNAUTHENTICATED"
    wrong = await sandbox.post("/sheets/v4/spreadsheets", json={}, headers={"Authorization": "Bearer ya29.nope"})
    assert wrong.status_code == 401


async def test_create_write_read_append_with_quoted_sheet_names(sandbox: httpx.AsyncClient, rsa_key) -> None:
    auth = await bearer(sandbox, rsa_key)
    created = await sandbox.post("/sheets/v4/spreadsheets", headers=auth, json={
        "properties": {"title": "架電リスト"}, "sheets": [{"properties": {"title": "リスト 11月"}}]})
    assert created.status_code == 200
    sid = created.json()["spreadsheetId"]
    assert created.json()["sheets"][0]["properties"]["title"] == "リスト 11月"

    header = await sandbox.put(f"/sheets/v4/spreadsheets/{sid}/values/'リスト 11月'!A1:C1", headers=auth,
                               params={"valueInputOption": "RAW"}, json={"values": [["会社名", "電話", "状況"]]})
    assert header.status_code == 200 and header.json()["updatedRange"] == "'リスト 11月'!A1:C1"
    batch = await sandbox.post(f"/sheets/v4/spreadsheets/{sid}/values:batchUpdate", headers=auth, json={
        "valueInputOption": "USER_ENTERED",
        "data": [{"range": "'リスト 11月'!A2:C3", "values": [["A社", "03-1111", "未架電"], ["B社", "03-2222", "未架電"]]}],
    })
    assert batch.json()["totalUpdatedCells"] == 6
    appended = await sandbox.post(f"/sheets/v4/spreadsheets/{sid}/values/'リスト 11月'!A:C:append", headers=auth,
                                  params={"valueInputOption": "USER_ENTERED"}, json={"values": [["C社", "03-3333", "42"]]})
    assert appended.status_code == 200
    assert appended.json()["updates"]["updatedRange"] == "'リスト 11月'!A4:C4"
    assert appended.json()["tableRange"] == "'リスト 11月'!A1:C3"

    read = (await sandbox.get(f"/sheets/v4/spreadsheets/{sid}/values/'リスト 11月'!A1:C10", headers=auth)).json()
    assert read["values"][3] == ["C社", "03-3333", "42"] and len(read["values"]) == 4
    unformatted = (await sandbox.get(f"/sheets/v4/spreadsheets/{sid}/values/'リスト 11月'!C4",
                                     params={"valueRenderOption": "UNFORMATTED_VALUE"}, headers=auth)).json()
    assert unformatted["values"] == [[42]]
    column = (await sandbox.get(f"/sheets/v4/spreadsheets/{sid}/values/'リスト 11月'!C2:C3",
                                params={"majorDimension": "COLUMNS"}, headers=auth)).json()
    assert column["values"] == [["未架電", "未架電"]]

    viewer = (await sandbox.get("/_sandbox/sheets/spreadsheets")).json()["items"]
    assert viewer[0]["sheets"][0]["values"][0] == ["会社名", "電話", "状況"]


async def test_write_beyond_range_and_bad_ranges_are_400(sandbox: httpx.AsyncClient, rsa_key) -> None:
    auth = await bearer(sandbox, rsa_key)
    sid = (await sandbox.post("/sheets/v4/spreadsheets", headers=auth, json={})).json()["spreadsheetId"]
    too_big = await sandbox.put(f"/sheets/v4/spreadsheets/{sid}/values/Sheet1!A1:B1", headers=auth,
                                params={"valueInputOption": "RAW"}, json={"values": [["a", "b"], ["c", "d"]]})
    assert too_big.status_code == 400 and too_big.json()["error"]["status"] == "INVALID_ARGUMENT"
    no_option = await sandbox.put(f"/sheets/v4/spreadsheets/{sid}/values/Sheet1!A1", headers=auth, json={"values": [[1]]})
    assert no_option.status_code == 400 and "valueInputOption" in no_option.json()["error"]["message"]
    unknown_sheet = await sandbox.get(f"/sheets/v4/spreadsheets/{sid}/values/Nope!A1", headers=auth)
    assert unknown_sheet.status_code == 400
    missing = await sandbox.get("/sheets/v4/spreadsheets/does-not-exist", headers=auth)
    assert missing.status_code == 404 and missing.json()["error"]["status"] == "NOT_FOUND"


async def test_add_sheet_and_duplicate_sheet_title(sandbox: httpx.AsyncClient, rsa_key) -> None:
    auth = await bearer(sandbox, rsa_key)
    sid = (await sandbox.post("/sheets/v4/spreadsheets", headers=auth, json={})).json()["spreadsheetId"]
    add = {"requests": [{"addSheet": {"properties": {"title": "日次KPI"}}}]}
    added = await sandbox.post(f"/sheets/v4/spreadsheets/{sid}:batchUpdate", headers=auth, json=add)
    assert added.status_code == 200 and added.json()["replies"][0]["addSheet"]["properties"]["title"] == "日次KPI"
    again = await sandbox.post(f"/sheets/v4/spreadsheets/{sid}:batchUpdate", headers=auth, json=add)
    assert again.status_code == 400 and "already exists" in again.json()["error"]["message"]
    sheets = (await sandbox.get(f"/sheets/v4/spreadsheets/{sid}", headers=auth)).json()["sheets"]
    assert [s["properties"]["title"] for s in sheets] == ["Sheet1", "日次KPI"]


async def test_per_minute_quota_is_429_resource_exhausted(sandbox: httpx.AsyncClient, rsa_key) -> None:
    await sandbox.put("/_sandbox/config", json={"sheets_quota_per_minute": 2})
    auth = await bearer(sandbox, rsa_key)
    sid = (await sandbox.post("/sheets/v4/spreadsheets", headers=auth, json={})).json()["spreadsheetId"]
    reads = [await sandbox.get(f"/sheets/v4/spreadsheets/{sid}", headers=auth) for _ in range(3)]
    assert [r.status_code for r in reads] == [200, 200, 429]
    error = reads[2].json()["error"]
    assert error["code"] == 429 and error["status"] == "RESOURCE_EXHAUSTED" and "Read requests" in error["message"]
    assert int(reads[2].headers["Retry-After"]) >= 1


async def test_revoked_grant_is_403_permission_denied(sandbox: httpx.AsyncClient, rsa_key) -> None:
    auth = await bearer(sandbox, rsa_key)
    sid = (await sandbox.post("/sheets/v4/spreadsheets", headers=auth, json={})).json()["spreadsheetId"]
    revoked = await sandbox.post("/_sandbox/sheets/revocations", json={"client_email": SA_EMAIL, "spreadsheet_id": sid})
    assert revoked.status_code == 200
    denied = await sandbox.get(f"/sheets/v4/spreadsheets/{sid}/values/A1:B2", headers=auth)
    assert denied.status_code == 403 and denied.json()["error"]["status"] == "PERMISSION_DENIED"


async def test_readonly_scope_cannot_write(sandbox: httpx.AsyncClient, rsa_key) -> None:
    await register(sandbox, rsa_key)
    token = (await exchange(sandbox, assertion(rsa_key, scope=SCOPE + ".readonly"))).json()["access_token"]
    response = await sandbox.post("/sheets/v4/spreadsheets", json={}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
