"""Queries over do-not-call entries."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.ext.asyncio import AsyncSession

from anken_projects.dnc.models import DoNotCallEntry
from anken_projects.targets.models import Target

D = DoNotCallEntry


# target_is_dnc_clause as SQL text, for hand-written statements over `projects.targets t` (the hot
# call-logging paths lock the target and read this flag in the same statement).
TARGET_IS_DNC_SQL = """(t.status = 'dnc'
    OR EXISTS (SELECT 1 FROM projects.dnc_entries d WHERE d.client_id = t.client_id
               AND d.corporate_number IS NOT NULL AND d.corporate_number = t.corporate_number)
    OR EXISTS (SELECT 1 FROM projects.dnc_entries d WHERE d.client_id = t.client_id
               AND d.phone IS NOT NULL AND d.phone = t.phone))"""


def text_array(values: list[str]) -> sa.BindParameter:
    return sa.bindparam(None, values, type_=ARRAY(sa.String()))


def uuid_array(ids: list[uuid.UUID]) -> sa.BindParameter:
    """One array parameter (`= ANY(:ids)`) instead of thousands of IN parameters for big batches."""
    return sa.bindparam(None, ids, type_=ARRAY(PG_UUID(as_uuid=True)))


def target_is_dnc_clause(target: type[Target] | sa.Table = Target) -> sa.ColumnElement[bool]:
    """EXISTS a DNC entry of the target's client with its corporate number or phone."""
    by_number = sa.exists().where(
        D.client_id == target.client_id, D.corporate_number.is_not(None), D.corporate_number == target.corporate_number
    )
    by_phone = sa.exists().where(D.client_id == target.client_id, D.phone.is_not(None), D.phone == target.phone)
    return sa.or_(by_number, by_phone)


async def dnc_keys(
    session: AsyncSession, client_id: uuid.UUID, numbers: Iterable[str], phones: Iterable[str]
) -> tuple[set[str], set[str]]:
    """The corporate numbers and phones among those given that the client marked do-not-call."""
    numbers, phones = list(set(numbers)), list(set(phones))
    if not numbers and not phones:
        return set(), set()
    rows = (await session.execute(
        sa.select(D.corporate_number, D.phone).where(
            D.client_id == client_id,
            sa.or_(D.corporate_number == sa.any_(text_array(numbers)), D.phone == sa.any_(text_array(phones))),
        )
    )).all()
    return {r.corporate_number for r in rows if r.corporate_number}, {r.phone for r in rows if r.phone}
