"""Opaque cursors for alert lists: the (raised_at, id) of the last item, base64-encoded."""

from __future__ import annotations

import base64
import binascii
import uuid
from datetime import datetime

from anken_common.problems import UnprocessableEntity


def encode(raised_at: datetime, alert_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{raised_at.isoformat()}|{alert_id}".encode()).decode()


def decode(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        at, _, alert_id = raw.partition("|")
        return datetime.fromisoformat(at), uuid.UUID(alert_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise UnprocessableEntity("cursor", "not a cursor this list returned") from None
