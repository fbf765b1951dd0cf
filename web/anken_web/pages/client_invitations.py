"""Client users of a client (admins: every client; a director: the clients whose projects they direct, as the
invitations API rules it): invite a person of the client by e-mail (name, language), the pending invitations
with their expiry, and revoking one.

The API mails the one-time link (SMTP) and says whether the mail went (`mail_sent`). Outside production it
also answers the link, and this page shows it once with a copy button (without SMTP it is the only way the
link reaches the person). In production without a mail sender the API answers 503; a failed send keeps the
invitation and the page says to invite again. The link is rendered in that one answer only; the web never
stores it.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.form_values import form_of
from anken_web.i18n.extraction import N_
from anken_web.pages.form_refusals import banner, refusals_of
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
InviterView = Annotated[View, Depends(roles("admin", "director"))]

# The form's fields → their labels (as the form shows them), for the refusals next to the fields.
INVITE_FIELDS = {"email": N_("Email"), "name": N_("Display name"), "locale": N_("Language")}
LANGUAGES = (("ja", "日本語"), ("en", "English"))


def _page_path(client_id: str) -> str:
    return f"/client-users/{client_id}"


async def _page(view: View, client_id: str, *, cursor: str = "", form: dict[str, Any] | None = None,
                errors: dict[str, str] | None = None, error: str | None = None,
                invited: dict[str, Any] | None = None, status_code: int = 200) -> Response:
    # A client the user may not manage is 404 from both, as in the API.
    client, pending = await asyncio.gather(
        view.api.get("projects", f"/v1/clients/{client_id}"),
        view.api.get("projects", f"/v1/clients/{client_id}/invitations", cursor=cursor, limit=50))
    link = None
    if invited and invited.get("link"):
        link = str(view.request.base_url).rstrip("/") + str(invited["link"])
    return view.render(
        "admin/client_users.html", status_code=status_code, client=client, pending=list(pending.get("items", [])),
        next_cursor=pending.get("next_cursor"), query_without_cursor="", languages=LANGUAGES,
        form=form or {"locale": view.locale}, field_errors=errors or {}, error=error, invited=invited, link=link,
    )


@router.get("/client-users")
async def client_user_clients(view: InviterView, cursor: str = "") -> Response:
    """The clients whose people the user may invite (the projects API lists exactly those for a director)."""
    page = await view.api.get("projects", "/v1/clients", cursor=cursor, limit=50)
    return view.render("admin/client_users_index.html", clients=list(page.get("items", [])),
                       next_cursor=page.get("next_cursor"), query_without_cursor="")


@router.get("/client-users/{client_id}")
async def client_users(view: InviterView, client_id: str, cursor: str = "") -> Response:
    return await _page(view, client_id, cursor=cursor)


@router.post("/client-users/{client_id}/invitations")
async def invite(view: InviterView, client_id: str, request: Request) -> Response:
    form = await form_of(request)
    typed = {"email": form.get("email", "").strip(), "name": form.get("name", "").strip(),
             "locale": form.get("locale", "ja")}
    try:
        invited = await view.api.post("projects", f"/v1/clients/{client_id}/invitations", json=typed)
    except ApiError as exc:
        errors = refusals_of(exc, view._, INVITE_FIELDS)
        if exc.status == 409 and exc.body.get("field") == "email":
            errors = {"email": view._("Email: another user already has this address. A person who already set "
                                      "their password is not invited again.")}
        if not errors and exc.status == 404:
            return view.redirect("/client-users", error=describe(exc, view._))
        message: str | None = None
        if exc.status == 503:
            message = view._("Invitations cannot be sent: no mail sender is set up for this environment. "
                             "Ask your administrator; nothing was sent and the person is not invited yet.")
        elif not errors:
            message = banner(exc, errors, view._)
        return await _page(view, client_id, form=typed, errors=errors, error=message,
                           status_code=exc.status if exc.status in (409, 422, 503) else 502)
    return await _page(view, client_id, invited=invited)


@router.post("/client-users/{client_id}/invitations/{invitation_id}/revoke")
async def revoke(view: InviterView, client_id: str, invitation_id: str) -> Response:
    try:
        await view.api.delete("projects", f"/v1/invitations/{invitation_id}")
    except ApiError as exc:
        return view.redirect(_page_path(client_id), error=describe(exc, view._))
    return view.redirect(_page_path(client_id),
                         flash=view._("The invitation is revoked: its link no longer works."))

