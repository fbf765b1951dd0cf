"""Users with one role each; partners are not users (they use API keys). A client user (role `client`)
belongs to exactly one client (`client_id`, required for that role and forbidden for the others: a
database CHECK holds it) and is created only by invitation (anken_projects.invitations)."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_common.auth_tokens import Role
from anken_projects.kit.models import SCHEMA, created_at_field, utc_now


class User(SQLModel, table=True):
    __tablename__ = "users"
    __table_args__ = (sa.Index("uq_users_email_lower", sa.text("lower(email)"), unique=True), {"schema": SCHEMA})

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    email: str = Field(max_length=254)
    name: str = Field(max_length=100)
    role: Role = Field(sa_type=sa.String(16))
    client_id: uuid.UUID | None = Field(default=None, foreign_key=f"{SCHEMA}.clients.id")
    password_hash: str | None = Field(default=None, max_length=255)
    locale: str = Field(default="ja", max_length=8)
    is_active: bool = True
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1
    # In every token as `ver`; bumped on logout, password or role change and deactivation, which
    # ends every session issued before (anken_common.user_status).
    token_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
