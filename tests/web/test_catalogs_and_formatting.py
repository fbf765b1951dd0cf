"""Translations are complete and compiled; numbers, yen, rates and dates follow the locale."""

from __future__ import annotations

import re
from collections import Counter

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from anken_web.formatting import Formatter
from anken_web.i18n.catalogs import CATALOG_DIR, normalise_locale, translations
from anken_web.i18n.extraction import extract_msgids


def test_every_message_in_templates_and_code_has_a_japanese_translation() -> None:
    with (CATALOG_DIR / "ja/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="ja")
    missing = [msgid for msgid in extract_msgids() if not (catalog.get(msgid) and catalog.get(msgid).string)]
    assert missing == []


def test_compiled_catalogs_match_their_po_files() -> None:
    for locale in ("ja", "en"):
        with (CATALOG_DIR / f"{locale}/LC_MESSAGES/messages.po").open("rb") as handle:
            po = {m.id: m.string for m in read_po(handle, locale=locale) if m.id}
        with (CATALOG_DIR / f"{locale}/LC_MESSAGES/messages.mo").open("rb") as handle:
            mo = {m.id: m.string for m in read_mo(handle) if m.id}
        assert mo == po, f"run `anken-web compile-catalogs` ({locale})"


def test_translations_follow_the_locale_and_placeholders_survive() -> None:
    assert translations("ja").gettext("Log in") == "ログイン"
    assert translations("en").gettext("Log in") == "Log in"
    assert translations("ja").gettext("Logged: %(outcome)s") % {"outcome": "不通"} == "記録しました: 不通"
    assert normalise_locale("en-US") == "en"
    assert normalise_locale("fr") == "ja"
    assert normalise_locale(None) == "ja"


def test_numbers_yen_rates_and_dates_are_formatted_for_the_locale() -> None:
    ja, en = Formatter("ja"), Formatter("en")
    assert ja.yen(3_600_000) == "￥3,600,000"
    assert en.yen(3_600_000) == "¥3,600,000"
    assert ja.pct(0.1234) == "12.3%"
    assert ja.num(1234.5, 1) == "1,234.5"
    assert ja.date("2026-11-23") == "2026/11/23"
    assert en.date("2026-11-23") == "Nov 23, 2026"
    # UTC 01:00 is 10:00 in Tokyo, the project's time zone.
    assert ja.dt("2026-11-23T01:00:00Z") == "2026/11/23 10:00"


def test_missing_figures_show_a_dash_not_zero() -> None:
    ja = Formatter("ja")
    assert ja.pct(None) == "—"
    assert ja.num(None) == "—"
    assert ja.yen(None) == "—"
    assert ja.date(None) == "—"
    assert ja.num(0) == "0"


def test_week_on_week_changes_are_signed_with_rates_in_points() -> None:
    ja = Formatter("ja")
    assert ja.change(3, "count") == "+3"
    assert ja.change(-1200, "count") == "-1,200"
    assert ja.change(0, "count") == "+0"
    assert ja.change(0.052, "rate") == "+5.2pt"
    assert ja.change(-0.1, "rate") == "-10.0pt"
    assert ja.change(1.5, "hours") == "+1.5h"
    assert ja.change(-0.126, "per_hour") == "-0.13"
    assert ja.change(None, "rate") == "—"


def test_no_catalog_entry_is_empty_in_japanese_or_written_twice() -> None:
    """Entries are appended by several people at once: none may stay untranslated or be added twice
    (a second entry silently replaces the first when compiled)."""
    text = (CATALOG_DIR / "ja/LC_MESSAGES/messages.po").read_text(encoding="utf-8")
    counts = Counter(re.findall(r'^msgid "(.+)"$', text, flags=re.MULTILINE))
    assert sorted(m for m, n in counts.items() if n > 1) == []
    with (CATALOG_DIR / "ja/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle, locale="ja")
    assert [m.id for m in catalog if m.id and not m.string] == []
