"""Alembic environment for this service's schema (see anken_common.migrations_env)."""

from anken_common.migrations_env import run_migrations
from anken_worker.settings import SCHEMA

run_migrations(SCHEMA, lock_id=7003)
