"""Text PostgreSQL can store: no NUL characters, no lone UTF-16 surrogates (JSON allows both)."""

from __future__ import annotations

import json
from typing import Any


def storable(value: Any, max_chars: int | None = None) -> Any:
    """Raise ValueError (a 422 in a pydantic validator) when `value` cannot be stored as text or JSONB."""
    if value is None:
        return value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if "\x00" in text or "\\u0000" in text:
        raise ValueError("must not contain NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    if max_chars is not None and len(text) > max_chars:
        raise ValueError(f"must be at most {max_chars} characters")
    return value
