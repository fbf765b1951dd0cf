"""One banner mechanism: a refusal goes to View.redirect(error=…) (a red banner), never into the green
flash of a success; the API's English detail is shown only on English pages."""

from __future__ import annotations

import re
from pathlib import Path

from anken_web import pages
from anken_web.api_client import ApiError
from anken_web.error_messages import api_detail

PAGES = Path(pages.__file__).parent
# A flash built from an API refusal: describe(exc, …), the exception's own detail, or an error text.
REFUSAL_IN_FLASH = re.compile(r"flash\s*=\s*[^,)]*(describe\(|exc\b|error)")


def test_no_page_puts_a_refusal_in_the_green_flash() -> None:
    offenders = [f"{path.name}:{number}: {line.strip()}"
                 for path in sorted(PAGES.glob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if REFUSAL_IN_FLASH.search(line)]
    assert offenders == [], "use view.redirect(url, error=describe(exc, view._)):\n" + "\n".join(offenders)


def test_the_apis_english_detail_is_only_for_english_pages() -> None:
    refused = ApiError(409, detail="a active project cannot become kickoff")
    assert api_detail(refused, "ja") is None
    assert api_detail(refused, "en") == "a active project cannot become kickoff"
