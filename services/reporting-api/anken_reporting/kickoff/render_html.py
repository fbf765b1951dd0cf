"""The kickoff agenda as HTML (Jinja2, autoescaped), ready for a Confluence page body."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from anken_reporting.kickoff.agenda import CLOSING, OPENING, KickoffAgenda


@lru_cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("anken_reporting.kickoff", "templates"),
        autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True,
    )


def render_html(agenda: KickoffAgenda) -> str:
    steps = [*OPENING, "未決事項の確認・合意", "合意済み事項の最終確認", *CLOSING]
    return _environment().get_template("kickoff_agenda.html.j2").render(agenda=agenda, steps=steps)
