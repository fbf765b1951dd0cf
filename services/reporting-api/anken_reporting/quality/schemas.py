"""Closed-loop appointment quality: what became of the appointments set in a period."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class QualityGroupBy(StrEnum):
    member = "member"


class QualityFigures(BaseModel):
    appointments: int = Field(description="appointments set in the period", examples=[40])
    held: int = Field(examples=[30])
    no_show: int = Field(examples=[4])
    cancelled: int = Field(examples=[2])
    pending: int = Field(description="still `set`: the meeting has no reported outcome yet", examples=[4])
    qualified: int = Field(examples=[20])
    unqualified: int = Field(examples=[8])
    deals: int = Field(description="appointments that became a deal", examples=[10])
    won: int = Field(examples=[3])
    deal_amount: int = Field(description="yen, over appointments that became a deal", examples=[12_000_000])
    won_amount: int = Field(description="yen, over won deals", examples=[3_600_000])
    held_rate: float | None = Field(description="held / (held + no_show)", examples=[0.8824])
    no_show_rate: float | None = Field(description="no_show / (held + no_show)", examples=[0.1176])
    qualified_rate: float | None = Field(description="qualified / (qualified + unqualified)", examples=[0.7143])
    appointment_to_deal_rate: float | None = Field(description="deals / appointments", examples=[0.25])
    appointment_to_won_rate: float | None = Field(description="won / appointments", examples=[0.075])


class QualityGroup(QualityFigures):
    key: str = Field(examples=["8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5969"])
    label: str | None = Field(default=None, examples=["山田 太郎"])


class QualityResult(QualityFigures):
    model_config = ConfigDict(populate_by_name=True)

    project_id: uuid.UUID
    period_from: date = Field(alias="from", serialization_alias="from")
    period_to: date = Field(alias="to", serialization_alias="to")
    group_by: QualityGroupBy | None = None
    groups: list[QualityGroup] = Field(default_factory=list)
