"""The body of every service's Alembic env.py: async engine, own schema, one migrator at a time."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import Connection, pool, text
from sqlalchemy.ext.asyncio import create_async_engine


def _async_url(url: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    return url


def run_migrations(schema: str, lock_id: int) -> None:
    """Create `schema` if needed and apply migrations with the version table inside it.

    The advisory lock serialises replicas that start (and migrate) at the same moment.
    """
    config = context.config

    def _run(connection: Connection) -> None:
        context.configure(
            connection=connection, target_metadata=None, version_table_schema=schema, include_schemas=True
        )
        with context.begin_transaction():
            context.run_migrations()

    async def _main() -> None:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("alembic config has no sqlalchemy.url")
        engine = create_async_engine(_async_url(url), poolclass=pool.NullPool)
        async with engine.connect() as conn:
            await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            await conn.commit()
            await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_id})
            await conn.run_sync(_run)
            await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_id})
            await conn.commit()
        await engine.dispose()

    asyncio.run(_main())
