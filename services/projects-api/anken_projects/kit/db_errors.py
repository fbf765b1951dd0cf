"""A safety net: database errors a request can provoke answer as problems, never 500.

Service code checks its rules first (and answers with precise problems); these handlers
catch what slips through, e.g. a unique key lost to a concurrent request, or text the
database refuses (a NUL character).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError

from anken_common.logging import get_logger
from anken_common.problems import PROBLEM_BASE, problem_response

log = get_logger("anken.db_errors")


def install_db_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> JSONResponse:
        constraint = getattr(getattr(exc.orig, "__cause__", None), "constraint_name", None)
        log.info("integrity_conflict", path=request.url.path, constraint=constraint)
        return problem_response(
            409, "Conflict", "the change conflicts with existing data (a duplicate or a missing reference)",
            type_=PROBLEM_BASE + "conflict", instance=request.url.path, constraint=constraint,
        )

    @app.exception_handler(DataError)
    async def _data(request: Request, exc: DataError) -> JSONResponse:
        log.info("data_error", path=request.url.path, error=str(exc.orig)[:200])
        return problem_response(
            422, "Unprocessable Content", "a value is out of range or contains characters that cannot be stored",
            type_=PROBLEM_BASE + "validation-error", instance=request.url.path,
            errors=[{"field": "body", "in": "body", "message": "value out of range or not storable"}],
        )
