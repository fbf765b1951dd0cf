"""Call events as rows for a bulk rebuild, decoded by msgspec rather than pydantic.

A rebuild reads millions of `call.*` events; json.loads plus CallPayload per event costs more
than everything else together. msgspec decodes an envelope and its payload straight into typed
structs (strictly: canonical types, a known outcome, a non-negative int duration) several
times faster. Whatever it does not take — other shapes pydantic may still coerce, edits that
carry a `previous` snapshot — goes through EventEnvelope/CallPayload, which decide as on the
live path (a payload CallPayload rejects is logged and skipped, the event still counts as
processed).
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from pydantic import ValidationError

from anken_common.event_payloads import CallOutcome, CallPayload
from anken_common.logging import get_logger
from anken_reporting.readmodels.call_effects import FACTS, call_facts

log = get_logger("anken.reporting.rebuild")

CALL_KINDS = {"call.logged": 0, "call.updated": 1, "call.deleted": 2}
KIND_NAMES = {v: k for k, v in CALL_KINDS.items()}

# Columns of the staging table, in the order of the tuples `call_fact` returns (FactRow).
FACT_COLUMNS = ("pos", "seq", "event_id", "kind", "call_id", *FACTS)
FactRow = tuple[int, int, uuid.UUID, int, uuid.UUID, uuid.UUID, uuid.UUID, date, str, str, str, str, int, bool]
FACT_DDL = (
    "pos bigint NOT NULL, seq bigint NOT NULL, event_id uuid NOT NULL, kind smallint NOT NULL, call_id uuid NOT NULL, "
    "project_id uuid NOT NULL, member_id uuid NOT NULL, day date NOT NULL, variant text NOT NULL, "
    "script_version_id text NOT NULL, industry text NOT NULL, outcome text NOT NULL, duration_s int NOT NULL, "
    "first_call boolean NOT NULL"
)


class EnvelopeHead(msgspec.Struct, kw_only=True):
    """The envelope fields a rebuild needs; the payload is left undecoded until its type is known."""

    id: uuid.UUID
    type: str
    sequence: int = 0
    source: str = "projects-api"
    aggregate_type: str
    aggregate_id: str
    payload: msgspec.Raw = msgspec.Raw(b"{}")


class _CallFields(msgspec.Struct, kw_only=True):
    """CallPayload's fields in their canonical JSON types (unknown fields are ignored, as there)."""

    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    member_id: uuid.UUID
    target_id: uuid.UUID
    occurred_at: datetime
    outcome: CallOutcome
    duration_s: Annotated[int, msgspec.Meta(ge=0)]
    target_industry: str | None = None
    first_call_of_target: bool = False
    script_version_id: uuid.UUID | None = None
    variant: str | None = None
    previous: Any = None


HEAD_DECODER = msgspec.json.Decoder(EnvelopeHead)
_CALL_DECODER = msgspec.json.Decoder(_CallFields)


def call_fact(pos: int, seq: int, event_id: uuid.UUID, event_type: str,
              payload: bytes | msgspec.Raw | dict[str, Any], zones: dict[uuid.UUID, str]) -> FactRow | None:
    """The staging row of one call event, or None when its payload breaks the contract.

    `zones` maps project id → time zone as the read models had it at this point of the stream,
    which is the zone the incremental path would have used for the call's local day.
    """
    p: _CallFields | CallPayload | None = None
    data: object = payload  # what CallPayload validates when msgspec does not take the payload
    if not isinstance(payload, dict):
        try:
            p = _CALL_DECODER.decode(payload)
        except msgspec.DecodeError:
            p = None
        if p is not None and p.previous is not None:
            p = None  # edits are few: CallPayload checks the nested snapshot too
        if p is None:
            try:
                data = json.loads(bytes(payload))
            except ValueError:
                data = None
    if p is None:
        try:
            p = CallPayload.model_validate(data)
        except ValidationError as exc:
            log.error("event_payload_invalid", event_id=str(event_id), type=event_type, error=str(exc)[:500])
            return None
    return (pos, seq, event_id, CALL_KINDS[event_type], p.id, *call_facts(p, zones.get(p.project_id)))
