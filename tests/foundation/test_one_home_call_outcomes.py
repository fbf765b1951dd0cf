"""Issue 16, one home for the call-outcome taxonomy: anken_common.call_outcomes.CallOutcome.

Every other form of the list (the live CHECK constraint of projects.calls, projects-api's column
type, the call-facts export's SQL, the event payload contract and reporting's fast decoder, the
calling screen's keys and labels, the demo month) is read here and compared with the enum, so a
copy that differs fails this test. The comparison itself is shown to see a difference on a
scratch table whose CHECK lacks an outcome.
"""

from __future__ import annotations

import asyncio
import re
import typing
import uuid

import asyncpg
from babel.messages.pofile import read_po

from anken_common import call_outcomes
from anken_common.call_outcomes import CONTACT_OUTCOMES, LABELS, CallOutcome
from anken_common.event_payloads import CallPayload

ENUM = [o.value for o in CallOutcome]
_LITERAL = re.compile(r"'([^']*)'")


def check_values(definition: str) -> list[str]:
    """The string literals of a CHECK constraint as pg_get_constraintdef prints it."""
    return _LITERAL.findall(definition)


async def _constraint_definitions(database_url: str, table: str) -> list[str]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(
            "SELECT pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c "
            "WHERE c.conrelid = $1::regclass AND c.contype = 'c' AND pg_get_constraintdef(c.oid) LIKE '%outcome%'",
            table)
    finally:
        await conn.close()
    return [r["definition"] for r in rows]


def test_the_live_check_constraint_of_calls_allows_exactly_the_seven_outcomes(service_env) -> None:
    definitions = asyncio.run(_constraint_definitions(service_env["DATABASE_URL"], "projects.calls"))
    assert len(definitions) == 1, definitions
    assert sorted(check_values(definitions[0])) == sorted(ENUM), definitions[0]


async def _scratch_check(database_url: str, condition: str) -> str:
    conn = await asyncpg.connect(database_url)
    schema = f"scratch_{uuid.uuid4().hex[:8]}"
    try:
        await conn.execute(f"CREATE SCHEMA {schema}")
        await conn.execute(f"CREATE TABLE {schema}.calls (outcome varchar(24) NOT NULL CHECK ({condition}))")
        return (await conn.fetchval(
            "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.conrelid = $1::regclass AND c.contype = 'c'",
            f"{schema}.calls"))
    finally:
        await conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await conn.close()


def test_the_comparison_sees_a_check_that_differs_and_one_that_does_not(service_env) -> None:
    url = service_env["DATABASE_URL"]
    same = asyncio.run(_scratch_check(url, call_outcomes.outcome_check_sql()))
    assert sorted(check_values(same)) == sorted(ENUM)
    six = [o for o in CallOutcome if o is not CallOutcome.absent]
    short = asyncio.run(_scratch_check(url, f"outcome IN ({call_outcomes.sql_list(six)})"))
    assert sorted(check_values(short)) != sorted(ENUM)
    assert "absent" not in check_values(short)


def test_projects_api_uses_the_enum_itself() -> None:
    from anken_projects.calls import models, outcome_rules, schemas

    assert models.CallOutcome is CallOutcome
    assert typing.get_type_hints(schemas.CallIn)["outcome"] is CallOutcome
    # Every outcome moves its target somewhere: back to the list after a pause, or to a final status.
    assert set(outcome_rules.RETRY_AFTER) | set(outcome_rules.FINAL) == set(CallOutcome)
    assert not set(outcome_rules.RETRY_AFTER) & set(outcome_rules.FINAL)


def test_the_call_facts_export_checks_the_same_outcomes() -> None:
    from anken_projects.events import repository

    assert check_values(repository._OUTCOMES) == ENUM
    assert f"x.outcome IN ({repository._OUTCOMES})" in repository._FAST


def test_the_event_contract_and_reporting_decoder_take_the_enum() -> None:
    from anken_reporting.readmodels import call_facts

    assert CallPayload.model_fields["outcome"].annotation is CallOutcome
    assert typing.get_type_hints(call_facts._CallFields)["outcome"] is CallOutcome
    assert CONTACT_OUTCOMES <= set(CallOutcome)
    assert call_facts._CALL_DECODER.decode(
        b'{"id":"%s","project_id":"%s","client_id":"%s","member_id":"%s","target_id":"%s",'
        b'"occurred_at":"2026-01-05T10:00:00+09:00","outcome":"absent","duration_s":3}'
        % tuple(str(uuid.uuid4()).encode() for _ in range(5))).outcome is CallOutcome.absent


def test_the_calling_screen_has_one_key_and_one_translated_label_per_outcome() -> None:
    from anken_web.i18n.catalogs import CATALOG_DIR, DOMAIN
    from anken_web.i18n.extraction import extract_msgids
    from anken_web.pages import calling

    assert [o for _, o, _ in calling.OUTCOMES] == ENUM
    assert [k for k, _, _ in calling.OUTCOMES] == [str(n) for n in range(1, 8)]
    assert [label for _, _, label in calling.OUTCOMES] == [LABELS[o] for o in CallOutcome]
    assert calling.OUTCOME_NAMES == set(ENUM)
    assert set(LABELS) == set(CallOutcome)
    # The labels stay in the catalogs (the extractor lists them) and each has its Japanese text.
    assert set(LABELS.values()) <= set(extract_msgids())
    with (CATALOG_DIR / "ja" / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
        ja = read_po(handle, locale="ja")
    japanese = {label: ja.get(label).string if ja.get(label) else "" for label in LABELS.values()}
    assert all(text and text != label for label, text in japanese.items()), japanese


def test_the_demo_month_draws_every_outcome_from_the_enum() -> None:
    from anken_projects.demo import month

    drawn = [o for o, _ in month.OUTCOMES]
    assert all(isinstance(o, CallOutcome) for o in drawn)
    # Appointments are made from contacts afterwards; every other outcome is drawn.
    assert set(drawn) | {CallOutcome.appointment} == set(CallOutcome)
    assert month.RECALLABLE <= set(CallOutcome) and month.CONTACTS < CONTACT_OUTCOMES
    assert set(month.UNLUCKY) == set(month.RECALLABLE)
