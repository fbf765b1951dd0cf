"""Security headers on every web answer: a Content-Security-Policy that lets the browser run only
our own static scripts (htmx and web/anken_web/static/*.js: no inline script, no inline handler,
no inline style), no framing by other sites, no MIME sniffing, a referrer that stays on the site,
and HSTS in production (where the site is served over HTTPS)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    # The report editor previews the print view (same origin) in a frame.
    "frame-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
))
# The weekly report's print view is a standalone document with its own <style>, shown in the
# editor's frame (same origin): no script at all, inline styles allowed, framed only by us.
REPORT_DOCUMENT_POLICY = "; ".join((
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src data:",
    "font-src 'self' data:",
    "frame-ancestors 'self'",
    "form-action 'none'",
    "base-uri 'none'",
))
HSTS = "max-age=31536000; includeSubDomains"


def report_document_headers() -> dict[str, str]:
    """Headers a route sets to serve a report document instead of a page (kept by the middleware)."""
    return {"Content-Security-Policy": REPORT_DOCUMENT_POLICY, "X-Frame-Options": "SAMEORIGIN"}


class SecurityHeadersMiddleware:
    """Adds the headers to every HTTP answer; a header the route already set is kept as it is."""

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        defaults = {
            "content-security-policy": CONTENT_SECURITY_POLICY,
            "x-content-type-options": "nosniff",
            "x-frame-options": "DENY",
            "referrer-policy": "strict-origin-when-cross-origin",
            "cross-origin-opener-policy": "same-origin",
            "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
        }
        if hsts:
            defaults["strict-transport-security"] = HSTS
        self.defaults = [(name.encode(), value.encode()) for name, value in defaults.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in self.defaults if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, _send)
