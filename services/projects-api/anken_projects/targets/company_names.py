"""Company names reduced to a key for duplicate detection (never shown to people).

株式会社ABC, (株)ＡＢＣ, ㈱ABC and ABC 株式会社 are the same company: NFKC folds
full-width letters and ㈱ to "(株)", legal-form words are dropped, spaces and case ignored.
"""

from __future__ import annotations

import re
import unicodedata

_LEGAL_FORMS = (
    "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "一般財団法人",
    "公益社団法人", "公益財団法人", "特定非営利活動法人", "医療法人", "社会福祉法人", "学校法人",
    "(株)", "(有)", "(同)", "(資)", "(名)", "(社)", "(財)", "(医)",
    "カブシキガイシャ", "カブシキカイシャ", "ユウゲンガイシャ",
)
_SPACES = re.compile(r"[\s\u3000]+")
_TRAILING_ABBREVIATIONS = re.compile(r"(co\.?,?\s*ltd\.?|inc\.?|corp\.?|k\.?k\.?)$")


def normalise_company_name(raw: str | None) -> str | None:
    """The dedupe key of a company name; None when nothing is left."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip().lower()
    for form in _LEGAL_FORMS:
        text = text.replace(form, "")
    text = _SPACES.sub("", text)
    text = _TRAILING_ABBREVIATIONS.sub("", text).strip(" ,.")
    return text or None
