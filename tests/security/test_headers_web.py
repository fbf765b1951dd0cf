"""Security headers on web (issue 13, authentication and secrets): a CSP that runs only our own
static scripts (no inline script, handler or style anywhere in the templates), no framing,
nosniff, a Referrer-Policy, and HSTS in production only."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from web.conftest import web_settings

from anken_common.settings import Environment
from anken_web.main import create_app

TEMPLATES = Path(__file__).parents[2] / "web" / "anken_web" / "templates"


def directives(policy: str) -> dict[str, list[str]]:
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


async def get(settings, path: str) -> httpx.Response:
    # No lifespan: the login page and /healthz need neither Redis nor the APIs.
    app = create_app(settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://web.test") as client:
        return await client.get(path)


async def test_pages_carry_a_strict_csp_and_the_other_security_headers(service_env):
    response = await get(web_settings(service_env), "/login")
    assert response.status_code == 200
    csp = directives(response.headers["content-security-policy"])
    assert csp["script-src"] == ["'self'"], "scripts: our own static files only (no inline, no eval)"
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "strict-transport-security" not in response.headers, "HSTS only in production (served over HTTPS)"
    static = await get(web_settings(service_env), "/static/anken.js")
    assert static.status_code == 200 and static.headers["x-content-type-options"] == "nosniff"


async def test_production_adds_hsts(service_env):
    # Copied without validation: production's secret and Redis rules are not what this test is about.
    settings = web_settings(service_env).model_copy(update={"anken_env": Environment.production})
    response = await get(settings, "/healthz")
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_templates_hold_no_inline_script_handler_or_style():
    """Under `script-src 'self'; style-src 'self'` these would be refused by the browser."""
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)  # Jinja comments
        for pattern, what in ((r"<script(?![^>]*\bsrc=)[^>]*>", "inline <script>"),
                              (r"\son[a-z]+\s*=", "inline event handler"),
                              (r"\sstyle\s*=", "inline style attribute"), (r"<style\b", "<style> element"),
                              (r"javascript:", "javascript: URL"), (r"\shx-on", "hx-on handler (evaluated script)")):
            offenders += [f"{path.relative_to(TEMPLATES)}: {what}" for _ in re.finditer(pattern, text)]
    assert not offenders
