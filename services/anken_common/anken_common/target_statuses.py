"""Japanese names of a target's status (ターゲットのステータス) for readers outside the web app.

projects-api's `TargetStatus` enum is the one list of statuses; the web pages label them through
the catalog (vocabulary.py → messages.po). The integrations worker writes the approach-list
spreadsheet read by directors and clients and has no catalog, so the Japanese texts it writes live
here, keyed by the status values (tests/worker compares the keys with the enum and the texts with
the web's ja catalog). The worker reads a status typed back into the sheet through `status_from_text`.
"""

from __future__ import annotations

STATUS_LABELS_JA: dict[str, str] = {
    "new": "未架電",
    "called": "架電済み",
    "callback": "再架電",
    "appointment": "アポ獲得",
    "excluded": "除外",
    "dnc": "架電禁止",
}

_STATUS_BY_TEXT: dict[str, str] = {label: status for status, label in STATUS_LABELS_JA.items()}


def status_label_ja(status: str) -> str:
    """The Japanese name of a status value (an unknown value is shown as it is)."""
    return STATUS_LABELS_JA.get(status, status)


def status_from_text(text: str) -> str:
    """The status value a person wrote: its Japanese name or the value itself (sheets written before
    the names were Japanese hold values); other text is answered as it is, trimmed."""
    cleaned = text.strip()
    return _STATUS_BY_TEXT.get(cleaned, cleaned)
