"""Reading the outbox in sequence order for the export, without ever skipping a late commit.

Outbox ids come from a sequence when a row is inserted, but transactions commit in any
order: a reader that saw id 11 committed while id 10's transaction was still open would
move its cursor past 10 for good. So every read is capped at a *settled* bound: the last id
handed out before we looked, once every transaction that was writing then has ended.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_common import call_outcomes
from anken_common.call_fact_widths import INDUSTRY_MAX_CHARS, VARIANT_MAX_CHARS, sql_stored
from anken_common.events import OUTBOX_COLUMNS, envelope_json_sql
from anken_common.logging import get_logger

log = get_logger("anken.events.export")

_LAST_ID = text("SELECT pg_sequence_last_value(pg_get_serial_sequence('projects.outbox_events', 'id')::regclass)")
# Write transactions of this database other than ours (only they can hold outbox ids). Client
# sessions only: an autovacuum worker analysing a big table holds an xid for many seconds, and
# waiting for it made the export answer nothing at all (a rebuild then emptied the read models).
_WRITERS = text(
    "SELECT pid, xact_start FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL AND xact_start IS NOT NULL "
    "AND backend_type = 'client backend'"
)
_STILL_OPEN = text(
    "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids) AND xact_start = ANY(:starts) AND backend_xid IS NOT NULL"
)


async def settled_bound(conn: AsyncConnection, after: int, timeout_s: float) -> int:
    """The highest outbox id that can be read without a gap ever appearing below it.

    Returns `after` (nothing new is safe yet) when writers are still open after `timeout_s`.
    """
    last = (await conn.execute(_LAST_ID)).scalar()
    await conn.rollback()
    if last is None or last <= after:
        return after
    # nextval() runs a moment before the inserting transaction gets its xid: let it land.
    await asyncio.sleep(0.005)
    writers = (await conn.execute(_WRITERS)).all()
    await conn.rollback()
    if not writers:
        return int(last)
    pids = [w.pid for w in writers]
    starts = [w.xact_start for w in writers]
    deadline = time.monotonic() + timeout_s
    while True:
        still = (await conn.execute(_STILL_OPEN, {"pids": pids, "starts": starts})).scalar()
        await conn.rollback()
        if not still:
            return int(last)
        if time.monotonic() >= deadline:
            log.warning("events_export_waiting_for_writers", open_transactions=still, after=after)
            return after
        await asyncio.sleep(0.02)


async def read_events(
    conn: AsyncConnection, *, after: int, upto: int, types: Sequence[str] | None, limit: int
) -> list[Any]:
    """Outbox rows with after < id ≤ upto (optionally of the given types), in id order."""
    where = "id > :after AND id <= :upto" + (" AND type = ANY(:types)" if types else "")
    params: dict[str, Any] = {"after": after, "upto": upto, "n": limit}
    if types:
        params["types"] = list(types)
    rows = (await conn.execute(text(
        f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM projects.outbox_events WHERE {where} ORDER BY id LIMIT :n"
    ), params)).all()
    await conn.rollback()
    return list(rows)


# The envelope as JSON, built by PostgreSQL: the stream writes these bytes out as they are, so a
# 10-million-event export is not bound by Python serialising each row. The expression is generated
# from anken_common.events.EventEnvelope (envelope_json_sql).
_ENVELOPE_JSON = envelope_json_sql()


# CSV with a quote and a delimiter that JSON text never holds raw (control characters are always
# escaped in JSON), so COPY writes each envelope's JSON verbatim followed by a newline: NDJSON.
_COPY_OPTIONS = {"format": "csv", "delimiter": "\x02", "quote": "\x01"}
_SEQUENCE_KEY = b',"sequence":'


# Call facts as CSV (`Accept: text/csv`), so a rebuild can pipe 10 M calls straight into its
# staging table with COPY instead of decoding as many JSON envelopes. One row per event, these
# columns in this order (no header). A call event whose payload has the calls service's shape
# (ids as 36-character UUID text, an ISO 8601 instant with an offset, a known outcome, a
# non-negative integer duration, text or null variant and industry, a boolean or absent
# first_call_of_target, no `previous`) gets its facts and no envelope: variant and industry cut
# and '' when absent, as reporting-api stores them (anken_common.call_fact_widths). Every other event — and call
# events of any other shape, which the reader judges as it judges the NDJSON stream — gets only
# sequence, event_id, type and its envelope JSON. The shape check is cheap string tests, not
# parsing (regular expressions cost more than the rest of the export together): a value that
# has the shape yet does not parse (a bad hex digit, 30 February) makes the reader's COPY fail,
# and the reader then falls back to NDJSON — never a different number. No field holds a raw
# line break, so every row is one line.
CALL_FACT_COLUMNS = ("sequence", "event_id", "type", "call_id", "project_id", "client_id", "member_id", "target_id",
                     "occurred_at", "variant", "script_version_id", "industry", "outcome", "duration_s", "first_call",
                     "envelope")
_CALL_TYPES = "('call.logged', 'call.updated', 'call.deleted')"
_FIELDS = ("id", "project_id", "client_id", "member_id", "target_id", "occurred_at", "outcome", "duration_s",
           "variant", "target_industry", "script_version_id", "first_call_of_target", "previous")
# Every field as text in one pass over the JSON (JSON null → NULL), for call events only.
_RECORD = (
    f"LEFT JOIN LATERAL jsonb_to_record(CASE WHEN o.type IN {_CALL_TYPES} AND jsonb_typeof(o.payload) = 'object' "
    f"THEN o.payload END) AS x({', '.join(f + ' text' for f in _FIELDS)}) ON true"
)
_UUID_SHAPE = "'________-____-____-____-____________'"
_OUTCOMES = call_outcomes.sql_list()


def _one_line(field: str) -> str:
    return f"(x.{field} IS NULL OR strpos(x.{field}, E'\\n') + strpos(x.{field}, E'\\r') = 0)"


def _json_type(field: str, *types: str) -> str:
    """The JSON type test (a second look into the payload, so only once the cheap tests passed)."""
    allowed = ", ".join(f"'{t}'" for t in types)
    return f"COALESCE(jsonb_typeof(o.payload->'{field}'), 'absent') IN ({allowed})"


_FAST = (
    "CASE WHEN x.id IS NOT NULL AND x.previous IS NULL AND "
    + " AND ".join(f"x.{f} LIKE {_UUID_SHAPE}" for f in ("id", "project_id", "client_id", "member_id", "target_id"))
    + f" AND (x.script_version_id IS NULL OR x.script_version_id LIKE {_UUID_SHAPE}) "
    f"AND x.outcome IN ({_OUTCOMES}) "
    # No leap second or hour 24 (PostgreSQL would roll them over where Python refuses them).
    "AND x.occurred_at LIKE '____-__-__T__:__:__%' AND substr(x.occurred_at, 12, 2) < '24' "
    "AND substr(x.occurred_at, 18, 2) < '60' "
    "AND substr(x.occurred_at, 20) ~ '^([.][0-9]{1,6})?(Z|[+-][0-9][0-9]:[0-9][0-9])$' "
    "AND strpos(x.duration_s, '.') = 0 AND left(x.duration_s, 1) <> '-' AND length(x.duration_s) <= 9 AND "
    + _one_line("variant") + " AND " + _one_line("target_industry")
    + " THEN " + " AND ".join((_json_type("duration_s", "number"), _json_type("variant", "string", "null", "absent"),
                               _json_type("target_industry", "string", "null", "absent"),
                               _json_type("first_call_of_target", "boolean", "absent")))
    + " ELSE false END"
)
_CALL_FACTS = (
    "q.o_id, q.o_event_id, q.o_type, "
    + ", ".join(f"CASE WHEN q.fast THEN {v} END" for v in (
        "q.id", "q.project_id", "q.client_id", "q.member_id", "q.target_id", "q.occurred_at",
        sql_stored("q.variant", VARIANT_MAX_CHARS), "q.script_version_id",
        sql_stored("q.target_industry", INDUSTRY_MAX_CHARS),
        "q.outcome", "q.duration_s", "COALESCE(q.first_call_of_target, 'false')"))
    + f", CASE WHEN NOT q.fast THEN {envelope_json_sql(qualifier='q.o_')} END"
)


def _call_facts_query(where: str) -> str:
    # OFFSET 0 keeps `fast` computed once per row: inlined, it would be evaluated in each column.
    outbox = ", ".join(f"o.{c} AS o_{c}" for c in OUTBOX_COLUMNS)
    return (f"SELECT {_CALL_FACTS} FROM (SELECT {outbox}, x.*, {_FAST} AS fast FROM (SELECT * FROM "
            f"projects.outbox_events WHERE {where} ORDER BY id LIMIT $3) o {_RECORD} OFFSET 0) q ORDER BY q.o_id")


async def copy_event_lines(
    conn: AsyncConnection, *, after: int, upto: int, types: Sequence[str] | None, limit: int,
    sink: Callable[[bytes], Awaitable[None]], call_facts: bool = False,
) -> tuple[int, int | None]:
    """NDJSON of the envelopes with after < id ≤ upto in id order (or, with `call_facts`, CSV rows
    of CALL_FACT_COLUMNS), written to `sink` by COPY; returns (rows, id of the last one). Raw
    asyncpg: the bytes go out as PostgreSQL sent them."""
    where = "id > $1 AND id <= $2" + (" AND type = ANY($4::text[])" if types else "")
    raw = (await conn.get_raw_connection()).driver_connection
    if raw is None:  # only a connection already closed has none
        raise RuntimeError("the database connection is closed")
    args: list[Any] = [after, upto, limit] + ([list(types)] if types else [])
    tail = bytearray()

    async def write(chunk: bytes) -> None:
        if chunk:
            # Keep the last (maybe partial) line: its sequence is the cursor once the copy ends.
            tail.extend(chunk)
            cut = tail.rfind(b"\n", 0, len(tail) - 1)
            if cut >= 0:
                del tail[:cut + 1]
            await sink(bytes(chunk))

    if call_facts:
        query = _call_facts_query(where)
        options: dict[str, str] = {"format": "csv"}
    else:
        query = f"SELECT {_ENVELOPE_JSON} FROM projects.outbox_events WHERE {where} ORDER BY id LIMIT $3"
        options = _COPY_OPTIONS
    status = await raw.copy_from_query(query, *args, output=write, **options)
    await conn.rollback()
    rows = int(status.split()[-1]) if status else 0
    if not rows:
        return 0, None
    last = bytes(tail).rstrip(b"\n").rsplit(b"\n", 1)[-1]
    if call_facts:
        return rows, int(last.split(b",", 1)[0])  # the row's first field is its sequence
    # The key is matched before the payload: inside a JSON string a quote is always escaped.
    at = last.index(_SEQUENCE_KEY) + len(_SEQUENCE_KEY)
    return rows, int(last[at:last.index(b",", at)])
