"""Partner webhook endpoints of a client (admins: every client; a director: the clients whose projects they
direct, as the worker's /v1/webhook-endpoints rules it): list, add, rotate the signing secret (shown once),
deactivate, send a test (its status only, never the answer's body) and the recent deliveries.

A signing secret is rendered in the answer to the create or rotate request only; the web never stores it.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web import field_errors
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.field_errors import Gettext, Refusal
from anken_web.rendering import View, roles
from anken_web.vocabulary import WEBHOOK_EVENTS, field_label_of, label_of

router = APIRouter(include_in_schema=False)
ManagerView = Annotated[View, Depends(roles("admin", "director"))]

FORM_FIELDS = ("url", "events", "description")
DESCRIPTION_CHARS = 200


def _locate(api_field: str) -> tuple[str, int | None, str | None] | None:
    """`url`, `body.url`, `events.0` → the form field they concern."""
    parts = [p for p in api_field.split(".") if p and p != "body"]
    if parts and parts[0] in FORM_FIELDS:
        return parts[0], None, None
    return None


def _sentence(refusal: Refusal, _: Gettext) -> str:
    label = field_label_of(refusal.field, _)
    message = refusal.message
    if refusal.field == "url":
        if "public addresses" in message or "metadata" in message:
            return _("%(field)s must be a public internet address: webhooks are never sent to private, loopback or "
                     "internal addresses.", field=label)
        return _("%(field)s must be a full web address starting with https:// (for example "
                 "https://partner.example.jp/webhooks).", field=label)
    if refusal.field == "events":
        return _("Choose at least one %(field)s.", field=label)
    return _("%(field)s can be at most %(count)s characters.", field=label, count=DESCRIPTION_CHARS)


def form_errors(exc: ApiError, _: Gettext) -> dict[str, str]:
    return field_errors.field_errors_of(exc, _, _locate, _sentence)


async def _page(view: View, client_id: str, *, cursor: str = "", deliveries_cursor: str = "",
                form: dict[str, Any] | None = None, errors: dict[str, str] | None = None, secret: dict[str, Any] | None = None,
                status_code: int = 200) -> Response:
    # The client first: a client the user does not manage is 404 here, as in the APIs.
    client = await view.api.get("projects", f"/v1/clients/{client_id}")
    endpoints, deliveries = await asyncio.gather(
        view.api.get("worker", "/v1/webhook-endpoints", client_id=client_id, cursor=cursor, limit=50),
        view.api.get("worker", "/v1/deliveries", integration="webhook", client_id=client_id,
                     cursor=deliveries_cursor, limit=20),
    )
    items = list(endpoints.get("items", []))
    urls = {e["id"]: e["url"] for e in items}
    return view.render(
        "webhooks/client.html", status_code=status_code, client=client, endpoints=items, endpoint_urls=urls,
        deliveries=list(deliveries.get("items", [])), events=WEBHOOK_EVENTS, form=form or {}, errors=errors or {},
        secret=secret, description_chars=DESCRIPTION_CHARS,
        endpoints_next=_link(client_id, cursor=endpoints.get("next_cursor") or "", deliveries_cursor=deliveries_cursor)
        if endpoints.get("next_cursor") else "",
        deliveries_next=_link(client_id, cursor=cursor, deliveries_cursor=deliveries.get("next_cursor") or "")
        if deliveries.get("next_cursor") else "",
    )


def _link(client_id: str, *, cursor: str = "", deliveries_cursor: str = "") -> str:
    query = urlencode({k: v for k, v in (("cursor", cursor), ("deliveries_cursor", deliveries_cursor)) if v})
    return f"/webhooks/{client_id}" + (f"?{query}" if query else "")


@router.get("/webhooks")
async def webhook_clients(view: ManagerView, cursor: str = "") -> Response:
    page = await view.api.get("projects", "/v1/clients", cursor=cursor, limit=50)
    return view.render("webhooks/index.html", clients=list(page.get("items", [])),
                       next_cursor=page.get("next_cursor"), query_without_cursor="")


@router.get("/webhooks/{client_id}")
async def client_webhooks(view: ManagerView, client_id: str, cursor: str = "", deliveries_cursor: str = "") -> Response:
    return await _page(view, client_id, cursor=cursor, deliveries_cursor=deliveries_cursor)


@router.post("/webhooks/{client_id}")
async def add_endpoint(view: ManagerView, client_id: str, request: Request) -> Response:
    form = await request.form()
    typed = {"url": str(form.get("url", "")).strip(), "events": [str(e) for e in form.getlist("events")],
             "description": str(form.get("description", "")).strip()}
    body = {"client_id": client_id, "url": typed["url"], "events": typed["events"],
            "description": typed["description"] or None}
    try:
        created = await view.api.post("worker", "/v1/webhook-endpoints", json=body)
    except ApiError as exc:
        errors = form_errors(exc, view._)
        if not errors:
            return view.redirect(f"/webhooks/{client_id}", error=describe(exc, view._))
        view.session.flash_error = view._("The endpoint was not added. Please correct the fields marked in red.")
        return await _page(view, client_id, form=typed, errors=errors, status_code=422)
    return await _page(view, client_id, secret=created)


@router.post("/webhooks/{client_id}/endpoints/{endpoint_id}/rotate-secret")
async def rotate_secret(view: ManagerView, client_id: str, endpoint_id: str) -> Response:
    try:
        rotated = await view.api.post("worker", f"/v1/webhook-endpoints/{endpoint_id}/rotate-secret", json={})
    except ApiError as exc:
        return view.redirect(f"/webhooks/{client_id}", error=describe(exc, view._))
    return await _page(view, client_id, secret=rotated)


@router.post("/webhooks/{client_id}/endpoints/{endpoint_id}/active")
async def set_active(view: ManagerView, client_id: str, endpoint_id: str, request: Request) -> Response:
    active = str((await request.form()).get("active", "")) == "true"
    try:
        await view.api.patch("worker", f"/v1/webhook-endpoints/{endpoint_id}", json={"active": active})
    except ApiError as exc:
        return view.redirect(f"/webhooks/{client_id}", error=describe(exc, view._))
    done = view._("The endpoint is active again.") if active else \
        view._("The endpoint is deactivated: no events are sent to it.")
    return view.redirect(f"/webhooks/{client_id}", flash=done)


def trial_sentence(result: dict[str, Any], _: Gettext) -> str:
    """The test send's status only: delivered or not, and the HTTP status the endpoint answered."""
    status = label_of(result.get("status"), _)
    code = result.get("status_code")
    if code is None:
        return _("Test send: %(status)s (the endpoint did not answer or was refused).", status=status)
    return _("Test send: %(status)s (HTTP %(code)s).", status=status, code=code)


@router.post("/webhooks/{client_id}/endpoints/{endpoint_id}/test")
async def send_test(view: ManagerView, client_id: str, endpoint_id: str) -> Response:
    try:
        result = await view.api.post("worker", f"/v1/webhook-endpoints/{endpoint_id}/test", json={})
    except ApiError as exc:
        return view.redirect(f"/webhooks/{client_id}", error=describe(exc, view._))
    sentence = trial_sentence(result or {}, view._)
    if (result or {}).get("status") == "succeeded":
        return view.redirect(f"/webhooks/{client_id}", flash=sentence)
    return view.redirect(f"/webhooks/{client_id}", error=sentence)
