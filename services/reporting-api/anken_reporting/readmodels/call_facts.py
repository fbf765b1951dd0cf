"""Call events as rows for a bulk rebuild: parsed without pydantic when in canonical form.

A rebuild reads millions of `call.*` events; validating each through CallPayload costs more
than everything else together. Payloads in the exact shape projects-api writes (canonical
UUID strings, ISO instants, a known outcome, a non-negative int duration) are read directly;
anything else goes through CallPayload, which decides as on the live path (a payload it
rejects is logged and skipped, the event still counts as processed).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, get_args

from pydantic import ValidationError

from anken_common.event_payloads import CallOutcome, CallPayload
from anken_common.logging import get_logger
from anken_reporting.readmodels.timezones import local_day

log = get_logger("anken.reporting.rebuild")

CALL_KINDS = {"call.logged": 0, "call.updated": 1, "call.deleted": 2}
KIND_NAMES = {v: k for k, v in CALL_KINDS.items()}
OUTCOMES = frozenset(get_args(CallOutcome))
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").fullmatch

# Columns of the staging table, in the order of the tuples `call_fact` returns.
FACT_COLUMNS = ("pos", "seq", "event_id", "kind", "call_id", "project_id", "member_id", "day", "variant",
                "script_version_id", "industry", "outcome", "duration_s", "first_call")
FACT_DDL = (
    "pos bigint NOT NULL, seq bigint NOT NULL, event_id uuid NOT NULL, kind smallint NOT NULL, call_id uuid NOT NULL, "
    "project_id uuid NOT NULL, member_id uuid NOT NULL, day date NOT NULL, variant text NOT NULL, "
    "script_version_id text NOT NULL, industry text NOT NULL, outcome text NOT NULL, duration_s int NOT NULL, "
    "first_call boolean NOT NULL"
)


def _fast(p: dict[str, Any]) -> tuple[str, str, str, datetime, str, str, str, str, int, bool] | None:
    """(call id, project, member, occurred_at, variant, version, industry, outcome, duration, first call)
    when `p` is in canonical form, else None."""
    try:
        if p.get("previous") is not None:
            return None  # edits and deletes are few: CallPayload checks the nested snapshot
        call_id, project_id, member_id = p["id"], p["project_id"], p["member_id"]
        if not (_UUID(call_id) and _UUID(project_id) and _UUID(member_id) and _UUID(p["client_id"])
                and _UUID(p["target_id"])):
            return None
        outcome, duration, first = p["outcome"], p["duration_s"], p.get("first_call_of_target", False)
        if outcome not in OUTCOMES or type(duration) is not int or duration < 0 or type(first) is not bool:
            return None
        at = p["occurred_at"]
        if type(at) is not str or len(at) < 19 or at[10] != "T":
            return None
        occurred = datetime.fromisoformat(at)
        variant, version, industry = p.get("variant"), p.get("script_version_id"), p.get("target_industry")
        if (variant is not None and type(variant) is not str) or (industry is not None and type(industry) is not str):
            return None
        if version is not None and not _UUID(version):
            return None
    except (KeyError, TypeError, ValueError):
        return None
    return (call_id, project_id, member_id, occurred, (variant or "")[:64], version or "", (industry or "")[:100],
            outcome, duration, first)


def call_fact(pos: int, seq: int, event_id: str, event_type: str, payload: Any,
              zones: dict[str, str]) -> tuple | None:
    """The staging row of one call event, or None when its payload breaks the contract.

    `zones` maps project id → time zone as the read models had it at this point of the stream,
    which is the zone the incremental path would have used for the call's local day.
    """
    fields = _fast(payload) if type(payload) is dict else None
    if fields is None:
        try:
            p = CallPayload.model_validate(payload)
        except ValidationError as exc:
            log.error("event_payload_invalid", event_id=str(event_id), type=event_type, error=str(exc)[:500])
            return None
        fields = (str(p.id), str(p.project_id), str(p.member_id), p.occurred_at, (p.variant or "")[:64],
                  str(p.script_version_id) if p.script_version_id else "", (p.target_industry or "")[:100],
                  p.outcome, p.duration_s, p.first_call_of_target)
    call_id, project_id, member_id, occurred, variant, version, industry, outcome, duration, first = fields
    day: date = local_day(occurred, zones.get(project_id))
    return (pos, seq, event_id, CALL_KINDS[event_type], call_id, project_id, member_id, day, variant, version,
            industry, outcome, duration, first)
