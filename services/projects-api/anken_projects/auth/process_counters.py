"""Fixed-window failure counters held in this process: the login throttle's stand-in while Redis
cannot be reached, so an outage never turns into unlimited password guessing."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class WindowCounters:
    """Counts per key within a window that starts at the key's first count (as the Redis counters do).

    Bounded: past `max_keys`, expired keys are dropped first, then the oldest, so a flood of
    distinct emails costs a fixed amount of memory.
    """

    def __init__(self, window_s: float, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s = window_s
        self.max_keys = max_keys
        self._clock = clock
        # key -> (count, expires_at); insertion order is expiry order, every window being equal.
        self._counts: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def _live(self, key: str, now: float) -> tuple[int, float] | None:
        entry = self._counts.get(key)
        if entry is not None and entry[1] <= now:
            del self._counts[key]
            return None
        return entry

    def get(self, key: str) -> tuple[int, float]:
        """(count, seconds until the window ends); (0, 0) for a key with no live window."""
        now = self._clock()
        entry = self._live(key, now)
        return (entry[0], entry[1] - now) if entry else (0, 0.0)

    def incr(self, key: str) -> int:
        now = self._clock()
        entry = self._live(key, now)
        if entry is None:
            self._make_room(now)
            self._counts[key] = (1, now + self.window_s)
            return 1
        self._counts[key] = (entry[0] + 1, entry[1])
        return entry[0] + 1

    def decr(self, key: str) -> None:
        """One count fewer (never below zero); the window stays."""
        entry = self._live(key, self._clock())
        if entry is not None and entry[0] > 0:
            self._counts[key] = (entry[0] - 1, entry[1])

    def clear(self, key: str) -> None:
        self._counts.pop(key, None)

    def _make_room(self, now: float) -> None:
        while self._counts:
            oldest_key, (_, expires_at) = next(iter(self._counts.items()))
            if expires_at > now and len(self._counts) < self.max_keys:
                return
            del self._counts[oldest_key]
