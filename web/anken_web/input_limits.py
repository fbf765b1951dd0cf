"""The APIs' input limits, read from the APIs themselves (projects-api `GET /v1/calls/limits`,
reporting-api `GET /v1/weekly-reports/limits`, both generated from the request models'
constraints) and kept for a few minutes per process. The web never copies a limit: a changed
constraint in an API changes the counters, `maxlength`s and messages here within `TTL_S`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from anken_web.api_client import ApiError, ApiUnavailable

if TYPE_CHECKING:
    from anken_web.rendering import View

# (api, path) of each limits document.
CALLS = ("projects", "/v1/calls/limits")
WEEKLY_REPORT_DRAFT = ("reporting", "/v1/weekly-reports/limits")
TTL_S = 300.0


@dataclass(frozen=True)
class InputLimits:
    """Dotted API field paths (`*`: any item) → their limits, as the API lists them."""

    fields: Mapping[str, Mapping[str, int | float]] = field(default_factory=dict)

    def _int(self, path: str, name: str) -> int | None:
        value = self.fields.get(path, {}).get(name)
        return int(value) if isinstance(value, int | float) else None

    def max_length(self, path: str) -> int | None:
        return self._int(path, "max_length")

    def max_items(self, path: str) -> int | None:
        return self._int(path, "max_items")


async def input_limits(view: View, source: tuple[str, str]) -> InputLimits:
    """The limits of `source` (CALLS, WEEKLY_REPORT_DRAFT), cached on the app for TTL_S.

    When the API cannot say, the last known limits are used, else none: the page still works and
    the API, which stays the judge, words its refusal.
    """
    state = view.request.app.state
    cache: dict[tuple[str, str], tuple[float, InputLimits]] | None = getattr(state, "input_limits", None)
    if cache is None:
        cache = state.input_limits = {}
    now = time.monotonic()
    cached = cache.get(source)
    if cached is not None and now - cached[0] < TTL_S:
        return cached[1]
    try:
        document = await view.api.get(*source)
    except (ApiError, ApiUnavailable):
        return cached[1] if cached is not None else InputLimits()
    limits = InputLimits(document if isinstance(document, dict) else {})
    cache[source] = (now, limits)
    return limits
