"""What a submitted form field means as a number, decided once for every page.

Browsers send whatever was typed. A whole number (ASCII or full-width digits, as a Japanese IME
types them) becomes an int; anything else is passed on as typed so that the API's 422 names the
field and the form can show what to change. `str.isdigit` is not the test: it accepts "²", which
`int()` refuses.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.requests import Request


def whole_number(value: str) -> int | str:
    """The int a field holds, or the text unchanged when it is not a whole number."""
    text = value.strip()
    return int(text) if text.isdecimal() else value


def version_header(version: str) -> dict[str, str] | None:
    """`If-Match` for the resource version a form carried, or None when it carried none (or junk)."""
    return {"If-Match": f'W/"{int(version)}"'} if version.strip().isdecimal() else None


async def form_of(request: Request) -> dict[str, str]:
    """A submitted form as text fields (an upload's file name stands in for the file)."""
    return {k: str(v) for k, v in (await request.form()).items()}


def local_to_iso(value: str, tz: str) -> str | None:
    """An <input type=datetime-local> value, read in the project's time zone, as ISO 8601 with offset."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(tz)).isoformat()
    except ValueError:
        return None
