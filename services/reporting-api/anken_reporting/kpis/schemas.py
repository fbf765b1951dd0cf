"""KPI responses. Field names are DESIGN §3/§6 names; rates are fractions or null."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class GroupBy(StrEnum):
    member = "member"
    variant = "variant"
    day = "day"
    industry = "industry"
    script_version = "script_version"


class KpiFigures(BaseModel):
    """The period figures of DESIGN §3."""

    calls: int = Field(examples=[1200])
    contacts: int = Field(examples=[300])
    appointments: int = Field(examples=[24])
    contact_rate: float | None = Field(description="contacts / calls", examples=[0.25])
    contact_to_appointment_rate: float | None = Field(description="appointments / contacts", examples=[0.08])
    appointment_rate: float | None = Field(description="appointments / calls", examples=[0.02])
    worked_hours: float | None = Field(description="logged hours; null for groupings hours are not logged by",
                                       examples=[160.0])
    appointments_per_hour: float | None = Field(description="appointments / worked hours", examples=[0.15])
    duration_s: int = Field(description="total talk time in seconds", examples=[86400])


class KpiGroup(KpiFigures):
    key: str | None = Field(description="member id, variant, YYYY-MM-DD, industry or script version id; "
                                        "null for calls without one", examples=["A"])
    label: str | None = Field(default=None, description="display name (member name)", examples=["山田 太郎"])


class KpiTarget(BaseModel):
    monthly_appointment_target: int = Field(examples=[30])
    period_appointment_target: float = Field(
        description="the monthly target pro-rated to the period by business days", examples=[7.5]
    )
    contracted_monthly_hours: int = Field(examples=[160])


class MonthFigures(BaseModel):
    """Month-to-date figures of the calendar month containing `as_of`."""

    as_of: date
    month_start: date
    business_days_in_month: int = Field(examples=[19])
    elapsed_business_days: int = Field(examples=[8])
    appointments_so_far: int = Field(examples=[14])
    remaining_targets: int | None = Field(description="callable targets not yet called", examples=[2400])
    average_daily_calls: float | None = Field(description="calls per business day over the last 10", examples=[240.0])


class KpiResult(KpiFigures):
    """One project's KPIs for [from, to) in its time zone, month figures as of `as_of`."""

    model_config = ConfigDict(populate_by_name=True)

    project_id: uuid.UUID
    period_from: date = Field(alias="from", serialization_alias="from")
    period_to: date = Field(alias="to", serialization_alias="to")
    timezone: str = Field(examples=["Asia/Tokyo"])
    progress_rate: float | None = Field(description="appointments so far / monthly target", examples=[0.4667])
    pace: float | None = Field(description="progress rate / (elapsed / total business days)", examples=[1.108])
    projected_month_end: float | None = Field(examples=[33.25])
    list_exhaustion_date: date | None = Field(examples=["2026-12-18"])
    continuation_rate: float | None = Field(description="renewed / terms ended in the period", examples=[1.0])
    upsell_count: int = Field(description="contract changes raising hours or scope in the period", examples=[0])
    month: MonthFigures
    target: KpiTarget
    previous: KpiFigures = Field(description="the same figures for the previous period of equal length")
    group_by: GroupBy | None = None
    groups: list[KpiGroup] = Field(default_factory=list)


class ProjectKpiLine(KpiFigures):
    project_id: uuid.UUID
    name: str
    progress_rate: float | None
    pace: float | None
    projected_month_end: float | None
    list_exhaustion_date: date | None


class KpiRollupResult(KpiFigures):
    """KPIs over several projects (a director's or a client's), each in its own time zone."""

    model_config = ConfigDict(populate_by_name=True)

    period_from: date = Field(alias="from", serialization_alias="from")
    period_to: date = Field(alias="to", serialization_alias="to")
    director_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    continuation_rate: float | None
    upsell_count: int
    monthly_appointment_target: int
    previous: KpiFigures
    projects: list[ProjectKpiLine]
