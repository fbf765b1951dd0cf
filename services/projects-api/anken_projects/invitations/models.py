"""One invitation link per row; only the SHA-256 of the link's token is kept."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, SCHEMA_ARGS, created_at_field


class UserInvitation(SQLModel, table=True):
    __tablename__ = "user_invitations"
    __table_args__ = SCHEMA_ARGS

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    user_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.users.id", index=True)
    client_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.clients.id")
    token_hash: str = Field(max_length=64, unique=True)
    invited_by: uuid.UUID | None = None
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    # Set when a newer invitation of the same user replaces this one.
    revoked_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
