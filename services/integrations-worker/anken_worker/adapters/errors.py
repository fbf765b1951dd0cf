"""How an external call failed, which decides what the delivery log does next.

- TransientError: worth retrying (429 with its Retry-After, 5xx, timeouts, dropped connections).
- PermanentError: the request itself is wrong (4xx other than 429); dead-letter at once.
- IntegrationBroken: the integration cannot work until a person fixes it (revoked token,
  archived channel, deleted parent page, lost permission); dead-letter, mark unhealthy, tell the director once.
- SkipDelivery: nothing to do (e.g. no channel for this project); recorded as skipped.
"""

from __future__ import annotations

from typing import Any


class DeliveryError(Exception):
    def __init__(self, reason: str, *, status: int | None = None, excerpt: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.excerpt = excerpt


class TransientError(DeliveryError):
    def __init__(self, reason: str, *, retry_after_s: float | None = None, **kw: Any) -> None:
        super().__init__(reason, **kw)
        self.retry_after_s = retry_after_s


class PermanentError(DeliveryError):
    pass


class IntegrationBroken(PermanentError):
    pass


class SkipDelivery(DeliveryError):
    pass


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds form; HTTP-dates are rare from these APIs)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        from email.utils import parsedate_to_datetime

        from anken_worker.kit.time import utc_now

        try:
            return max(0.0, (parsedate_to_datetime(value) - utc_now()).total_seconds())
        except (TypeError, ValueError):
            return None


def excerpt(text: str, limit: int = 500) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
