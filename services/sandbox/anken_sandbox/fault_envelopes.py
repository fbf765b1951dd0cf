"""The error body each vendor answers with, so an injected fault looks exactly like the real one."""

from __future__ import annotations

from http import HTTPStatus

from starlette.responses import JSONResponse

from anken_sandbox.faults import Fault, SandboxService

SLACK_ERRORS = {429: "ratelimited", 500: "fatal_error", 502: "fatal_error", 503: "service_unavailable", 504: "request_timeout"}
GOOGLE_STATUSES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 502: "INTERNAL", 503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
GOOGLE_MESSAGES = {
    429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user' of service "
         "'sheets.googleapis.com'.",
    500: "Internal error encountered.",
    502: "Internal error encountered.",
    503: "The service is currently unavailable.",
    504: "The request timed out.",
}
OAUTH_ERRORS = {429: "rate_limit_exceeded", 503: "temporarily_unavailable"}


def confluence_error(status: int, title: str, code: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    """Confluence Cloud's v2 error envelope."""
    code = code or HTTPStatus(status).name
    return JSONResponse(
        {"errors": [{"status": status, "code": code, "title": title, "detail": None}]}, status_code=status, headers=headers
    )


def google_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """Google APIs' error envelope (Sheets v4)."""
    return JSONResponse(
        {"error": {"code": status, "message": message, "status": GOOGLE_STATUSES.get(status) or HTTPStatus(status).name}},
        status_code=status, headers=headers,
    )


def fault_response(fault: Fault) -> JSONResponse:
    status = fault.status or 500
    retry_after = fault.retry_after if fault.retry_after is not None else (1 if status == 429 else None)
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    if fault.service == SandboxService.slack:
        return JSONResponse({"ok": False, "error": SLACK_ERRORS.get(status, "fatal_error")}, status_code=status,
                            headers=headers)
    if fault.service == SandboxService.confluence:
        return confluence_error(status, HTTPStatus(status).phrase, headers=headers)
    if fault.service == SandboxService.sheets:
        return google_error(status, GOOGLE_MESSAGES.get(status, HTTPStatus(status).phrase), headers=headers)
    if fault.service == SandboxService.oauth:
        return JSONResponse(
            {"error": OAUTH_ERRORS.get(status, "internal_failure"), "error_description": HTTPStatus(status).phrase},
            status_code=status, headers=headers,
        )
    return JSONResponse({"error": HTTPStatus(status).phrase}, status_code=status, headers=headers)
