"""Content-Disposition for downloads: an ASCII fallback plus RFC 5987 `filename*` for Japanese names."""

from __future__ import annotations

import re
from urllib.parse import quote

_UNSAFE = re.compile(r'[\\/:*?"<>|\r\n\t]+')


def attachment(filename: str, ascii_fallback: str) -> str:
    """`attachment; filename="weekly-report-2026-W47.pptx"; filename*=UTF-8''…` (the UTF-8 name
    percent-encoded; characters that are unsafe in file names replaced first)."""
    safe = _UNSAFE.sub("_", filename).strip() or ascii_fallback
    fallback = _UNSAFE.sub("_", ascii_fallback).encode("ascii", "ignore").decode() or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"
