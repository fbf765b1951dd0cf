"""Translation catalogs (gettext .po/.mo under i18n/<locale>/LC_MESSAGES/messages.*), Japanese first."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

CATALOG_DIR = Path(__file__).parent
DOMAIN = "messages"
SUPPORTED_LOCALES = ("ja", "en")
DEFAULT_LOCALE = "ja"


def normalise_locale(value: str | None) -> str:
    """The supported locale closest to `value` (`en-US` → `en`); Japanese when unknown."""
    if not value:
        return DEFAULT_LOCALE
    short = value.replace("_", "-").split("-")[0].lower()
    return short if short in SUPPORTED_LOCALES else DEFAULT_LOCALE


@lru_cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalog of `locale` (msgids are English, so English falls back to them)."""
    return Translations.load(str(CATALOG_DIR), [normalise_locale(locale)], domain=DOMAIN)


def compile_catalogs() -> list[Path]:
    """Compile every messages.po into messages.mo next to it; returns the written paths."""
    written = []
    for po_path in sorted(CATALOG_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parts[-3])
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written
