"""When to try a failed delivery again: Retry-After when the API gave one, else exponential
backoff with full jitter (a uniform draw between 0 and base·2^(n−1), capped)."""

from __future__ import annotations

import random


def next_delay_s(attempt: int, base_s: float, cap_s: float, retry_after_s: float | None = None) -> float:
    if retry_after_s is not None:
        return min(max(retry_after_s, 0.0), cap_s * 10)
    ceiling = min(cap_s, base_s * (2 ** max(attempt - 1, 0)))
    return random.uniform(0, ceiling)
