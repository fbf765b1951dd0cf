"""Confluence Cloud REST v2: spaces and pages (storage format, versioned updates)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from anken_sandbox.bodies import json_object, json_request_body
from anken_sandbox.confluence.schemas import PAGE_EXAMPLE, ConfluencePage, ConfluenceResults, error_responses
from anken_sandbox.confluence.site import ConfluenceError, ConfluenceSite, Page
from anken_sandbox.dependencies import State
from anken_sandbox.web_links import confluence_base

API_PREFIX = "/confluence/wiki/api/v2"


def require_credentials(request: Request) -> None:
    """Basic email:api_token, or a Bearer (OAuth 2.0) token; anything else is 401 as on Confluence Cloud."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return
    if scheme.lower() == "basic":
        try:
            email, sep, token = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            email, sep, token = "", "", ""
        if sep and email and token:
            return
    raise ConfluenceError(401, "UNAUTHORIZED", "Unauthorized; basic auth (email:api_token) or a Bearer token is required")


router = APIRouter(prefix=API_PREFIX, tags=["sandbox: Confluence REST v2"], dependencies=[Depends(require_credentials)])
Limit = Annotated[int, Query(ge=1, le=250)]


def _paged(request: Request, items: list[dict[str, Any]], cursor: str | None, limit: int) -> JSONResponse:
    try:
        start = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode()) if cursor else 0
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ConfluenceError(400, "BAD_REQUEST", "Invalid cursor")
    chunk = items[start:start + limit]
    links: dict[str, str] = {"base": confluence_base(request)}
    headers: dict[str, str] = {}
    if start + limit < len(items):
        params = dict(request.query_params)
        params["cursor"] = base64.urlsafe_b64encode(str(start + limit).encode()).decode().rstrip("=")
        links["next"] = f"/wiki/api/v2{request.url.path.removeprefix(API_PREFIX)}?{urlencode(params)}"
        headers["Link"] = f'<{links["next"]}>; rel="next"'
    return JSONResponse({"results": chunk, "_links": links}, headers=headers)


def _page(request: Request, site: ConfluenceSite, page: Page, body_format: str | None) -> dict[str, Any]:
    return page.as_api(site.space_key(page.space_id), body_format, confluence_base(request))


@router.get("/spaces", summary="List spaces (filter by keys or ids)", response_model=ConfluenceResults,
            responses=error_responses(400, 401))
async def list_spaces(
    request: Request, state: State, keys: str | None = None, ids: str | None = None, cursor: str | None = None,
    limit: Limit = 25,
) -> JSONResponse:
    wanted_keys = {k.strip() for k in keys.split(",") if k.strip()} if keys else None
    wanted_ids = {i.strip() for i in ids.split(",") if i.strip()} if ids else None
    spaces = [
        s.as_api() for s in state.confluence.spaces.values()
        if (wanted_keys is None or s.key in wanted_keys) and (wanted_ids is None or s.id in wanted_ids)
    ]
    return _paged(request, spaces, cursor, limit)


@router.get("/spaces/{space_id}", summary="Get a space", response_model=ConfluenceResults,
            responses=error_responses(401, 404))
async def get_space(space_id: str, state: State) -> JSONResponse:
    space = state.confluence.spaces.get(space_id)
    if space is None:
        raise ConfluenceError(404, "NOT_FOUND", f"Space {space_id} not found")
    return JSONResponse(space.as_api())


@router.post(
    "/pages", summary="Create a page (title unique within its space)", response_model=ConfluencePage,
    responses=error_responses(400, 401, 404),
    openapi_extra=json_request_body({
        "spaceId": "1", "status": "current", "title": "キックオフ議事録", "parentId": "65537",
        "body": {"representation": "storage", "value": "<p>目的と進め方</p>"},
    }),
)
async def create_page(request: Request, state: State) -> JSONResponse:
    body = await json_object(request)
    if body is None:
        raise ConfluenceError(400, "BAD_REQUEST", "The request body must be a JSON object")
    page = state.confluence.create_page(body)
    return JSONResponse(_page(request, state.confluence, page, page.representation))


@router.get("/pages", summary="Find pages by title and space", response_model=ConfluenceResults,
            responses=error_responses(400, 401))
async def list_pages(
    request: Request, state: State, title: str | None = None,
    space_id: Annotated[str | None, Query(alias="space-id")] = None,
    status: str = "current", body_format: Annotated[str | None, Query(alias="body-format")] = None,
    cursor: str | None = None, limit: Limit = 25,
) -> JSONResponse:
    space_ids = [s.strip() for s in space_id.split(",") if s.strip()] if space_id else []
    site = state.confluence
    pages = [_page(request, site, p, body_format) for p in site.find_pages(title, space_ids, status)]
    return _paged(request, pages, cursor, limit)


@router.get("/pages/{page_id}", summary="Get a page (body with ?body-format=storage)", response_model=ConfluencePage,
            responses=error_responses(401, 404))
async def get_page(
    page_id: str, request: Request, state: State,
    body_format: Annotated[str | None, Query(alias="body-format")] = None,
) -> JSONResponse:
    return JSONResponse(_page(request, state.confluence, state.confluence.live_page(page_id), body_format))


@router.get("/pages/{page_id}/children", summary="List a page's child pages", response_model=ConfluenceResults,
            responses=error_responses(400, 401, 404))
async def page_children(
    page_id: str, request: Request, state: State, cursor: str | None = None, limit: Limit = 25
) -> JSONResponse:
    children = [
        {"id": p.id, "status": p.status, "title": p.title, "spaceId": p.space_id, "childPosition": p.position}
        for p in state.confluence.children(page_id)
    ]
    return _paged(request, children, cursor, limit)


@router.put(
    "/pages/{page_id}", summary="Update a page (version.number must be current + 1)", response_model=ConfluencePage,
    responses=error_responses(400, 401, 404, 409),
    openapi_extra=json_request_body({**{k: PAGE_EXAMPLE[k] for k in ("id", "status", "title", "body")},
                                     "body": {"representation": "storage", "value": "<p>更新</p>"},
                                     "version": {"number": 2, "message": "週次レポート反映"}}),
)
async def update_page(page_id: str, request: Request, state: State) -> JSONResponse:
    body = await json_object(request)
    if body is None:
        raise ConfluenceError(400, "BAD_REQUEST", "The request body must be a JSON object")
    page = state.confluence.update_page(page_id, body)
    return JSONResponse(_page(request, state.confluence, page, page.representation))


@router.delete("/pages/{page_id}", summary="Delete a page (to the trash; ?purge=true removes it)", status_code=204,
               response_class=Response, responses=error_responses(401, 404))
async def delete_page(page_id: str, state: State, purge: bool = False) -> Response:
    state.confluence.delete_page(page_id, purge)
    return Response(status_code=204)
