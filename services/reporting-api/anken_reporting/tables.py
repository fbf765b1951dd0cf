"""Every reporting-api table on one MetaData (SQLModel's), declared in the models.py of the domain
that owns it: importing this module registers them all. Migrations create the tables;
tests/reporting_kpis/test_table_declarations.py fails when a declaration and the migrated
schema differ."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from anken_reporting.admin import models as admin_models
from anken_reporting.alerts import models as alerts_models
from anken_reporting.consumers import models as consumers_models
from anken_reporting.forecast import models as forecast_models
from anken_reporting.kickoff import models as kickoff_models
from anken_reporting.outbox import models as outbox_models
from anken_reporting.pipeline import models as pipeline_models
from anken_reporting.readmodels import models as readmodels_models
from anken_reporting.report_comments import models as report_comments_models
from anken_reporting.report_links import models as report_links_models
from anken_reporting.reports import models as reports_models
from anken_reporting.settings import SCHEMA

metadata: sa.MetaData = SQLModel.metadata

DOMAIN_MODELS = (
    admin_models,
    alerts_models,
    consumers_models,
    forecast_models,
    kickoff_models,
    outbox_models,
    pipeline_models,
    readmodels_models,
    report_comments_models,
    report_links_models,
    reports_models,
)


def reporting_tables() -> dict[str, sa.Table]:
    """The declared tables of the reporting schema, by bare name."""
    return {table.name: table for table in metadata.sorted_tables if table.schema == SCHEMA}
