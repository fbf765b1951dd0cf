"""What each emulated vendor received, as JSON (feeds tests and the UI's sandbox viewer), and the set-up calls
a test or a demo makes first (users, spaces, service accounts, webhook endpoints)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from anken_common.problems import Conflict, NotFound, problem_responses
from anken_sandbox.confluence.site import ConfluenceError, ConfluenceSite
from anken_sandbox.confluence.site import Page as WikiPage
from anken_sandbox.control.schemas import (
    Accepted,
    ConfluencePageDetail,
    ConfluencePageRef,
    ConfluencePageView,
    ConfluenceSpaceIn,
    ConfluenceSpaceView,
    Page,
    ReceivedWebhookView,
    RevocationIn,
    ServiceAccountIn,
    ServiceAccountView,
    SheetView,
    SlackChannelView,
    SlackMessageView,
    SlackUserIn,
    SlackUserView,
    SpreadsheetView,
    TokenRevocationIn,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookSecretIn,
)
from anken_sandbox.dependencies import State
from anken_sandbox.pagination import page
from anken_sandbox.sheets.workbooks import Spreadsheet
from anken_sandbox.slack.workspace import SlackUser
from anken_sandbox.state import SandboxState
from anken_sandbox.webhooks.receiver import Endpoint

router = APIRouter(prefix="/_sandbox", tags=["sandbox: received"])
Limit = Annotated[int, Query(ge=1, le=1000)]
ERRORS = problem_responses(422)


# Slack ---------------------------------------------------------------------------------------------------------
@router.get("/slack/messages", summary="Messages posted to Slack, in posting order", response_model=Page[SlackMessageView],
            responses=ERRORS)
async def slack_messages(
    state: State, channel: Annotated[str | None, Query(description="channel id or name")] = None,
    cursor: str | None = None, limit: Limit = 1000,
) -> Page[SlackMessageView]:
    ws = state.slack
    wanted = None
    if channel:
        found = ws.channels.get(channel) or ws.channel_by_name(channel.removeprefix("#"))
        wanted = found.id if found else ""
    views = [
        SlackMessageView(
            channel_id=m.channel_id, channel_name=ws.channel_label(ws.channels[m.channel_id]), ts=m.ts, user=m.user, text=m.text,
            blocks=m.blocks, metadata=m.metadata, thread_ts=m.thread_ts, pinned=m.pinned,
        )
        for m in ws.messages if wanted is None or m.channel_id == wanted
    ]
    items, next_cursor = page(views, cursor, limit)
    return Page[SlackMessageView](items=items, next_cursor=next_cursor)


@router.get("/slack/channels", summary="Slack channels, with members and message counts",
            response_model=Page[SlackChannelView], responses=ERRORS)
async def slack_channels(state: State, cursor: str | None = None, limit: Limit = 1000) -> Page[SlackChannelView]:
    views = [
        SlackChannelView(id=c.id, name=state.slack.channel_label(c), is_private=c.is_private, is_archived=c.is_archived,
                         topic=c.topic["value"], members=list(c.members), message_count=len(c.messages),
                         created=c.created)
        for c in state.slack.channels.values()
    ]
    items, next_cursor = page(views, cursor, limit)
    return Page[SlackChannelView](items=items, next_cursor=next_cursor)


def _user_view(user: SlackUser) -> SlackUserView:
    return SlackUserView(id=user.id, name=user.name, real_name=user.real_name, email=user.email)


@router.get("/slack/users", summary="Slack workspace members", response_model=Page[SlackUserView], responses=ERRORS)
async def slack_users(state: State, cursor: str | None = None, limit: Limit = 1000) -> Page[SlackUserView]:
    items, next_cursor = page([_user_view(u) for u in state.slack.users.values()], cursor, limit)
    return Page[SlackUserView](items=items, next_cursor=next_cursor)


@router.post("/slack/users", summary="Add a member to the Slack workspace (found by users.lookupByEmail)",
             status_code=201, response_model=SlackUserView, responses=ERRORS)
async def add_slack_user(body: SlackUserIn, state: State) -> SlackUserView:
    return _user_view(state.slack.add_user(body.email, body.name, body.real_name))


@router.post("/slack/revoked-tokens", summary="Revoke a Slack token: its calls answer token_revoked",
             response_model=Accepted, responses=ERRORS)
async def revoke_slack_token(body: TokenRevocationIn, state: State) -> Accepted:
    state.slack.revoked_tokens.add(body.token)
    return Accepted()


# Confluence ----------------------------------------------------------------------------------------------------
@router.get("/confluence/pages", summary="Confluence pages (trashed ones included, with their status)",
            response_model=Page[ConfluencePageView], responses=ERRORS)
async def confluence_pages(
    state: State, space_key: str | None = None, cursor: str | None = None, limit: Limit = 1000
) -> Page[ConfluencePageView]:
    site = state.confluence
    views = [_page_view(site, p) for p in site.pages.values() if space_key is None or site.space_key(p.space_id) == space_key]
    items, next_cursor = page(views, cursor, limit)
    return Page[ConfluencePageView](items=items, next_cursor=next_cursor)


def _page_view(site: ConfluenceSite, p: WikiPage) -> ConfluencePageView:
    return ConfluencePageView(
        id=p.id, space_id=p.space_id, space_key=site.space_key(p.space_id), title=p.title, status=p.status,
        parent_id=p.parent_id, version=p.version.number, representation=p.representation, body=p.value,
        created_at=p.created_at,
    )


@router.get("/confluence/pages/{page_id}", summary="One Confluence page (trashed too) with its parent and child pages",
            response_model=ConfluencePageDetail, responses=problem_responses(404))
async def confluence_page(page_id: str, state: State) -> ConfluencePageDetail:
    site = state.confluence
    found = site.pages.get(page_id)
    if found is None:
        raise NotFound("Confluence page")
    parent = site.pages.get(found.parent_id) if found.parent_id else None
    children = sorted((p for p in site.pages.values() if p.parent_id == page_id and p.status == "current"),
                      key=lambda p: p.position)
    space = site.spaces.get(found.space_id)
    return ConfluencePageDetail(
        **_page_view(site, found).model_dump(), space_name=space.name if space else "",
        updated_at=found.version.created_at,
        parent=ConfluencePageRef(id=parent.id, title=parent.title) if parent else None,
        children=[ConfluencePageRef(id=c.id, title=c.title) for c in children],
    )


@router.get("/confluence/spaces", summary="Confluence spaces", response_model=Page[ConfluenceSpaceView],
            responses=ERRORS)
async def confluence_spaces(state: State, cursor: str | None = None, limit: Limit = 1000) -> Page[ConfluenceSpaceView]:
    views = [ConfluenceSpaceView(id=s.id, key=s.key, name=s.name, homepage_id=s.homepage_id)
             for s in state.confluence.spaces.values()]
    items, next_cursor = page(views, cursor, limit)
    return Page[ConfluenceSpaceView](items=items, next_cursor=next_cursor)


@router.post("/confluence/spaces", summary="Create a Confluence space (with its home page)", status_code=201,
             response_model=ConfluenceSpaceView, responses=problem_responses(409, 422))
async def add_confluence_space(body: ConfluenceSpaceIn, state: State) -> ConfluenceSpaceView:
    try:
        space = state.confluence.add_space(body.key, body.name)
    except ConfluenceError as exc:
        raise Conflict(exc.title)
    return ConfluenceSpaceView(id=space.id, key=space.key, name=space.name, homepage_id=space.homepage_id)


# Sheets --------------------------------------------------------------------------------------------------------
@router.get("/sheets/spreadsheets", summary="Spreadsheets with every sheet's values",
            response_model=Page[SpreadsheetView], responses=ERRORS)
async def sheets_spreadsheets(state: State, cursor: str | None = None, limit: Limit = 100) -> Page[SpreadsheetView]:
    views = [_spreadsheet_view(s) for s in state.workbooks.spreadsheets.values()]
    items, next_cursor = page(views, cursor, limit)
    return Page[SpreadsheetView](items=items, next_cursor=next_cursor)


@router.get("/sheets/spreadsheets/{spreadsheet_id}", summary="One spreadsheet with every sheet's values",
            response_model=SpreadsheetView, responses=problem_responses(404))
async def sheets_spreadsheet(spreadsheet_id: str, state: State) -> SpreadsheetView:
    spreadsheet = state.workbooks.spreadsheets.get(spreadsheet_id)
    if spreadsheet is None:
        raise NotFound("spreadsheet")
    return _spreadsheet_view(spreadsheet)


def _spreadsheet_view(spreadsheet: Spreadsheet) -> SpreadsheetView:
    sheets = []
    for sheet in spreadsheet.sheets:
        rows, cols = sheet.used_extent()
        grid = sheet.grid(0, 0, rows - 1, cols - 1) if rows else []
        sheets.append(SheetView(sheet_id=sheet.sheet_id, title=sheet.title, row_count=sheet.row_count,
                                column_count=sheet.col_count,
                                values=[["" if v is None else v for v in row] for row in grid]))
    return SpreadsheetView(spreadsheet_id=spreadsheet.id, title=spreadsheet.title, owner=spreadsheet.owner,
                           created_at=spreadsheet.created_at, sheets=sheets, app_properties=spreadsheet.app_properties)


@router.post("/sheets/service-accounts", summary="Register a service account's public key for /oauth2/token",
             status_code=201, response_model=ServiceAccountView, responses=ERRORS)
async def register_service_account(body: ServiceAccountIn, state: State) -> ServiceAccountView:
    account = state.oauth.register(body.client_email, body.public_key_pem, body.key_id)
    return ServiceAccountView(client_email=account.client_email, key_id=account.key_id)


@router.post("/sheets/revocations", summary="Revoke a service account's access (403 PERMISSION_DENIED from then on)",
             response_model=Accepted, responses=ERRORS)
async def revoke_sheets_grant(body: RevocationIn, state: State) -> Accepted:
    state.sheets_access.revoke(body.client_email, body.spreadsheet_id)
    return Accepted()


# Webhooks ------------------------------------------------------------------------------------------------------
def _endpoint_out(request: Request, state: SandboxState, endpoint: Endpoint) -> WebhookEndpointOut:
    received = sum(1 for r in state.webhooks.received if r.endpoint_id == endpoint.id)
    return WebhookEndpointOut(id=endpoint.id, url=f"{str(request.base_url).rstrip('/')}/webhooks/{endpoint.id}",
                              secret=endpoint.secret, received=received)


@router.post("/webhooks/endpoints", summary="Create a partner receiving endpoint (secret generated if omitted)",
             status_code=201, response_model=WebhookEndpointOut, responses=ERRORS)
async def add_webhook_endpoint(body: WebhookEndpointIn, request: Request, state: State) -> WebhookEndpointOut:
    return _endpoint_out(request, state, state.webhooks.add_endpoint(body.secret))


@router.get("/webhooks/endpoints", summary="Partner receiving endpoints", response_model=Page[WebhookEndpointOut],
            responses=ERRORS)
async def list_webhook_endpoints(
    request: Request, state: State, cursor: str | None = None, limit: Limit = 1000
) -> Page[WebhookEndpointOut]:
    views = [_endpoint_out(request, state, e) for e in state.webhooks.endpoints.values()]
    items, next_cursor = page(views, cursor, limit)
    return Page[WebhookEndpointOut](items=items, next_cursor=next_cursor)


@router.put("/webhooks/endpoints/{endpoint_id}/secret", summary="Change the secret the partner verifies with",
            response_model=WebhookEndpointOut, responses=problem_responses(404, 422))
async def set_webhook_secret(endpoint_id: str, body: WebhookSecretIn, request: Request, state: State) -> WebhookEndpointOut:
    endpoint = state.webhooks.endpoints.get(endpoint_id)
    if endpoint is None:
        raise NotFound("webhook endpoint")
    endpoint.secret = body.secret
    return _endpoint_out(request, state, endpoint)


@router.get("/webhooks/received", summary="Every delivery attempt received, verified or rejected (with the reason)",
            response_model=Page[ReceivedWebhookView], responses=ERRORS)
async def webhooks_received(
    state: State, endpoint_id: str | None = None, verified: bool | None = None, cursor: str | None = None,
    limit: Limit = 1000,
) -> Page[ReceivedWebhookView]:
    views = [
        ReceivedWebhookView.model_validate(r.as_api()) for r in state.webhooks.received
        if (endpoint_id is None or r.endpoint_id == endpoint_id) and (verified is None or r.verified == verified)
    ]
    items, next_cursor = page(views, cursor, limit)
    return Page[ReceivedWebhookView](items=items, next_cursor=next_cursor)
