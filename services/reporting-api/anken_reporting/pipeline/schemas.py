"""Request and response models of the pipeline analytics API."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class PipelineGroupBy(StrEnum):
    owner = "owner"
    lead_source = "lead_source"
    team = "team"


class PipelineFigures(BaseModel):
    """§3 pipeline figures for one slice. Money in yen; rates are fractions, null on a zero denominator."""

    open_deals: int = Field(description="Open deals now")
    open_amount: int = Field(description="Σ amount of open deals (unweighted), yen")
    weighted_pipeline: int = Field(description="Σ amount × probability over open deals, yen")
    pipeline_closing_in_period: int = Field(description="Σ amount of open deals expected to close in the period (omitted excluded)")
    won_count: int
    lost_count: int
    won_amount: int
    lost_amount: int
    win_rate_by_count: float | None = Field(description="won / (won + lost) over deals closed in the period")
    win_rate_by_amount: float | None
    average_deal_size: int | None = Field(description="Mean amount of deals won in the period")
    sales_cycle_days: float | None = Field(description="Median days from creation to won, deals won in the period")
    slipped_count: int = Field(description="Deals whose expected close date was moved out of the period")
    slipped_amount: int
    overdue_count: int = Field(description="Open deals above their stage's aging limit")
    quota: int | None = Field(description="Quota for the period (prorated by days when quotas straddle it)")
    coverage: float | None = Field(description="pipeline closing in period / (quota − won); null when ≤ 0 or no quota")


class PipelineGroup(PipelineFigures):
    key: str = Field(description="Owner id, lead source or team; `unassigned` when none")


class StageConversionRow(BaseModel):
    pipeline_id: uuid.UUID | None
    pipeline_name: str
    stage_id: uuid.UUID
    stage_name: str
    position: int
    entered: int
    advanced: int
    rate: float | None


class StageAgingRow(BaseModel):
    deal_id: uuid.UUID
    deal_name: str
    owner_id: uuid.UUID
    stage_id: uuid.UUID
    stage_name: str
    days_in_stage: int
    aging_limit_days: int | None
    overdue: bool


class SlippedDeal(BaseModel):
    deal_id: uuid.UUID
    deal_name: str
    owner_id: uuid.UUID
    amount: int
    expected_close_date: date | None


class PipelineSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "owner_id": None, "from": "2026-11-01", "to": "2026-12-01", "group_by": "owner",
        "totals": {"open_deals": 12, "open_amount": 18_000_000, "weighted_pipeline": 7_400_000,
                   "pipeline_closing_in_period": 9_000_000, "won_count": 3, "lost_count": 1,
                   "won_amount": 4_500_000, "lost_amount": 800_000, "win_rate_by_count": 0.75,
                   "win_rate_by_amount": 0.849, "average_deal_size": 1_500_000, "sales_cycle_days": 42.0,
                   "slipped_count": 2, "slipped_amount": 2_400_000, "overdue_count": 1, "quota": 10_000_000,
                   "coverage": 1.636},
        "groups": [], "stage_conversion": [], "stage_aging": [], "slipped": [],
    }})

    owner_id: uuid.UUID | None
    pipeline_id: uuid.UUID | None = Field(default=None, description="The one pipeline counted; null: every pipeline")
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    as_of: date
    group_by: PipelineGroupBy | None
    totals: PipelineFigures
    groups: list[PipelineGroup]
    stage_conversion: list[StageConversionRow] = Field(description="Entries in the period, pipeline order")
    stage_aging: list[StageAgingRow] = Field(description="Open deals, longest in stage first")
    slipped: list[SlippedDeal]


class TeamAssignment(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"team": "東日本セールス"}})

    team: str = Field(min_length=1, max_length=100)


class TeamAssignmentOut(BaseModel):
    owner_id: uuid.UUID
    team: str
