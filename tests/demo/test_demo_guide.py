"""The first-login guide: one thing to try per demo role, in Japanese first, never outside demo mode."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from anken_web.i18n.catalogs import translations
from anken_web.rendering import templates

LINKS = {"director": "/projects", "member": "/calling", "manager": "/forecast", "admin": "/admin/sandbox"}


def render(role: str, demo: bool, locale: str = "ja") -> str:
    return templates.get_template("partials/demo_guide.html").render(
        _=translations(locale).gettext, settings=SimpleNamespace(anken_demo=demo), user={"role": role, "name": "デモ"})


@pytest.mark.parametrize("role", sorted(LINKS))
def test_each_demo_role_gets_one_thing_to_try(role: str) -> None:
    html = render(role, demo=True)
    assert f'data-demo-guide="{role}"' in html
    assert "まずはこちら" in html and "閉じる" in html
    assert f'href="{LINKS[role]}"' in html
    assert '<script src="/static/demo_guide.js" defer></script>' in html, "dismissal by a static file (CSP)"
    assert "Try this" in render(role, demo=True, locale="en")


@pytest.mark.parametrize("role", sorted(LINKS))
def test_no_guide_outside_demo_mode(role: str) -> None:
    assert render(role, demo=False).strip() == ""
