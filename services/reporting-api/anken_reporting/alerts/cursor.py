"""Opaque cursors for alert lists: the (raised_at, id) of the last item (anken_common.cursors)."""

from __future__ import annotations

import uuid
from datetime import datetime

from anken_common import cursors


def encode(raised_at: datetime, alert_id: uuid.UUID) -> str:
    return cursors.encode_cursor((raised_at, alert_id))


def decode(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    if not cursor:
        return None
    return cursors.decode_instant_id_cursor(cursor)
