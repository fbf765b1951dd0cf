"""Admin: users, clients, API keys (secret shown once), integration settings, the delivery log
with retry of dead letters (the sandbox viewer is pages/sandbox.py)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.form_values import form_of
from anken_web.formatting import DEFAULT_TZ
from anken_web.i18n.extraction import N_
from anken_web.pages.form_refusals import banner, refusals_of
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False, prefix="/admin")
AdminView = Annotated[View, Depends(roles("admin"))]

ROLES = ("admin", "director", "manager", "member")
SCOPES = ("read:projects", "read:kpis", "read:appointments", "write:appointment_outcomes", "write:targets")

# Each form's fields → their labels (as the form shows them), for the refusals next to the fields.
USER_FIELDS = {"name": N_("Name"), "email": N_("Email"), "role": N_("Role"), "locale": N_("Language"),
               "password": N_("Initial password (at least 10 characters)")}
USER_ROW_FIELDS = {"role": N_("Role"), "password": N_("New password (optional)")}
CLIENT_FIELDS = {"name": N_("Company name"), "industry": N_("Industry")}
API_KEY_FIELDS = {"client_id": N_("Client"), "name": N_("Key name"), "scopes": N_("Scopes"),
                  "expires_at": N_("Expires on (empty: until revoked)")}
INTEGRATION_FIELDS = {"client_id": N_("Client"), "project_id": N_("Project"), "integration": N_("Kind"),
                      "config": N_("Settings, one key=value per line"),
                      "secret": N_("Token or key (stored encrypted, never shown again)")}


def items_of(result: dict[str, Any] | list[Any] | None) -> list[Any]:
    if isinstance(result, dict):
        pages: list[Any] = result.get("pages", [])
        messages: list[Any] = result.get("messages", pages)
        found: list[Any] = result.get("items", messages)
        return list(found)
    return list(result or [])


def keep_query(params: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "") and k != "cursor"})


# ---- users -----------------------------------------------------------------------------------

async def render_users(view: View, filters: dict[str, Any], error: str | None = None, form: dict[str, Any] | None = None,
                       status_code: int = 200, field_errors: dict[str, str] | None = None,
                       row: dict[str, Any] | None = None) -> Response:
    """The users page; `form`, `field_errors`: the new-user form as typed and its refusals; `row`: a
    refused role change ({"id", "form", "field_errors"}) shown on its user's row."""
    page = await view.api.get("projects", "/v1/users", limit=50, **filters)
    return view.render("admin/users.html", status_code=status_code, page=page, filters=filters, roles=ROLES,
                       error=error, form=without_secrets(form or {}), field_errors=field_errors or {},
                       row=row or {"id": None, "form": {}, "field_errors": {}},
                       next_cursor=page.get("next_cursor"), query_without_cursor=keep_query(filters))


def without_secrets(form: dict[str, Any]) -> dict[str, Any]:
    """What a refused form shows again: never a password or a token."""
    return {k: v for k, v in form.items() if k not in ("password", "secret")}


@router.get("/users")
async def users(view: AdminView, q: str = "", role: str = "", cursor: str = "") -> Response:
    return await render_users(view, {"q": q, "role": role, "cursor": cursor})


@router.post("/users")
async def create_user(view: AdminView, request: Request) -> Response:
    form = await form_of(request)
    body = {k: form.get(k, "") for k in ("email", "name", "role", "password", "locale")}
    try:
        await view.api.post("projects", "/v1/users", json=body)
    except ApiError as exc:
        errors = refusals_of(exc, view._, USER_FIELDS)
        return await render_users(view, {}, banner(exc, errors, view._), form, field_errors=errors,
                                  status_code=exc.status if exc.status in (409, 422) else 502)
    return view.redirect("/admin/users", flash=view._("User %(name)s created.", name=body["name"]))


@router.post("/users/{user_id}/role")
async def change_role(view: AdminView, user_id: str, request: Request) -> Response:
    form = await form_of(request)
    body: dict[str, Any] = {"role": form.get("role")} if form.get("role") else {}
    if form.get("password"):
        body["password"] = form["password"]
    try:
        await view.api.patch("projects", f"/v1/users/{user_id}", json=body)
    except ApiError as exc:
        errors = refusals_of(exc, view._, USER_ROW_FIELDS)
        if not errors:
            return view.redirect("/admin/users", error=describe(exc, view._))
        filters = {"q": form.get("q", ""), "role": form.get("filter_role", ""), "cursor": ""}
        return await render_users(view, filters, status_code=422,
                                  row={"id": user_id, "form": without_secrets(form), "field_errors": errors})
    return view.redirect("/admin/users", flash=view._("Saved."))


@router.post("/users/{user_id}/active")
async def toggle_user(view: AdminView, user_id: str, request: Request) -> Response:
    form = await form_of(request)
    try:
        await view.api.patch("projects", f"/v1/users/{user_id}", json={"is_active": form.get("is_active") == "true"})
    except ApiError as exc:
        return view.redirect("/admin/users", error=describe(exc, view._))
    return view.redirect("/admin/users", flash=view._("Saved."))


# ---- clients ---------------------------------------------------------------------------------

@router.get("/clients")
async def clients(view: AdminView, q: str = "", cursor: str = "") -> Response:
    page = await view.api.get("projects", "/v1/clients", q=q, cursor=cursor, limit=50)
    return view.render("admin/clients.html", page=page, filters={"q": q}, error=None, form={}, field_errors={},
                       next_cursor=page.get("next_cursor"), query_without_cursor=keep_query({"q": q}))


@router.post("/clients")
async def create_client(view: AdminView, request: Request) -> Response:
    form = await form_of(request)
    body = {"name": form.get("name", ""), "industry": form.get("industry") or None}
    try:
        await view.api.post("projects", "/v1/clients", json=body)
    except ApiError as exc:
        errors = refusals_of(exc, view._, CLIENT_FIELDS)
        page = await view.api.get("projects", "/v1/clients", limit=50)
        return view.render("admin/clients.html", status_code=exc.status if exc.status in (409, 422) else 502,
                           page=page, filters={}, error=banner(exc, errors, view._), form=form, field_errors=errors,
                           next_cursor=page.get("next_cursor"), query_without_cursor="")
    return view.redirect("/admin/clients", flash=view._("Client %(name)s created.", name=body["name"]))


# ---- API keys --------------------------------------------------------------------------------

async def api_key_context(view: View, client_id: str, cursor: str = "") -> dict[str, Any]:
    keys, clients_page = await asyncio.gather(
        view.api.get("projects", "/v1/api-keys", client_id=client_id, cursor=cursor, limit=50),
        view.api.get("projects", "/v1/clients", limit=200),
    )
    return {"keys": keys, "clients": clients_page.get("items", []), "client_id": client_id, "scopes": SCOPES,
            "next_cursor": keys.get("next_cursor"), "query_without_cursor": keep_query({"client_id": client_id})}


@router.get("/api-keys")
async def api_keys(view: AdminView, client_id: str = "", cursor: str = "") -> Response:
    return view.render("admin/api_keys.html", created=None, error=None, form={}, field_errors={},
                       **await api_key_context(view, client_id, cursor))


@router.post("/api-keys")
async def create_api_key(view: AdminView, request: Request) -> Response:
    form = await request.form()
    body: dict[str, Any] = {"client_id": str(form.get("client_id", "")), "name": str(form.get("name", "")),
                  "scopes": [str(s) for s in form.getlist("scopes")]}
    expires_on = str(form.get("expires_at", "")).strip()
    if expires_on:
        body["expires_at"] = expiry_of(expires_on, DEFAULT_TZ)
    created = error = None
    errors: dict[str, str] = {}
    status_code = 200
    try:
        created = await view.api.post("projects", "/v1/api-keys", json=body)
    except ApiError as exc:
        errors = refusals_of(exc, view._, API_KEY_FIELDS)
        error = banner(exc, errors, view._)
        status_code = exc.status if exc.status in (403, 404, 409, 422) else 502
    typed = {"client_id": body["client_id"], "name": body["name"], "scopes": body["scopes"], "expires_at": expires_on}
    context = await api_key_context(view, body["client_id"] if created else "")
    # The secret is rendered in this answer only; it is never stored by the web.
    return view.render("admin/api_keys.html", status_code=status_code,
                       created=created, error=error, form={} if created else typed, field_errors=errors, **context)


def expiry_of(day: str, timezone: str) -> str:
    """The end of the chosen day in the user's time zone, as the API's aware datetime; a value that is not
    a date goes as typed, for the API to refuse next to the field."""
    try:
        return datetime.combine(date.fromisoformat(day), time(23, 59, 59), ZoneInfo(timezone)).isoformat()
    except ValueError:
        return day


@router.post("/api-keys/{key_id}/revoke")
async def revoke_api_key(view: AdminView, key_id: str) -> Response:
    try:
        await view.api.delete("projects", f"/v1/api-keys/{key_id}")
    except ApiError as exc:
        return view.redirect("/admin/api-keys", error=describe(exc, view._))
    return view.redirect("/admin/api-keys", flash=view._("The API key is revoked. Requests with it are refused from now on."))


# ---- integrations, deliveries -------------------------------------------------------------

INTEGRATIONS = ("slack", "confluence", "sheets")
DELIVERY_STATUSES = ("pending", "retrying", "succeeded", "dead", "skipped")


async def integrations_context(view: View, error: str | None = None, form: dict[str, Any] | None = None) -> dict[str, Any]:
    settings, clients_page, projects_page = await asyncio.gather(
        view.api.get("worker", "/v1/integration-settings", limit=200),
        view.api.get("projects", "/v1/clients", limit=200),
        view.api.get("projects", "/v1/projects", limit=200),
    )
    clients = clients_page.get("items", [])
    # A setting names its client and project by id; the page shows their names, never the ids.
    return {"integrations": items_of(settings), "clients": clients, "client_names": {c["id"]: c["name"] for c in clients},
            "project_names": {p["id"]: p["name"] for p in projects_page.get("items", [])},
            "kinds": INTEGRATIONS, "error": error, "form": form or {}}


@router.get("/integrations")
async def integrations(view: AdminView) -> Response:
    return view.render("admin/integrations.html", field_errors={}, **await integrations_context(view))


@router.post("/integrations")
async def save_integration(view: AdminView, request: Request) -> Response:
    form = await form_of(request)
    config: dict[str, str] = {}
    for line in form.get("config", "").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip():
            config[key.strip()] = value.strip()
    body: dict[str, Any] = {"client_id": form.get("client_id"), "integration": form.get("integration"), "config": config,
                  "enabled": form.get("enabled") == "on"}
    if form.get("project_id"):
        body["project_id"] = form["project_id"]
    if form.get("secret"):
        body["secret"] = form["secret"]
    try:
        await view.api.put("worker", "/v1/integration-settings", json=body)
    except ApiError as exc:
        errors = refusals_of(exc, view._, INTEGRATION_FIELDS)
        context = await integrations_context(view, banner(exc, errors, view._), without_secrets(form))
        return view.render("admin/integrations.html", status_code=exc.status if exc.status in (409, 422) else 502,
                           field_errors=errors, **context)
    return view.redirect("/admin/integrations", flash=view._("Saved."))


@router.get("/deliveries")
async def deliveries(view: AdminView, status: str = "", integration: str = "", project_id: str = "",
                     cursor: str = "") -> Response:
    filters = {"status": status, "integration": integration, "project_id": project_id}
    page = await view.api.get("worker", "/v1/deliveries", cursor=cursor, limit=50, **filters)
    return view.render("admin/deliveries.html", page=page, deliveries=items_of(page), filters=filters,
                       statuses=DELIVERY_STATUSES, kinds=(*INTEGRATIONS, "webhook"),
                       next_cursor=page.get("next_cursor"), query_without_cursor=keep_query(filters))


@router.post("/deliveries/retry-dead")
async def retry_dead(view: AdminView) -> Response:
    try:
        result = await view.api.post("worker", "/v1/deliveries/retry-dead", json={})
    except ApiError as exc:
        return view.redirect("/admin/deliveries?status=dead", error=describe(exc, view._))
    return view.redirect("/admin/deliveries", flash=view._("%(count)s dead deliveries are queued again.",
                                                           count=(result or {}).get("requeued", 0)))


@router.post("/deliveries/{delivery_id}/retry")
async def retry_delivery(view: AdminView, delivery_id: str) -> Response:
    try:
        await view.api.post("worker", f"/v1/deliveries/{delivery_id}/retry", json={})
    except ApiError as exc:
        return view.redirect("/admin/deliveries", error=describe(exc, view._))
    return view.redirect("/admin/deliveries", flash=view._("The delivery is queued again."))

