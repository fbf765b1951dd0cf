"""The sandbox app factory (`anken-sandbox serve --port 8010` runs `create_served_sandbox_app`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from anken_common.app_factory import create_service_app
from anken_common.logging import configure_logging
from anken_sandbox.confluence.endpoints import router as confluence_router
from anken_sandbox.confluence.site import ConfluenceError
from anken_sandbox.control.endpoints import router as control_router
from anken_sandbox.control.viewers import router as viewers_router
from anken_sandbox.drive.endpoints import router as drive_router
from anken_sandbox.fault_envelopes import confluence_error, google_error
from anken_sandbox.gateway import wrap_outermost
from anken_sandbox.mail import smtp_server
from anken_sandbox.mail.endpoints import router as mail_router
from anken_sandbox.oauth.endpoints import router as oauth_router
from anken_sandbox.settings import SandboxSettings, get_sandbox_settings
from anken_sandbox.sheets.endpoints import router as sheets_router
from anken_sandbox.sheets.workbooks import SheetsError
from anken_sandbox.slack.endpoints import router as slack_router
from anken_sandbox.state import SandboxState
from anken_sandbox.state_file import StateFile
from anken_sandbox.webhooks.endpoints import router as webhooks_router

DESCRIPTION = """
A local stand-in for the external APIs Anken's integrations-worker calls, so that the vendors' own
client libraries work against it with only their base URL changed:

- Slack Web API under `/slack/api/<method>` (form or JSON body, `Authorization: Bearer xoxb-…`)
- Confluence Cloud REST v2 under `/confluence/wiki/api/v2/` (Basic email:api_token or Bearer)
- Google Sheets v4 under `/sheets/v4/` and the Drive v3 files it needs under `/drive/v3/`, with their
  OAuth token endpoint at `/oauth2/token`
- a partner's webhook receiver at `/webhooks/{endpoint_id}` (Standard Webhooks signatures)
- an SMTP catcher on `SANDBOX_SMTP_PORT` (8025 by default) that keeps every mail, e.g. invitations

Each answers in the vendor's own envelopes and errors. State lives in memory (and, with
`SANDBOX_STATE_FILE` set, in that JSON file across restarts); `POST /_sandbox/reset` forgets it. `POST /_sandbox/faults` injects 429/5xx answers, slow answers or dropped connections;
`GET /_sandbox/slack/messages`, `/_sandbox/confluence/pages`, `/_sandbox/sheets/spreadsheets`,
`/_sandbox/webhooks/received`, `/_sandbox/mail/messages` and `/_sandbox/requests` show what arrived.
"""

TAGS = [
    {"name": "sandbox: Slack Web API", "description": "Errors are HTTP 200 with `ok: false`; rate limits 429."},
    {"name": "sandbox: Confluence REST v2", "description": "Errors use Confluence's `{errors: [...]}` envelope."},
    {"name": "sandbox: Google Sheets v4", "description": "Errors use Google's `{error: {code, message, status}}`."},
    {"name": "sandbox: Google Drive v3", "description": "files.create / files.list for spreadsheets, Google's "
     "error envelope."},
    {"name": "sandbox: Google OAuth", "description": "Service-account JWT bearer grant."},
    {"name": "sandbox: partner webhook receiver", "description": "Verifies Standard Webhooks signatures."},
    {"name": "sandbox: control", "description": "Reset, configuration, fault injection, request log."},
    {"name": "sandbox: received", "description": "What each emulated vendor received, for tests and the UI."},
]


def create_served_sandbox_app() -> FastAPI:
    """`anken-sandbox serve`: the app with its SMTP catcher (unless SANDBOX_SMTP_PORT is 0 or empty)."""
    return create_sandbox_app(serve_smtp=True)


def create_sandbox_app(settings: SandboxSettings | None = None, *, serve_smtp: bool = False) -> FastAPI:
    """The app; `serve_smtp` also listens for mail on SANDBOX_SMTP_PORT (in-process test apps leave it off, so
    that they never compete for the port)."""
    settings = settings or get_sandbox_settings()
    configure_logging("sandbox", settings.log_level, settings.log_json)
    state = SandboxState(settings)
    state_file = StateFile.attach(state)
    smtp_port = settings.sandbox_smtp_port if serve_smtp else 0

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if state_file is not None:
                await stack.enter_async_context(state_file.lifespan(app))
            if smtp_port:
                await stack.enter_async_context(smtp_server.serving(state, settings.sandbox_smtp_host, smtp_port))
            yield

    app = create_service_app(
        service="sandbox", title="Anken integration sandbox", description=DESCRIPTION, ready_checks=lambda: {},
        max_body_bytes=settings.max_body_bytes, openapi_tags=TAGS, lifespan=lifespan,
    )
    app.state.sandbox = state

    @app.exception_handler(ConfluenceError)
    async def _confluence(_: Request, exc: ConfluenceError) -> JSONResponse:
        return confluence_error(exc.status, exc.title, exc.code)

    @app.exception_handler(SheetsError)
    async def _sheets(_: Request, exc: SheetsError) -> JSONResponse:
        return google_error(exc.status, exc.message, exc.headers)

    for router in (slack_router, confluence_router, sheets_router, drive_router, oauth_router, webhooks_router, control_router,
                   viewers_router, mail_router):
        app.include_router(router)
    wrap_outermost(app, state)
    return app
