"""In-memory rate limiters shaped like the vendors' own: a token bucket (Slack per-channel pacing)
and a sliding one-minute window (Slack method tiers, Sheets per-minute quotas)."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    rate_per_s: float
    capacity: int
    tokens: float = -1.0
    updated: float = field(default_factory=time.monotonic)

    def take(self, now: float | None = None) -> float:
        """Take one token; 0 when allowed, else the seconds until one is available."""
        now = time.monotonic() if now is None else now
        if self.tokens < 0:
            self.tokens = float(self.capacity)
        self.tokens = min(float(self.capacity), self.tokens + (now - self.updated) * self.rate_per_s)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate_per_s


@dataclass
class SlidingWindow:
    limit: int
    window_s: float = 60.0
    hits: deque[float] = field(default_factory=deque)

    def take(self, now: float | None = None) -> float:
        """Count one hit; 0 when within the limit, else the seconds until the oldest hit leaves the window."""
        now = time.monotonic() if now is None else now
        while self.hits and self.hits[0] <= now - self.window_s:
            self.hits.popleft()
        if len(self.hits) >= self.limit:
            return self.hits[0] + self.window_s - now
        self.hits.append(now)
        return 0.0


def retry_after_header(wait_s: float) -> str:
    """Retry-After is whole seconds; never 0, or clients would hammer straight back."""
    return str(max(1, math.ceil(wait_s)))
