"""anken-web app factory: pages, static files, session, CSRF and friendly error pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from redis.asyncio import Redis
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from anken_common.app_factory import create_service_app
from anken_common.health import ReadyCheck
from anken_common.logging import configure_logging, get_logger
from anken_web.api_client import ApiClients, ApiError, ApiUnavailable, SessionExpired
from anken_web.csrf import CsrfRejected
from anken_web.error_messages import api_detail, describe
from anken_web.pages import discover_page_routers
from anken_web.rendering import LoginRequired, RoleRequired, View, login_url
from anken_web.security_headers import SecurityHeadersMiddleware
from anken_web.session import SessionCodec
from anken_web.settings import WebSettings, get_settings
from anken_web.upload_store import UploadStore
from anken_web.vocabulary import field_label_of

STATIC_DIR = Path(__file__).parent / "static"
log = get_logger("anken.web")


def _health_of(clients: ApiClients, name: str) -> ReadyCheck:
    async def check() -> None:
        response = await clients.clients[name].get("/healthz")
        response.raise_for_status()

    return check


def create_app(settings: WebSettings | None = None, api_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging("web", settings.log_level, settings.log_json)
    clients = ApiClients(settings, transport=api_transport)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = Redis.from_url(settings.redis_url)
        app.state.uploads = UploadStore(redis, settings.redis_namespace)
        app.state.background = set()
        try:
            yield
        finally:
            for task in list(app.state.background):
                task.cancel()
            await clients.close()
            await redis.aclose()

    app = create_service_app(
        service="web",
        title="Anken web",
        description="Server-rendered pages and HTMX fragments over projects-api and reporting-api.",
        ready_checks=lambda: {
            "projects-api": _health_of(clients, "projects"),
            "reporting-api": _health_of(clients, "reporting"),
        },
        lifespan=lifespan,
        max_body_bytes=settings.max_body_bytes,
    )
    app.state.settings = settings
    app.state.api = clients
    app.state.sessions = SessionCodec(settings)
    # HSTS only where the site is served over HTTPS (production), as the session cookie's Secure flag.
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.session_cookie_secure)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    for router in discover_page_routers():
        app.include_router(router)
    install_page_error_handlers(app)
    return app


def install_page_error_handlers(app: FastAPI) -> None:
    """Errors on pages answer with a page (or fragment) in the user's language."""

    def error_page(request: Request, status: int, message: str, detail: str | None = None) -> Response:
        view = View(request)
        template = "partials/error_fragment.html" if view.is_htmx else "error.html"
        # HTMX swaps only 2xx answers by default; the fragment says what went wrong in place.
        code = 200 if view.is_htmx else status
        headers = {"HX-Retarget": "#messages", "HX-Reswap": "innerHTML"} if view.is_htmx else None
        return view.render(template, status_code=code, headers=headers, message=message, detail=detail, status=status)

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        view = View(request)
        if view.session.expired:
            view.session.flash = view._("Your session has expired. Please log in again.")
        return view.redirect(login_url(exc.next_url))

    @app.exception_handler(SessionExpired)
    async def _expired(request: Request, exc: SessionExpired) -> Response:
        view = View(request)
        view.session.token = None
        view.session.user = {}
        view.session.flash = view._("Your session has expired. Please log in again.")
        return view.redirect(login_url(request.url.path))

    @app.exception_handler(RoleRequired)
    async def _role(request: Request, exc: RoleRequired) -> Response:
        view = View(request)
        return error_page(request, 403, view._("This page is not available for your role."))

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        view = View(request)
        return error_page(request, 403, view._("This form has expired. Reload the page and try again."))

    @app.exception_handler(ApiUnavailable)
    async def _unavailable(request: Request, exc: ApiUnavailable) -> Response:
        log.warning("api_unavailable", api=exc.api, reason=exc.reason, path=request.url.path)
        return error_page(request, 503, describe(exc, View(request)._))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        view = View(request)
        message = view._("This page does not exist.") if exc.status_code == 404 else \
            view._("The request could not be understood. Please check what you entered.")
        return error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        view = View(request)
        fields = ", ".join(dict.fromkeys(field_label_of(".".join(map(str, e.get("loc", ()))), view._)
                                         for e in exc.errors()))
        return error_page(request, 422, view._("Please check these fields: %(fields)s", fields=fields))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.error("page_failed", path=request.url.path, method=request.method, exc_info=exc)
        return error_page(request, 500, describe(exc, View(request)._))

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> Response:
        status = exc.status if exc.status in (403, 404, 409, 422) else 502
        view = View(request)
        return error_page(request, status, describe(exc, view._), api_detail(exc, view.locale))
