"""Run a service's Alembic migrations programmatically (no alembic.ini needed).

Each service keeps its migrations in a `<package>.migrations` package whose env.py calls
anken_common.migrations_env.run_migrations; this module points Alembic at that package.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from alembic import command
from alembic.config import Config


def migrations_dir(package: str) -> Path:
    """The folder of a migrations package, e.g. "anken_projects.migrations"."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(f"{package} is not a migrations package")
    return Path(next(iter(spec.submodule_search_locations)))


def alembic_config(package: str, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir(package)))
    config.set_main_option("sqlalchemy.url", database_url)
    return config


def upgrade(package: str, database_url: str, revision: str = "heads") -> None:
    """Apply the migrations of `package` up to `revision` (all heads by default)."""
    command.upgrade(alembic_config(package, database_url), revision)
