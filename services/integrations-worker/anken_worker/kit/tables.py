"""The worker's tables (schema "integrations"), as SQLAlchemy Core tables; migrations/0001 creates them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID

from anken_worker.settings import SCHEMA

metadata = sa.MetaData(schema=SCHEMA)
TS = sa.DateTime(timezone=True)

deliveries = sa.Table(
    "deliveries", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("seq", sa.BigInteger, sa.Identity(always=False)),
    sa.Column("idempotency_key", sa.String(300)),
    sa.Column("integration", sa.String(16)),
    sa.Column("action", sa.String(64)),
    sa.Column("target", sa.String(300)),
    sa.Column("order_key", sa.String(200)),
    sa.Column("project_id", UUID(as_uuid=True)),
    sa.Column("client_id", UUID(as_uuid=True)),
    sa.Column("source_event_id", UUID(as_uuid=True)),
    sa.Column("source_event_type", sa.String(64)),
    sa.Column("payload", JSONB),
    sa.Column("payload_hash", sa.String(64)),
    sa.Column("status", sa.String(16)),
    sa.Column("attempts", sa.Integer),
    sa.Column("last_error", sa.Text),
    sa.Column("response_excerpt", sa.Text),
    sa.Column("external_ref", sa.String(300)),
    sa.Column("progress", JSONB),
    sa.Column("next_attempt_at", TS),
    sa.Column("created_at", TS),
    sa.Column("updated_at", TS),
    sa.Column("completed_at", TS),
)

integration_settings = sa.Table(
    "integration_settings", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("client_id", UUID(as_uuid=True)),
    sa.Column("project_id", UUID(as_uuid=True)),
    sa.Column("integration", sa.String(16)),
    sa.Column("config", JSONB),
    sa.Column("secret_encrypted", sa.Text),
    sa.Column("enabled", sa.Boolean),
    sa.Column("created_at", TS),
    sa.Column("updated_at", TS),
)

integration_health = sa.Table(
    "integration_health", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("integration", sa.String(16)),
    sa.Column("scope", sa.String(200)),
    sa.Column("healthy", sa.Boolean),
    sa.Column("reason", sa.Text),
    sa.Column("since", TS),
    sa.Column("director_notified_at", TS),
)

webhook_endpoints = sa.Table(
    "webhook_endpoints", metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("client_id", UUID(as_uuid=True)),
    sa.Column("url", sa.String(2000)),
    sa.Column("description", sa.String(200)),
    sa.Column("events", JSONB),
    sa.Column("secret_encrypted", sa.Text),
    sa.Column("previous_secret_encrypted", sa.Text),
    sa.Column("previous_secret_expires_at", TS),
    sa.Column("active", sa.Boolean),
    sa.Column("created_at", TS),
    sa.Column("updated_at", TS),
)

project_links = sa.Table(
    "project_links", metadata,
    sa.Column("project_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("client_id", UUID(as_uuid=True)),
    sa.Column("client_name", sa.String(200)),
    sa.Column("name", sa.String(200)),
    sa.Column("director_id", UUID(as_uuid=True)),
    sa.Column("status", sa.String(16)),
    sa.Column("timezone", sa.String(64)),
    sa.Column("monthly_appointment_target", sa.Integer),
    sa.Column("snapshot", JSONB),
    sa.Column("slack_channel_id", sa.String(64)),
    sa.Column("slack_channel_name", sa.String(80)),
    sa.Column("confluence_pages", JSONB),
    sa.Column("spreadsheet_id", sa.String(200)),
    sa.Column("tracking_spreadsheet_id", sa.String(200)),
    sa.Column("created_at", TS),
    sa.Column("updated_at", TS),
)

people = sa.Table(
    "people", metadata,
    sa.Column("user_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("email", sa.String(254)),
    sa.Column("name", sa.String(100)),
    sa.Column("role", sa.String(16)),
    sa.Column("slack_user_id", sa.String(64)),
    sa.Column("updated_at", TS),
)

project_members = sa.Table(
    "project_members", metadata,
    sa.Column("project_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("member_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("member_name", sa.String(100)),
    sa.Column("active", sa.Boolean),
)

sheet_rows = sa.Table(
    "sheet_rows", metadata,
    sa.Column("spreadsheet_id", sa.String(200), primary_key=True),
    sa.Column("target_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("row_number", sa.Integer),
    sa.Column("status", sa.String(64)),
    sa.Column("updated_at", TS),
)

unknown_events = sa.Table(
    "unknown_events", metadata,
    sa.Column("event_type", sa.String(100), primary_key=True),
    sa.Column("count", sa.BigInteger),
    sa.Column("last_seen_at", TS),
)
