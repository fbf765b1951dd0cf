"""The page of an invitation link: the invited client user sets their password, then logs in."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.field_errors import Gettext, Refusal, field_errors_of
from anken_web.rendering import AnyView, View

router = APIRouter(include_in_schema=False)
MIN_PASSWORD = 10  # projects-api's rule for every password (users.schemas.NewPassword)


def _locate(api_field: str) -> tuple[str, int | None, str | None] | None:
    return ("password", None, None) if api_field == "password" else None


def _sentence(refusal: Refusal, _: Gettext) -> str:
    if refusal.kind == "string_too_long":
        return _("Password: use at most 200 characters.")
    return _("Password: use at least %(n)s characters.", n=MIN_PASSWORD)


def _form(view: View, token: str, status_code: int = 200, **values: object) -> Response:
    # The link's token is a secret: no page this one links to may learn it from the Referer.
    return view.render("invitation.html", status_code=status_code, headers={"Referrer-Policy": "no-referrer"},
                       token=token, min_password=MIN_PASSWORD, **{"error": None, "field_errors": {}, **values})


@router.get("/invitations/accept")
async def invitation_page(view: AnyView, token: str = "") -> Response:
    return _form(view, token)


@router.post("/invitations/accept")
async def accept_invitation(
    view: AnyView,
    token: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    password_again: Annotated[str, Form()] = "",
) -> Response:
    if password != password_again:
        errors = {"password_again": view._("Password (again): enter the same password twice.")}
        return _form(view, token, 422, field_errors=errors)
    try:
        await view.api.post("projects", "/v1/invitations/accept", json={"token": token, "password": password})
    except ApiError as exc:
        if exc.status == 404:
            error = view._("This invitation link is not valid: it was used already, replaced by a newer one or is "
                           "older than 72 hours. Ask for a new invitation.")
            return _form(view, token, 404, error=error)
        errors = field_errors_of(exc, view._, _locate, _sentence)
        return _form(view, token, exc.status if exc.status in (422, 429) else 502, field_errors=errors,
                     error=None if errors else describe(exc, view._))
    return view.redirect("/login", flash=view._("Your password is set. Log in with your email and new password."))
