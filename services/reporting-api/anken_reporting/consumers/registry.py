"""Projections: functions that fold one event into the read models, registered per event type.

Domains register with `@projection(EventType.x, ...)` in a module `<domain>/projections.py`
(found by convention, like routers), and name the tables they own with
`rebuildable_tables(...)` so a rebuild truncates them before replaying the export.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.events import EventEnvelope


@dataclass(frozen=True)
class ApplyContext:
    """How an event is being applied: `live` from the stream (side effects such as alerts allowed)
    or replayed by a rebuild (read models only)."""

    live: bool = True
    settings: object | None = None


# The payload argument is the model `parse_payload` gives for the event type a handler is registered
# for; each handler names its own payload class, so the registry (one list for every event type)
# cannot name a single one.
Projection = Callable[[AsyncSession, EventEnvelope, Any, ApplyContext], Awaitable[None]]
ProjectionT = TypeVar("ProjectionT", bound=Projection)

PROJECTIONS: dict[str, list[Projection]] = {}
REBUILDABLE_TABLES: list[str] = ["processed_events", "aggregate_positions"]
_discovered = False


def projection(*event_types: str) -> Callable[[ProjectionT], ProjectionT]:
    def register(func: ProjectionT) -> ProjectionT:
        for event_type in event_types:
            handlers = PROJECTIONS.setdefault(str(event_type), [])
            if func not in handlers:
                handlers.append(func)
        return func

    return register


def rebuildable_tables(*tables: str) -> None:
    """Tables (in the reporting schema) a rebuild empties; everything else is kept."""
    for table in tables:
        if table not in REBUILDABLE_TABLES:
            REBUILDABLE_TABLES.append(table)


def discover_projections() -> None:
    """Import every `anken_reporting.<domain>.projections` module once, so they register."""
    global _discovered
    if _discovered:
        return
    import anken_reporting

    for module in pkgutil.iter_modules(anken_reporting.__path__):
        if not module.ispkg:
            continue
        try:
            importlib.import_module(f"anken_reporting.{module.name}.projections")
        except ModuleNotFoundError as exc:
            if exc.name != f"anken_reporting.{module.name}.projections":
                raise
    _discovered = True
