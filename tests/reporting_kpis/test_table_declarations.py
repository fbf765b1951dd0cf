"""reporting-api's Core table declarations (anken_reporting.tables) against the schema its
migrations build on this session's fresh database: tables, columns, types, nullability, primary
keys and unique constraints. A column added to a migration and not to models.py (or the reverse),
a changed width or a changed NULL rule fails here."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import create_async_engine

from anken_reporting.kpis.repository import ProjectRow
from anken_reporting.settings import SCHEMA
from anken_reporting.tables import reporting_tables

Shape = dict[str, Any]

_PG = postgresql.dialect()
# PostgreSQL spells FLOAT without precision as DOUBLE PRECISION.
_SAME_TYPE = {"FLOAT": "DOUBLE PRECISION"}


def type_name(type_: sa.types.TypeEngine[Any]) -> str:
    compiled = type_.compile(dialect=_PG)
    return _SAME_TYPE.get(compiled, compiled)


def declared_shape(table: sa.Table) -> Shape:
    return {
        "columns": {c.name: (type_name(c.type), c.nullable) for c in table.columns},
        "primary_key": sorted(c.name for c in table.primary_key.columns),
        "unique": sorted(
            {
                tuple(sorted(c.name for c in constraint.columns))
                for constraint in table.constraints
                if isinstance(constraint, sa.UniqueConstraint)
            }
        ),
    }


def reflected_shape(inspector: sa.Inspector, name: str) -> Shape:
    return {
        "columns": {
            c["name"]: (type_name(c["type"]), c["nullable"]) for c in inspector.get_columns(name, schema=SCHEMA)
        },
        "primary_key": sorted(inspector.get_pk_constraint(name, schema=SCHEMA)["constrained_columns"]),
        "unique": sorted(
            tuple(sorted(u["column_names"])) for u in inspector.get_unique_constraints(name, schema=SCHEMA)
        ),
    }


def migrated_shapes(connection: sa.Connection) -> dict[str, Shape]:
    inspector = sa.inspect(connection)
    names = [n for n in inspector.get_table_names(schema=SCHEMA) if n != "alembic_version"]
    return {name: reflected_shape(inspector, name) for name in names}


@pytest.fixture(scope="module")
async def migrated(service_env: dict[str, str]) -> dict[str, Shape]:
    url = service_env["DATABASE_URL"].replace("postgresql://", "postgresql+asyncpg://", 1)
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(migrated_shapes)
    finally:
        await engine.dispose()


async def test_every_migrated_table_is_declared_and_no_other(migrated: dict[str, Shape]) -> None:
    assert sorted(reporting_tables()) == sorted(migrated)


@pytest.mark.parametrize("name", sorted(reporting_tables()))
async def test_declaration_matches_the_migrated_table(migrated: dict[str, Shape], name: str) -> None:
    declared = declared_shape(reporting_tables()[name])
    reflected = migrated.get(name)
    assert reflected is not None, f"{name} is declared but no migration creates it"
    assert declared["columns"] == reflected["columns"], name
    assert declared["primary_key"] == reflected["primary_key"], name
    assert declared["unique"] == reflected["unique"], name


def test_the_comparison_sees_a_drift() -> None:
    """The shape compared above changes when a width, a NULL rule or a column changes."""
    table = reporting_tables()["users"]
    shape = declared_shape(table)
    wider = sa.Table("users", sa.MetaData(), *(c.copy() for c in table.columns), schema=SCHEMA)
    wider.c.name.type = sa.String(101)
    assert declared_shape(wider) != shape
    loose = sa.Table("users", sa.MetaData(), *(c.copy() for c in table.columns), schema=SCHEMA)
    loose.c.role.nullable = True
    assert declared_shape(loose) != shape
    extra = sa.Table("users", sa.MetaData(), *(c.copy() for c in table.columns), sa.Column("x", sa.Integer),
                     schema=SCHEMA)
    assert declared_shape(extra) != shape


def test_the_project_row_type_has_every_column_of_projects() -> None:
    """kpis.repository.ProjectRow, the type code reads a project's read-model row as, names the table's columns."""
    keys = ProjectRow.__required_keys__ | ProjectRow.__optional_keys__
    assert sorted(keys) == sorted(c.name for c in reporting_tables()["projects"].columns)
