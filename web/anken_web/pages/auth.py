"""Login, logout and the language switch."""

from __future__ import annotations

import time
from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Form
from starlette.responses import Response

from anken_web.api_client import ApiError, ApiUnavailable, SessionExpired
from anken_web.error_messages import describe
from anken_web.i18n.catalogs import SUPPORTED_LOCALES
from anken_web.navigation import home_for
from anken_web.rendering import LANGUAGE_COOKIE, AnyView
from anken_web.session import Session

router = APIRouter(include_in_schema=False)


def safe_next(next_url: str | None) -> str | None:
    """Only same-site paths, so the login form cannot bounce users to another site."""
    if next_url and next_url.startswith("/") and not next_url.startswith("//") and not next_url.startswith("/login"):
        return next_url
    return None


@router.get("/")
async def root(view: AnyView) -> Response:
    if view.session.logged_in:
        return view.redirect(home_for(view.session.role))
    return view.render("login.html", next_url=None, email="", error=None, field_errors={})


@router.get("/login")
async def login_page(view: AnyView, next: str | None = None) -> Response:
    if view.session.logged_in:
        return view.redirect(safe_next(next) or home_for(view.session.role))
    return view.render("login.html", next_url=safe_next(next), email="", error=None, field_errors={})


@router.post("/login")
async def login(
    view: AnyView,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    # An empty field is named next to it; the password typed is never sent back to the page.
    missing = {name: view._("%(label)s: this cannot be empty.", label=view._(label))
               for name, label, value in (("email", "Email", email.strip()), ("password", "Password", password))
               if not value}
    if missing:
        return view.render("login.html", status_code=422, next_url=safe_next(next), email=email, error=None,
                           field_errors=missing)
    try:
        # The browser's address, for projects-api's per-address login limit (counted when web is in its TRUSTED_PROXIES).
        forwarded = {"X-Forwarded-For": view.request.client.host} if view.request.client else None
        token = await view.api.post("projects", "/v1/auth/token", json={"email": email.strip(), "password": password},
                                    headers=forwarded)
        me = await view.request.app.state.api.for_token(token["access_token"]).get("projects", "/v1/auth/me")
    except ApiError as exc:
        status = 401 if exc.status in (401, 422) else 502
        error = view._("The email or password is wrong.") if status == 401 else describe(exc, view._)
        # Which of the two is wrong is not told (it would confirm an address): the whole form's banner.
        return view.render("login.html", status_code=status, next_url=safe_next(next), email=email, error=error,
                           field_errors={})
    # A fresh session (new CSRF token) on login, so a token planted before login is useless.
    view.session = Session(
        token=token["access_token"],
        expires_at=time.time() + min(int(token.get("expires_in", 0)), view.settings.session_max_age_s),
        user={k: str(me.get(k, "")) for k in ("id", "email", "name", "role", "locale")},
        locale=view.session.locale or me.get("locale"),
    )
    return view.redirect(safe_next(next) or home_for(me.get("role")))


@router.post("/logout")
async def logout(view: AnyView) -> Response:
    if view.session.logged_in:
        # Ends the user's sessions at the API too (every token of theirs, in every service).
        with suppress(ApiError, ApiUnavailable, SessionExpired):
            await view.api.post("projects", "/v1/auth/logout")
    view.session = Session(locale=view.session.locale, flash=view._("You have logged out."))
    return view.redirect("/login")


@router.post("/language")
async def switch_language(view: AnyView, locale: Annotated[str, Form()] = "ja", back: Annotated[str, Form()] = "/") -> Response:
    if locale not in SUPPORTED_LOCALES:
        locale = "ja"
    view.session.locale = locale
    if view.session.logged_in:
        view.session.user["locale"] = locale
        # Remember it on the user too, so the next login (on any device) starts in this language.
        with suppress(ApiError, ApiUnavailable):
            await view.api.patch("projects", "/v1/auth/me", json={"locale": locale})
    response = view.redirect(safe_next(back) or "/")
    response.set_cookie(LANGUAGE_COOKIE, locale, max_age=365 * 24 * 3600, httponly=True, samesite="lax",
                        secure=view.settings.session_cookie_secure, path="/")
    return response
