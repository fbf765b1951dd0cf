"""The browser session: a signed HttpOnly cookie holding the API token, the user and a CSRF token.

The token is the projects-api bearer token; signing (itsdangerous) stops tampering and
HttpOnly keeps page scripts from reading it. The session ends with the token's expiry.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.requests import Request
from starlette.responses import Response

from anken_web.settings import WebSettings

SALT = "anken-web-session"


@dataclass
class Session:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    token: str | None = None
    expires_at: float = 0.0
    user: dict[str, Any] = field(default_factory=dict)
    locale: str | None = None
    # One-shot message shown on the next page (e.g. "your session expired"): `flash` says something
    # went well (a green banner), `flash_error` that it did not (red, base.html). Never mixed.
    flash: str | None = None
    flash_error: str | None = None
    # Set when a logged-in session ran out, so the login page can say why.
    expired: bool = False

    @property
    def logged_in(self) -> bool:
        return bool(self.token) and time.time() < self.expires_at

    @property
    def role(self) -> str | None:
        return self.user.get("role") if self.logged_in else None


class SessionCodec:
    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        # Its own key (WEB_SESSION_KEY), never one that signs API tokens.
        self.serializer = URLSafeTimedSerializer(settings.cookie_key, salt=SALT)

    def load(self, request: Request) -> Session:
        raw = request.cookies.get(self.settings.session_cookie_name)
        if not raw:
            return Session()
        try:
            data = self.serializer.loads(raw, max_age=self.settings.session_max_age_s)
        except BadSignature:
            # Tampered or older than the maximum age (SignatureExpired is a BadSignature).
            return Session(expired=True)
        try:
            session = Session(**data)
        except TypeError:
            return Session()
        if session.token and not session.logged_in:
            # The API token ran out: keep the CSRF token and language, drop the login.
            return Session(csrf=session.csrf, locale=session.locale, expired=True)
        return session

    def save(self, response: Response, session: Session) -> None:
        response.set_cookie(
            self.settings.session_cookie_name,
            self.serializer.dumps(asdict(session)),
            max_age=self.settings.session_max_age_s,
            httponly=True,
            samesite="lax",
            secure=self.settings.session_cookie_secure,
            path="/",
        )
