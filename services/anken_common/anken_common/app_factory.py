"""The frame every Anken HTTP service is built in: middleware, problem handlers, health, metrics."""

from __future__ import annotations

from collections.abc import Callable, ItemsView
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field

from anken_common.exposure import ExposureSettings
from anken_common.health import ReadyCheck, health_router
from anken_common.metrics import MetricsMiddleware, metrics_endpoint, protected_metrics_endpoint
from anken_common.middleware import BodySizeLimitMiddleware, RequestIdMiddleware
from anken_common.problems import install_problem_handlers
from anken_common.settings import load_settings


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(examples=["https://anken.jp/problems/validation-error"])
    title: str = Field(examples=["Unprocessable Content"])
    status: int = Field(examples=[422])
    detail: str | None = Field(default=None, examples=["invalid fields: monthly_appointment_target"])
    instance: str | None = None
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = Field(
        default=None, examples=[[{"field": "monthly_appointment_target", "in": "body", "message": "must be ≥ 0"}]]
    )


def create_service_app(
    *,
    service: str,
    title: str,
    description: str,
    version: str = "1.0.0",
    ready_checks: Callable[[], dict[str, ReadyCheck]],
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    max_body_bytes: int = 20 * 1024 * 1024,
    openapi_tags: list[dict[str, Any]] | None = None,
    exposure: ExposureSettings | None = None,
) -> FastAPI:
    """Build a FastAPI app with Anken's cross-cutting behaviour already in place.

    `ready_checks` is called lazily so checks can use engines created in the lifespan.
    `exposure` (default: read from the environment) says whether the docs and /metrics are
    served, and whether /metrics needs a token.
    """
    exposure = exposure or load_settings(ExposureSettings)
    docs = exposure.docs_enabled
    app = FastAPI(title=title, description=description, version=version, lifespan=lifespan, openapi_tags=openapi_tags,
                  openapi_url="/openapi.json" if docs else None, docs_url="/docs" if docs else None,
                  redoc_url="/redoc" if docs else None)
    install_problem_handlers(app)

    class _LazyChecks(dict[str, ReadyCheck]):
        def items(self) -> ItemsView[str, ReadyCheck]:  # type: ignore[override]
            return ready_checks().items()

    app.include_router(health_router(_LazyChecks()))
    if exposure.metrics_enabled:
        endpoint = protected_metrics_endpoint(exposure.metrics_token) if exposure.metrics_token else metrics_endpoint
        app.add_route("/metrics", endpoint, include_in_schema=False)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=max_body_bytes)
    app.add_middleware(MetricsMiddleware, service=service)
    app.add_middleware(RequestIdMiddleware)

    original_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original_openapi()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app

