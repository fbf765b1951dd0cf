"""Project (案件) and assignments of members to it."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, created_at_field, utc_now

# The reasons a client may give for an unqualified appointment when the project lists none of its own.
DEFAULT_UNQUALIFIED_REASONS: tuple[str, ...] = (
    "予算なし", "決裁権なし", "ニーズなし", "導入時期未定", "競合導入済み", "ターゲット外",
)


def reasons_or_defaults(reasons: list[str] | None) -> list[str]:
    """The reasons an unqualified appointment may carry: the project's own list, else the defaults."""
    return list(reasons) if reasons else list(DEFAULT_UNQUALIFIED_REASONS)


class ProjectStatus(StrEnum):
    draft = "draft"
    kickoff = "kickoff"
    active = "active"
    paused = "paused"
    ended = "ended"


# The project state machine (draft → kickoff → active ⇄ paused → ended): the statuses each status
# may move to, in the order a director most often takes them (the first is the natural next step).
TRANSITIONS: dict[ProjectStatus, tuple[ProjectStatus, ...]] = {
    ProjectStatus.draft: (ProjectStatus.kickoff,),
    ProjectStatus.kickoff: (ProjectStatus.active,),
    ProjectStatus.active: (ProjectStatus.paused, ProjectStatus.ended),
    ProjectStatus.paused: (ProjectStatus.active, ProjectStatus.ended),
    ProjectStatus.ended: (),
}


def allowed_from(status: ProjectStatus | str) -> list[str]:
    """The statuses a project in `status` may move to, natural next step first."""
    return [s.value for s in TRANSITIONS[ProjectStatus(status)]]


class Project(SQLModel, table=True):
    __tablename__ = "projects"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    client_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.clients.id", index=True)
    director_id: uuid.UUID | None = Field(default=None, foreign_key=f"{SCHEMA}.users.id", index=True)
    name: str = Field(max_length=200)
    product: str | None = Field(default=None, max_length=200)
    status: ProjectStatus = Field(default=ProjectStatus.draft, sa_type=sa.String(16), index=True)
    timezone: str = Field(default="Asia/Tokyo", max_length=64)
    monthly_appointment_target: int = 0
    contracted_monthly_hours: int = 0
    contract_start: date | None = None
    contract_end: date | None = None
    renewal_date: date | None = None
    appointment_definition: str | None = None
    qualification_fields: list[str] = Field(default_factory=list, sa_type=JSONB)
    target_definition: str | None = None
    # The short list a client picks from when an appointment is unqualified; null means the defaults.
    unqualified_reasons: list[str] | None = Field(default=None, sa_type=JSONB)
    handoff_contact: str | None = Field(default=None, max_length=200)
    calendar_link: str | None = Field(default=None, max_length=500)
    slack_channel: str | None = Field(default=None, max_length=100)
    confluence_page_url: str | None = Field(default=None, max_length=500)
    spreadsheet_url: str | None = Field(default=None, max_length=500)
    # Dates (YYYY-MM-DD) the project does not work besides weekends and public holidays.
    extra_closed_days: list[str] = Field(default_factory=list, sa_type=JSONB)
    weekly_meeting_weekday: int | None = Field(default=None, description="0=Monday … 6=Sunday")
    weekly_meeting_time: str | None = Field(default=None, max_length=5, description="HH:MM in the project's time zone")
    # False: Anken assigns the script pattern per target (randomised A/B); true: members pick it.
    ab_manual_choice: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Whether the client's people see which member set each appointment (portal, per-member quality).
    client_sees_member_names: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = created_at_field()

    def unqualified_reason_list(self) -> list[str]:
        """The reasons an unqualified appointment of this project may carry (the project's, else the defaults)."""
        return reasons_or_defaults(self.unqualified_reasons)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1


class Assignment(SQLModel, table=True):
    __tablename__ = "assignments"
    __table_args__ = (sa.UniqueConstraint("project_id", "member_id", name="uq_assignments_project_member"), {"schema": SCHEMA})

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.projects.id", index=True)
    member_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.users.id", index=True)
    planned_hours: int = 0
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1


class KickoffItem(SQLModel, table=True):
    """One point agreed with the client at kickoff; required items gate `active`."""

    __tablename__ = "kickoff_items"
    __table_args__ = (sa.UniqueConstraint("project_id", "key", name="uq_kickoff_items_project_key"), {"schema": SCHEMA})

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.projects.id", index=True)
    key: str = Field(max_length=64)
    label: str = Field(max_length=200)
    position: int = 0
    required: bool = True
    agreed: bool = False
    value: str | None = None
    agreed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    agreed_by: uuid.UUID | None = None
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1


class ContractChangeKind(StrEnum):
    renewal = "renewal"
    upsell = "upsell"
    downsell = "downsell"
    end = "end"


class ContractChange(SQLModel, table=True):
    """A renewal, upsell, downsell or end of a project's contract (immutable once recorded)."""

    __tablename__ = "contract_changes"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.projects.id", index=True)
    client_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.clients.id", index=True)
    kind: ContractChangeKind = Field(sa_type=sa.String(16))
    effective_date: date
    term_end_date: date | None = None
    new_contract_end: date | None = None
    hours_before: int | None = None
    hours_after: int | None = None
    scope_increased: bool = False
    note: str | None = None
    created_by: uuid.UUID | None = None
    created_at: datetime = created_at_field()
