"""Find every translatable message in templates (`_("…")`) and Python (`_("…")`, `N_("…")`),
so catalogs can be updated and tests can prove nothing is left untranslated."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from anken_common.call_outcomes import LABELS as OUTCOME_LABELS
from anken_web.i18n.catalogs import CATALOG_DIR, DOMAIN, SUPPORTED_LOCALES

PACKAGE_DIR = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "gettext": None}
METHOD_MAP = [("**/static/**", "ignore"), ("**/templates/**.html", "jinja2"), ("**.py", "python")]


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where shown."""
    return message


def extract_msgids() -> dict[str, list[str]]:
    """Every msgid → the files that use it."""
    found: dict[str, list[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE_DIR), METHOD_MAP, keywords=KEYWORDS, options_map={"**/templates/**.html": {"trim_blocks": "true"}}
    ):
        if isinstance(message, str) and message:
            found.setdefault(message, []).append(filename)
    # Labels defined outside this package, with the rule they name (anken_common.call_outcomes).
    for label in OUTCOME_LABELS.values():
        found.setdefault(label, []).append("anken_common/call_outcomes.py")
    return found


def update_catalogs() -> dict[str, list[str]]:
    """Add missing msgids to every locale's .po and drop the ones no longer used; answers what was
    added. English msgids are the English text; other locales get an empty translation to fill in."""
    msgids = extract_msgids()
    added: dict[str, list[str]] = {}
    for locale in SUPPORTED_LOCALES:
        po_path = CATALOG_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po_path.exists():
            with po_path.open("rb") as handle:
                catalog = read_po(handle, locale=locale)
        else:
            catalog = Catalog(locale=locale, domain=DOMAIN, project="Anken")
        for msgid in msgids:
            if msgid not in catalog:
                catalog.add(msgid, msgid if locale == "en" else "")
                added.setdefault(locale, []).append(msgid)
        for message in list(catalog):
            if message.id and message.id not in msgids:
                del catalog[message.id]
        po_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("wb") as handle:
            write_po(handle, catalog, width=120, omit_header=False, sort_output=True)
    return added
