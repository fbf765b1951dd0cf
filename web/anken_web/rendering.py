"""The Jinja2 environment and the per-request view context every page handler receives."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, RedirectResponse, Response

from anken_web.api_client import Api
from anken_web.csrf import CSRF_FIELD, CSRF_HEADER, check_csrf
from anken_web.formatting import Formatter
from anken_web.i18n.catalogs import normalise_locale, translations
from anken_web.integration_links import integration_link_filter
from anken_web.navigation import client_may_open, navigation_for
from anken_web.session import Session
from anken_web.vocabulary import field_label_of, label_of

TEMPLATE_DIR = Path(__file__).parent / "templates"
LANGUAGE_COOKIE = "anken_lang"

templates = Environment(
    loader=FileSystemLoader(str(TEMPLATE_DIR)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
    enable_async=False,
)
# Readable JSON (Japanese as is) for the sandbox viewer and API payloads.
templates.filters["pretty_json"] = lambda value: json.dumps(value, ensure_ascii=False, indent=2, default=str)
templates.filters["unix_time"] = lambda value: datetime.fromtimestamp(float(value), UTC)
# `project.spreadsheet_url | integration_link`: the vendor's page, or the sandbox viewer's (integration_links.py).
templates.filters["integration_link"] = integration_link_filter


@pass_context
def _label(context: Context, code: object, default: str | None = None) -> str:
    """`{{ project.status | label }}`: a code from an API in the page's language (vocabulary.py);
    `{{ item.key | label(item.label) }}` shows the typed label of a code the vocabulary does not know."""
    return label_of(code, context["_"], default)


@pass_context
def _field_label(context: Context, key: object) -> str:
    """`{{ error.field | field_label }}`: a field's key (or an API error's path) as the field's label."""
    return field_label_of(key, context["_"])


templates.filters["label"] = _label
templates.filters["field_label"] = _field_label


class LoginRequired(Exception):
    """No valid session: the user goes to the login page (and comes back to `next_url`)."""

    def __init__(self, next_url: str) -> None:
        self.next_url = next_url


class RoleRequired(Exception):
    """The page is not for this user's role."""


class View:
    """What one request needs to answer: session, language, the APIs as this user, rendering."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.settings = request.app.state.settings
        self.session: Session = request.app.state.sessions.load(request)
        self._session_as_loaded = asdict(self.session)
        accept = request.headers.get("accept-language", "")
        # The language chosen in this browser (also kept in a long-lived cookie, so it outlives the
        # session), else the user's own setting, else the browser's.
        self.locale = normalise_locale(self.session.locale or request.cookies.get(LANGUAGE_COOKIE)
                                       or self.session.user.get("locale") or accept[:2] or None)
        self.translations = translations(self.locale)
        self.fmt = Formatter(self.locale)
        self.api: Api = request.app.state.api.for_token(self.session.token if self.session.logged_in else None)

    def _(self, message: str, **values: Any) -> str:
        text = self.translations.gettext(message)
        return text % values if values else text

    @property
    def is_htmx(self) -> bool:
        return self.request.headers.get("HX-Request") == "true"

    @property
    def user(self) -> dict[str, Any]:
        return self.session.user if self.session.logged_in else {}

    def render(self, name: str, status_code: int = 200, headers: dict[str, str] | None = None, **values: Any) -> HTMLResponse:
        # Only a full page shows the flash (base.html); a background htmx fragment (the portfolio's
        # poll, an import's progress) must not consume it before the page the redirect leads to.
        flash = None if self.is_htmx else self.session.flash
        flash_error = None if self.is_htmx else self.session.flash_error
        if flash or flash_error:
            self.session.flash = self.session.flash_error = None
        context = {
            "_": self._,
            "fmt": self.fmt,
            "locale": self.locale,
            "user": self.user,
            "nav": navigation_for(self.session.role),
            "current_path": self.request.url.path,
            "csrf_token": self.session.csrf,
            "csrf_field": CSRF_FIELD,
            "csrf_header": CSRF_HEADER,
            "flash": flash,
            "flash_error": flash_error,
            "is_htmx": self.is_htmx,
            "settings": self.settings,
            "request": self.request,
            **values,
        }
        html = templates.get_template(name).render(context)
        response = HTMLResponse(html, status_code=status_code, headers=headers)
        self.save(response)
        return response

    def redirect(self, url: str, flash: str | None = None, *, error: str | None = None) -> Response:
        """Go to `url`; it shows `flash` (done: green) or `error` (refused: red, e.g. describe(exc))."""
        if flash:
            self.session.flash = flash
        if error:
            self.session.flash_error = error
        if self.is_htmx:
            response: Response = Response(status_code=204, headers={"HX-Redirect": url})
        else:
            response = RedirectResponse(url, status_code=303)
        self.save(response)
        return response

    def save(self, response: Response) -> None:
        # A background htmx request that changed nothing must not write the cookie back: it carries
        # the session as it was when the request left, and would undo a flash or login set meanwhile.
        if self.is_htmx and asdict(self.session) == self._session_as_loaded:
            return
        self.request.app.state.sessions.save(response, self.session)


async def anonymous_view(request: Request) -> View:
    view = View(request)
    await check_csrf(request, view.session.csrf)
    return view


async def user_view(request: Request) -> View:
    view = View(request)
    if not view.session.logged_in:
        raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if view.session.role == "client" and not client_may_open(getattr(request.scope.get("route"), "path", "")):
        # The agency's pages do not exist for a client user (the APIs answer them 404 as well).
        raise StarletteHTTPException(404)
    await check_csrf(request, view.session.csrf)
    return view


def roles(*allowed: str) -> Callable[[View], Awaitable[View]]:
    """A dependency: the logged-in view, or RoleRequired when the user's role is not allowed."""

    async def dependency(view: Annotated[View, Depends(user_view)]) -> View:
        if view.session.role not in allowed:
            raise RoleRequired()
        return view

    return dependency


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="")


AnyView = Annotated[View, Depends(anonymous_view)]
UserView = Annotated[View, Depends(user_view)]
