"""Alembic environment for the reporting schema (async, asyncpg)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool, text
from sqlalchemy.ext.asyncio import create_async_engine

from anken_reporting.settings import SCHEMA

config = context.config


def _async_url(url: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    return url


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=None,
        version_table_schema=SCHEMA,
        include_schemas=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _main() -> None:
    engine = create_async_engine(_async_url(config.get_main_option("sqlalchemy.url")), poolclass=pool.NullPool)
    async with engine.connect() as conn:
        await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
        await conn.commit()
        # Serialise concurrent migrators (several replicas starting at once).
        await conn.execute(text("SELECT pg_advisory_lock(7002)"))
        await conn.run_sync(_run)
        await conn.execute(text("SELECT pg_advisory_unlock(7002)"))
        await conn.commit()
    await engine.dispose()


asyncio.run(_main())
