"""Request and response models of pipelines, stages, deals and deal history."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from anken_projects.deals.models import DealStatus, ForecastCategory, LeadSource
from anken_projects.kit.validators import SaneDate

# Money is integer yen: strict, so 1200000.0 or "1200000" is a 422, never silently truncated.
Yen = Annotated[int, Field(strict=True, ge=0, le=1_000_000_000_000, description="Integer yen", examples=[1_200_000])]
Percent = Annotated[int, Field(strict=True, ge=0, le=100, description="Win probability in percent, 0–100", examples=[40])]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(max_length=4000)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---- pipelines -------------------------------------------------------------------------------

class StageIn(_In):
    id: uuid.UUID | None = Field(default=None, description="An existing stage to keep (pipeline updates); omit for a new stage")
    name: Annotated[str, Field(min_length=1, max_length=100)]
    probability: Percent
    aging_limit_days: Annotated[int, Field(strict=True, ge=1, le=3650)] | None = Field(
        default=None, description="A deal longer than this in the stage is overdue")
    exit_criteria: LongText | None = Field(default=None, description="What must be true to move a deal past this stage")
    is_won: bool = False
    is_lost: bool = False


PIPELINE_EXAMPLE: dict[str, Any] = {
    "name": "アップセル・パイプライン",
    "stages": [
        {"name": "リード", "probability": 10, "aging_limit_days": 14, "exit_criteria": "初回商談の日程が確定している"},
        {"name": "提案", "probability": 50, "aging_limit_days": 21, "exit_criteria": "決裁者に提案内容が共有されている"},
        {"name": "受注", "probability": 100, "is_won": True},
        {"name": "失注", "probability": 0, "is_lost": True},
    ],
}


class PipelineCreate(_In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [PIPELINE_EXAMPLE]})
    name: Annotated[str, Field(min_length=1, max_length=100)]
    stages: Annotated[list[StageIn], Field(min_length=2, max_length=30)] = Field(
        description="In order: open stages first, then the terminal won/lost stages")


class PipelineUpdate(_In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"name": "新規開拓パイプライン(2026)"}]})
    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    stages: Annotated[list[StageIn], Field(min_length=2, max_length=30)] | None = Field(
        default=None, description="The full new list; existing stages not listed are removed (409 while deals use them)")


class StageOut(BaseModel):
    id: uuid.UUID
    name: str
    position: int
    probability: int
    aging_limit_days: int | None
    exit_criteria: str | None
    is_won: bool
    is_lost: bool


class PipelineOut(BaseModel):
    id: uuid.UUID
    name: str
    is_default: bool
    stages: list[StageOut]
    version: int
    created_at: datetime
    updated_at: datetime


# ---- deals -----------------------------------------------------------------------------------

class _Meddicc(_In):
    metrics: LongText | None = Field(default=None, description="M: the measurable gain the customer expects")
    economic_buyer: LongText | None = Field(default=None, description="E: who signs")
    decision_criteria: LongText | None = Field(default=None, description="D: how they will choose")
    decision_process: LongText | None = Field(default=None, description="D: the steps and dates to a signature")
    identify_pain: LongText | None = Field(default=None, description="I: the pain behind the purchase")
    champion: LongText | None = Field(default=None, description="C: who sells for us inside")
    competition: LongText | None = Field(default=None, description="C: alternatives being considered")
    next_step: LongText | None = None


DEAL_EXAMPLE: dict[str, Any] = {
    "name": "SFA導入(営業部50名)",
    "account_name": "株式会社サンプル商事",
    "amount": 3_600_000,
    "expected_close_date": "2026-03-31",
    "lead_source": "outbound_appointment",
    "forecast_category": "pipeline",
    "identify_pain": "案件情報が属人化し、週次の見込み精度が低い",
    "next_step": "来週火曜に部長同席で要件確認",
}


class DealCreate(_Meddicc):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [DEAL_EXAMPLE]})
    name: ShortText
    account_name: ShortText
    owner_id: uuid.UUID | None = Field(default=None, description="A manager or director; defaults to the caller")
    pipeline_id: uuid.UUID | None = Field(default=None, description="Defaults to the default pipeline")
    stage_id: uuid.UUID | None = Field(default=None, description="Defaults to the pipeline's first stage")
    amount: Yen = 0
    probability: Percent | None = Field(default=None, description="Defaults to the stage's probability")
    expected_close_date: SaneDate | None = None
    lead_source: LeadSource | None = Field(default=None, description="流入経路")
    forecast_category: ForecastCategory = ForecastCategory.pipeline
    client_id: uuid.UUID | None = None
    appointment_id: uuid.UUID | None = Field(default=None, description="Refused (422): a client's deal is reported "
                                             "on its appointment, never as an agency deal")


class DealUpdate(_Meddicc):
    """Only the fields sent change. Moving forward past stages with exit criteria needs
    `exit_criteria_confirmed: true`; a stage change without `probability` takes the stage's."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"stage_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "exit_criteria_confirmed": True},
        {"amount": 4_200_000, "expected_close_date": "2026-04-30", "forecast_category": "commit"},
    ]})
    name: ShortText | None = None
    account_name: ShortText | None = None
    owner_id: uuid.UUID | None = None
    pipeline_id: uuid.UUID | None = Field(default=None, description="Changing pipeline needs a stage_id of the new pipeline")
    stage_id: uuid.UUID | None = None
    amount: Yen | None = None
    probability: Percent | None = None
    expected_close_date: SaneDate | None = None
    lead_source: LeadSource | None = None
    forecast_category: ForecastCategory | None = None
    client_id: uuid.UUID | None = None
    exit_criteria_confirmed: bool = Field(
        default=False, description="Confirms the exit criteria of every stage the deal moves past")


class DealOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        **DEAL_EXAMPLE, "id": "0b6f4c1e-9a57-4f0e-8d3a-5b8f2e7c9d10", "status": "open", "probability": 20,
        "stage_name": "初回商談", "days_in_stage": 3, "is_overdue": False, "version": 2,
    }]})
    id: uuid.UUID
    name: str
    account_name: str
    client_id: uuid.UUID | None
    appointment_id: uuid.UUID | None
    owner_id: uuid.UUID
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    stage_name: str
    stage_exit_criteria: str | None = Field(description="What must be true to move past the current stage")
    amount: int
    probability: int
    weighted_amount: int = Field(description="amount × probability / 100, rounded down (yen)")
    expected_close_date: date | None
    lead_source: LeadSource | None
    forecast_category: ForecastCategory
    status: DealStatus
    closed_at: datetime | None
    stage_entered_at: datetime
    days_in_stage: int
    is_overdue: bool = Field(description="Open and longer in the stage than its aging limit")
    metrics: str | None
    economic_buyer: str | None
    decision_criteria: str | None
    decision_process: str | None
    identify_pain: str | None
    champion: str | None
    competition: str | None
    next_step: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class DealChangeOut(BaseModel):
    id: int
    deal_id: uuid.UUID
    field: str = Field(examples=["stage_id"])
    old_value: Any = None
    new_value: Any = None
    old_label: str | None = Field(
        default=None, description="What `old_value` names, for ids: the stage's name (as it was then), the "
                                  "owner's or the pipeline's name")
    new_label: str | None = Field(default=None, description="What `new_value` names, as `old_label`")
    actor_type: str = Field(description="user | api_key | service | system")
    actor_id: str | None
    actor_name: str | None = Field(default=None, description="The user's or API key's name; null for a service or "
                                                             "the system, or an actor that no longer exists")
    changed_at: datetime
