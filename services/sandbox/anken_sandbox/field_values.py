"""A dataclass's fields as a dict for the state file, without `dataclasses.asdict`'s deep copy (ten
times slower on a month of demo messages). Safe because nested values (message blocks and metadata,
webhook payloads) are stored as received and never changed in place; mutable containers the
sandbox does change (members, cells, history) are copied by their store's `to_dict`."""

from __future__ import annotations

from dataclasses import fields
from typing import Any


def field_values(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj)}
