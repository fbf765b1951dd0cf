"""RFC 9457 problem details: the one error format every Anken service answers with."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from anken_common.logging import get_logger
from anken_common.request_context import current_request_id

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://anken.jp/problems/"
log = get_logger("anken.problems")


class ProblemError(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        title: str | None = None,
        detail: str | None = None,
        *,
        type_: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        self.status = status
        self.title = title or HTTPStatus(status).phrase
        self.detail = detail
        self.type = type_ or (PROBLEM_BASE + self.title.lower().replace(" ", "-"))
        self.headers = headers or {}
        self.extra = extra
        super().__init__(detail or self.title)


class NotFound(ProblemError):
    def __init__(self, what: str = "resource", **extra: Any) -> None:
        super().__init__(404, "Not Found", f"{what} not found", type_=PROBLEM_BASE + "not-found", **extra)


class Conflict(ProblemError):
    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(409, "Conflict", detail, type_=PROBLEM_BASE + "conflict", **extra)


class Forbidden(ProblemError):
    def __init__(self, detail: str = "not allowed for your role", **extra: Any) -> None:
        super().__init__(403, "Forbidden", detail, type_=PROBLEM_BASE + "forbidden", **extra)


class Unauthorized(ProblemError):
    def __init__(self, detail: str = "missing or invalid credentials", **extra: Any) -> None:
        super().__init__(
            401, "Unauthorized", detail, type_=PROBLEM_BASE + "unauthorized",
            headers={"WWW-Authenticate": "Bearer"}, **extra,
        )


class UnprocessableEntity(ProblemError):
    """422 for a rule the schema cannot express; `field` names the offending field."""

    def __init__(self, field: str, message: str, **extra: Any) -> None:
        super().__init__(
            422, "Unprocessable Content", f"{field}: {message}", type_=PROBLEM_BASE + "validation-error",
            errors=[{"field": field, "message": message}], **extra,
        )


def problem_response(
    status: int,
    title: str,
    detail: str | None = None,
    *,
    type_: str = "about:blank",
    instance: str | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status}
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    rid = current_request_id()
    if rid:
        body["request_id"] = rid
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_CONTENT_TYPE, headers=headers)


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:] or parts
    return ".".join(parts) or "body"


def validation_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for error in errors:
        loc = error.get("loc", ())
        out.append({
            "field": _field_name(loc),
            "in": str(loc[0]) if loc else "body",
            "message": str(error.get("msg", "invalid")),
            "type": error.get("type"),
        })
    return out


def install_problem_handlers(app: FastAPI) -> None:
    """Answer every error, including unhandled ones, with application/problem+json."""

    @app.exception_handler(ProblemError)
    async def _problem(request: Request, exc: ProblemError) -> JSONResponse:
        return problem_response(
            exc.status, exc.title, exc.detail, type_=exc.type, instance=request.url.path,
            headers=exc.headers, **exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = validation_errors(list(exc.errors()))
        fields = ", ".join(dict.fromkeys(e["field"] for e in errors))
        return problem_response(
            422, "Unprocessable Content", f"invalid fields: {fields}",
            type_=PROBLEM_BASE + "validation-error", instance=request.url.path, errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title = HTTPStatus(exc.status_code).phrase if exc.status_code in HTTPStatus._value2member_map_ else "Error"
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != title else None
        return problem_response(
            exc.status_code, title, detail, instance=request.url.path, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled_exception", path=request.url.path, method=request.method, exc_info=exc)
        return problem_response(
            500, "Internal Server Error",
            "an unexpected error occurred; quote the request_id when reporting it",
            type_=PROBLEM_BASE + "internal-error", instance=request.url.path,
        )


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {
        "description": desc,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    for code, desc in {
        401: "Missing or invalid credentials",
        404: "Not found (or belongs to another tenant)",
        422: "Validation error; `errors[].field` names each offending field",
    }.items()
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries for routes, all pointing at the Problem schema."""
    descriptions = {
        400: "Bad request", 401: "Missing or invalid credentials", 403: "Not allowed for this role or scope",
        404: "Not found (or belongs to another tenant)", 409: "Conflict with the resource's current state",
        412: "If-Match does not match the current ETag", 413: "Body too large",
        422: "Validation error; `errors[].field` names each offending field", 429: "Rate limited; see Retry-After",
    }
    return {
        code: {
            "description": descriptions.get(code, HTTPStatus(code).phrase),
            "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for code in codes
    }
