"""Google Sheets v4: spreadsheets, values (get, update, batchUpdate, append, clear) and structural batchUpdate."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from anken_sandbox.bodies import json_object, json_request_body
from anken_sandbox.dependencies import State, get_state
from anken_sandbox.oauth.token_server import AccessToken
from anken_sandbox.sheets.access import bearer_grant
from anken_sandbox.sheets.schemas import SPREADSHEET_EXAMPLE, GoogleObject, error_responses
from anken_sandbox.sheets.workbooks import INPUT_OPTIONS, SheetsError, Spreadsheet
from anken_sandbox.state import SandboxState
from anken_sandbox.web_links import sheets_web_base


def sheets_caller(request: Request, state: SandboxState = Depends(get_state)) -> AccessToken:
    """The bearer's grant, after scope and per-minute quota checks (GET counts as a read, the rest as writes)."""
    caller = bearer_grant(request.headers.get("authorization", ""), state.oauth)
    return state.sheets_access.check_call(caller, request.method != "GET", state.config.sheets_quota_per_minute)


Caller = Annotated[AccessToken, Depends(sheets_caller)]
router = APIRouter(prefix="/sheets/v4", tags=["sandbox: Google Sheets v4"])
ERRORS = error_responses(400, 401, 403, 404, 429)
MajorDimension = Annotated[str, Query(pattern="^(ROWS|COLUMNS)$")]


def _open(state: SandboxState, caller: AccessToken, spreadsheet_id: str) -> Spreadsheet:
    spreadsheet = state.workbooks.get(spreadsheet_id)
    state.sheets_access.check_spreadsheet(caller, spreadsheet_id)
    return spreadsheet


async def _body(request: Request) -> dict[str, Any]:
    body = await json_object(request)
    if body is None:
        raise SheetsError(400, "Invalid JSON payload received. The body must be a JSON object.")
    return body


def _input_option(value: str | None) -> str:
    if not value:
        raise SheetsError(400, "'valueInputOption' is required but not specified")
    if value not in INPUT_OPTIONS:
        raise SheetsError(400, f"Invalid value at 'value_input_option' ({value})")
    return value


@router.post("/spreadsheets", summary="Create a spreadsheet", response_model=GoogleObject, responses=ERRORS,
             openapi_extra=json_request_body({"properties": {"title": "架電リスト 2026-11"},
                                              "sheets": [{"properties": {"title": "リスト"}}]}))
async def create_spreadsheet(request: Request, state: State, caller: Caller) -> JSONResponse:
    state.sheets_access.check_spreadsheet(caller, None)
    spreadsheet = state.workbooks.create(await _body(request), caller.client_email)
    return JSONResponse(spreadsheet.as_api(sheets_web_base(request)))


@router.get("/spreadsheets/{spreadsheet_id}", summary="Get a spreadsheet's properties and sheets",
            response_model=GoogleObject, responses=ERRORS)
async def get_spreadsheet(spreadsheet_id: str, request: Request, state: State, caller: Caller) -> JSONResponse:
    return JSONResponse(_open(state, caller, spreadsheet_id).as_api(sheets_web_base(request)))


@router.post(
    "/spreadsheets/{spreadsheet_call}", summary="spreadsheets.batchUpdate (addSheet, deleteSheet, "
    "updateSpreadsheetProperties): POST /spreadsheets/{id}:batchUpdate", response_model=GoogleObject, responses=ERRORS,
    openapi_extra=json_request_body({"requests": [{"addSheet": {"properties": {"title": "日次KPI"}}}]}),
)
async def batch_update_spreadsheet(spreadsheet_call: str, request: Request, state: State, caller: Caller) -> JSONResponse:
    spreadsheet_id, _, verb = spreadsheet_call.partition(":")
    if verb != "batchUpdate":
        raise SheetsError(404, "Requested entity was not found.")
    spreadsheet = _open(state, caller, spreadsheet_id)
    body = await _body(request)
    replies = state.workbooks.batch_update(spreadsheet, body.get("requests"))
    result: dict[str, Any] = {"spreadsheetId": spreadsheet.id, "replies": replies}
    if body.get("includeSpreadsheetInResponse"):
        result["updatedSpreadsheet"] = spreadsheet.as_api(sheets_web_base(request))
    return JSONResponse(result)


@router.get("/spreadsheets/{spreadsheet_id}/values:batchGet", summary="Read several ranges",
            response_model=GoogleObject, responses=ERRORS)
async def batch_get_values(
    spreadsheet_id: str, state: State, caller: Caller, ranges: Annotated[list[str], Query()],
    majorDimension: MajorDimension = "ROWS", valueRenderOption: str = "FORMATTED_VALUE",
) -> JSONResponse:
    spreadsheet = _open(state, caller, spreadsheet_id)
    value_ranges = [state.workbooks.read(spreadsheet, r, majorDimension, valueRenderOption) for r in ranges]
    return JSONResponse({"spreadsheetId": spreadsheet.id, "valueRanges": value_ranges})


@router.post(
    "/spreadsheets/{spreadsheet_id}/values:batchUpdate", summary="Write several ranges (all or nothing)",
    response_model=GoogleObject, responses=ERRORS,
    openapi_extra=json_request_body({"valueInputOption": "RAW", "data": [
        {"range": "'リスト'!A2:C2", "values": [["株式会社サンプル", "03-0000-0000", "未架電"]]}]}),
)
async def batch_update_values(spreadsheet_id: str, request: Request, state: State, caller: Caller) -> JSONResponse:
    spreadsheet = _open(state, caller, spreadsheet_id)
    body = await _body(request)
    option = _input_option(body.get("valueInputOption"))
    data = body.get("data")
    if not isinstance(data, list):
        raise SheetsError(400, "Invalid value at 'data': a list of value ranges is required")
    plans = []
    for position, item in enumerate(data):
        if not isinstance(item, dict) or not isinstance(item.get("range"), str):
            raise SheetsError(400, f"Invalid data[{position}]: range is required")
        plans.append(state.workbooks.plan_write(spreadsheet, item["range"], item.get("values"),
                                                str(item.get("majorDimension") or "ROWS")))
    responses = [state.workbooks.apply_write(spreadsheet, plan, option) for plan in plans]
    return JSONResponse({
        "spreadsheetId": spreadsheet.id,
        "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
        "totalUpdatedColumns": sum(r["updatedColumns"] for r in responses),
        "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
        "totalUpdatedSheets": len({plan[0].sheet_id for plan in plans if plan[3]}),
        "responses": responses,
    })


@router.get("/spreadsheets/{spreadsheet_id}/values/{value_range:path}", summary="Read a range",
            response_model=GoogleObject, responses=ERRORS)
async def get_values(
    spreadsheet_id: str, value_range: str, state: State, caller: Caller,
    majorDimension: MajorDimension = "ROWS", valueRenderOption: str = "FORMATTED_VALUE",
) -> JSONResponse:
    spreadsheet = _open(state, caller, spreadsheet_id)
    return JSONResponse(state.workbooks.read(spreadsheet, value_range, majorDimension, valueRenderOption))


@router.put(
    "/spreadsheets/{spreadsheet_id}/values/{value_range:path}", summary="Write a range (?valueInputOption=RAW|USER_ENTERED)",
    response_model=GoogleObject, responses=ERRORS,
    openapi_extra=json_request_body({"range": "'リスト'!A1:C1", "majorDimension": "ROWS",
                                     "values": [["会社名", "電話", "状況"]]}),
)
async def update_values(
    spreadsheet_id: str, value_range: str, request: Request, state: State, caller: Caller,
    valueInputOption: str | None = None,
) -> JSONResponse:
    spreadsheet = _open(state, caller, spreadsheet_id)
    option = _input_option(valueInputOption)
    body = await _body(request)
    plan = state.workbooks.plan_write(spreadsheet, value_range, body.get("values"), str(body.get("majorDimension") or "ROWS"))
    return JSONResponse(state.workbooks.apply_write(spreadsheet, plan, option))


@router.post(
    "/spreadsheets/{spreadsheet_id}/values/{value_call:path}",
    summary="values.append (POST …/values/{range}:append) and values.clear (…:clear)",
    response_model=GoogleObject, responses=ERRORS,
    openapi_extra=json_request_body({"values": [["2026-11-23", 120, 35, 4]]}),
)
async def append_or_clear_values(
    spreadsheet_id: str, value_call: str, request: Request, state: State, caller: Caller,
    valueInputOption: str | None = None,
) -> JSONResponse:
    spreadsheet = _open(state, caller, spreadsheet_id)
    value_range, _, verb = value_call.rpartition(":")
    if verb == "clear":
        return JSONResponse(state.workbooks.clear(spreadsheet, value_range))
    if verb != "append" or not value_range:
        raise SheetsError(404, "Requested entity was not found.")
    option = _input_option(valueInputOption)
    body = await _body(request)
    return JSONResponse(state.workbooks.append(spreadsheet, value_range, body.get("values"),
                                               str(body.get("majorDimension") or "ROWS"), option))


__all__ = ["SPREADSHEET_EXAMPLE", "router"]
