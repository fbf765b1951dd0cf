"""Queries over do-not-call entries."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.sql_fragments import condition_sql
from anken_projects.dnc.models import DoNotCallEntry
from anken_projects.kit.models import table_of
from anken_projects.targets.models import Target, TargetStatus

D = DoNotCallEntry


# A target table: the ORM class (for ORM statements) or a Core table or alias, e.g. TARGETS_T.
TargetTable = type[Target] | sa.FromClause
# projects.targets as `t`, the name the hand-written hot-path statements give it.
TARGETS_T = table_of(Target).alias("t")


def _cols(target: TargetTable) -> Any:
    return target.c if isinstance(target, sa.FromClause) else target


def _entry_matches(target: TargetTable) -> tuple[sa.Exists, sa.Exists]:
    """EXISTS a DNC entry of the target's client with its corporate number; … with its phone. The
    IS NOT NULL tests let PostgreSQL use the partial indexes of dnc_entries."""
    t = _cols(target)
    by_number = sa.exists().where(
        col(D.client_id) == t.client_id, col(D.corporate_number).is_not(None), col(D.corporate_number) == t.corporate_number)
    by_phone = sa.exists().where(col(D.client_id) == t.client_id, col(D.phone).is_not(None), col(D.phone) == t.phone)
    return by_number, by_phone


def target_is_dnc_clause(target: TargetTable = Target) -> sa.ColumnElement[bool]:
    """The one do-not-call rule: a DNC entry of the target's client has its corporate number or phone."""
    by_number, by_phone = _entry_matches(target)
    return sa.or_(by_number, by_phone)


def target_not_dnc_clause(target: TargetTable = Target) -> sa.ColumnElement[bool]:
    """target_is_dnc_clause negated, as two NOT EXISTS (anti-joins for the planner)."""
    by_number, by_phone = _entry_matches(target)
    return sa.and_(sa.not_(by_number), sa.not_(by_phone))


def target_flagged_dnc_clause(target: TargetTable = Target) -> sa.ColumnElement[bool]:
    """A target that must not be called: marked do-not-call, or matched by an entry now."""
    return sa.or_(_cols(target).status == TargetStatus.dnc.value, target_is_dnc_clause(target))


# The rules above as SQL text over `projects.targets t`, generated from them (the hot call-logging
# paths lock the target and read the flag in the same statement; next-target skips DNC targets).
TARGET_IS_DNC_SQL = condition_sql(target_flagged_dnc_clause(TARGETS_T), TARGETS_T)
TARGET_NOT_DNC_SQL = condition_sql(target_not_dnc_clause(TARGETS_T), TARGETS_T)


def text_array(values: Sequence[str]) -> sa.BindParameter[Sequence[str]]:
    return sa.bindparam(None, values, type_=ARRAY(sa.String()))


async def dnc_keys(
    session: AsyncSession, client_id: uuid.UUID, numbers: Iterable[str], phones: Iterable[str]
) -> tuple[set[str], set[str]]:
    """The corporate numbers and phones among those given that the client marked do-not-call."""
    numbers, phones = list(set(numbers)), list(set(phones))
    if not numbers and not phones:
        return set(), set()
    rows = (await session.execute(
        sa.select(col(D.corporate_number), col(D.phone)).where(
            col(D.client_id) == client_id,
            sa.or_(col(D.corporate_number) == sa.any_(text_array(numbers)), col(D.phone) == sa.any_(text_array(phones))),
        )
    )).all()
    return {r.corporate_number for r in rows if r.corporate_number}, {r.phone for r in rows if r.phone}
