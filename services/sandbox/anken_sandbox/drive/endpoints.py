"""Google Drive v3 files.create (metadata only) and files.list, for spreadsheets.

The worker creates an approach-list spreadsheet through Drive rather than Sheets because Drive's
create takes `appProperties`: the file carries the delivery's key from the moment it exists, so a
retry after a crash finds it with `files.list` instead of creating a second one.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from anken_common.problems import UnprocessableEntity
from anken_sandbox.bodies import json_object, json_request_body
from anken_sandbox.dependencies import State, get_state
from anken_sandbox.drive.query import SPREADSHEET_MIME, parse_query
from anken_sandbox.oauth.token_server import AccessToken
from anken_sandbox.pagination import page
from anken_sandbox.sheets.access import INVALID_CREDENTIAL, bearer_grant
from anken_sandbox.sheets.schemas import GoogleObject, error_responses
from anken_sandbox.sheets.workbooks import SheetsError, Spreadsheet
from anken_sandbox.state import SandboxState

# Drive's documented limit: a property's key and value together at most 124 bytes (UTF-8).
MAX_PROPERTY_BYTES = 124
MAX_APP_PROPERTIES = 30
DEFAULT_FIELDS = ("kind", "id", "name", "mimeType")
ALL_FIELDS = (*DEFAULT_FIELDS, "appProperties", "trashed", "createdTime", "webViewLink")

router = APIRouter(prefix="/drive/v3", tags=["sandbox: Google Drive v3"])
ERRORS = error_responses(400, 401, 403, 429)
FILE_EXAMPLE = {"kind": "drive#file", "id": "1qpyC0XzvTcKT6EISywvqESX3A0MwQoFDE8p-Bll4hps",
                "name": "アプローチリスト 株式会社サンプル", "mimeType": SPREADSHEET_MIME,
                "appProperties": {"ankenDeliveryKey": "evt:6f1c…:sheets.create_spreadsheet"}}


def drive_caller(request: Request, write: bool, state: SandboxState) -> AccessToken:
    caller = bearer_grant(request.headers.get("authorization", ""), state.oauth)
    if caller is None:
        raise SheetsError(401, INVALID_CREDENTIAL)
    if not caller.can_use_drive(write):
        raise SheetsError(403, "Request had insufficient authentication scopes.")
    return caller


def drive_reader(request: Request, state: SandboxState = Depends(get_state)) -> AccessToken:
    return drive_caller(request, False, state)


def drive_writer(request: Request, state: SandboxState = Depends(get_state)) -> AccessToken:
    return drive_caller(request, True, state)


def file_resource(spreadsheet: Spreadsheet, fields: str | None) -> dict[str, Any]:
    full = {
        "kind": "drive#file", "id": spreadsheet.id, "name": spreadsheet.title, "mimeType": SPREADSHEET_MIME,
        "appProperties": dict(spreadsheet.app_properties), "trashed": spreadsheet.trashed,
        "createdTime": spreadsheet.created_at.isoformat().replace("+00:00", "Z"),
        "webViewLink": f"https://docs.google.com/spreadsheets/d/{spreadsheet.id}/edit",
    }
    wanted = _fields(fields)
    return {k: v for k, v in full.items() if k in wanted}


def _fields(fields: str | None) -> set[str]:
    """`fields=id,appProperties` or `fields=files(id,name),nextPageToken`: the file fields named."""
    if not fields:
        return set(DEFAULT_FIELDS)
    if "files(" in fields:
        start = fields.index("files(") + len("files(")
        fields = fields[start:fields.find(")", start)]
    names = {f.strip() for f in fields.split(",") if f.strip()}
    return set(ALL_FIELDS) if "*" in names else names


def _app_properties(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or len(raw) > MAX_APP_PROPERTIES:
        raise SheetsError(400, "Invalid Value")
    out = {}
    for key, value in raw.items():
        if not isinstance(value, str) or len(key.encode()) + len(value.encode()) > MAX_PROPERTY_BYTES:
            raise SheetsError(400, f"The size of the property {key} exceeds the limit of {MAX_PROPERTY_BYTES} bytes.")
        out[str(key)] = value
    return out


@router.post("/files", summary="files.create (metadata only): a new Google Sheets file, with appProperties",
             response_model=GoogleObject, responses=ERRORS,
             openapi_extra=json_request_body({"name": "アプローチリスト 株式会社サンプル", "mimeType": SPREADSHEET_MIME,
                                              "appProperties": {"ankenDeliveryKey": "evt:…:sheets.create_spreadsheet"}}))
async def create_file(request: Request, state: State, caller: Annotated[AccessToken, Depends(drive_writer)],
                      fields: str | None = None) -> JSONResponse:
    body = await json_object(request)
    if body is None:
        raise SheetsError(400, "Invalid JSON payload received. The body must be a JSON object.")
    if body.get("mimeType") != SPREADSHEET_MIME:
        raise SheetsError(400, f"The sandbox's Drive creates Google Sheets files only (mimeType {SPREADSHEET_MIME}).")
    properties = _app_properties(body.get("appProperties"))
    state.sheets_access.check_spreadsheet(caller, None)
    spreadsheet = state.workbooks.create({"properties": {"title": body.get("name") or "Untitled spreadsheet"}},
                                         caller.client_email)
    spreadsheet.app_properties = properties
    return JSONResponse(file_resource(spreadsheet, fields))


@router.get("/files", summary="files.list: the caller's spreadsheets matching q (appProperties, name, mimeType, trashed)",
            response_model=GoogleObject, responses=ERRORS)
async def list_files(
    state: State, caller: Annotated[AccessToken, Depends(drive_reader)], q: str | None = None,
    pageSize: Annotated[int, Query(ge=1, le=1000)] = 100, pageToken: str | None = None, fields: str | None = None,
) -> JSONResponse:
    query = parse_query(q)
    # With drive.file a service account sees the files it created; the sandbox keeps each caller to its own.
    found = [s for s in state.workbooks.spreadsheets.values()
             if s.owner == caller.client_email and query.matches(s)]
    found.sort(key=lambda s: (s.created_at, s.id))
    try:
        items, next_token = page(found, pageToken, pageSize)
    except UnprocessableEntity:
        raise SheetsError(400, "Invalid Value") from None
    result: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False,
                              "files": [file_resource(s, fields) for s in items]}
    if next_token:
        result["nextPageToken"] = next_token
    return JSONResponse(result)
