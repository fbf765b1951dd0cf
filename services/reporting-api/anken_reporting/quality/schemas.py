"""Closed-loop appointment quality: what became of the appointments set in a period."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class QualityGroupBy(StrEnum):
    member = "member"


class QualityFigures(BaseModel):
    """DESIGN §3 appointment quality over the appointments set in the period (by the project-local day they
    were set; a rescheduled appointment stays one, a corrected outcome counts as its latest report).
    held = the meeting took place; held_rate and no_show_rate share the denominator held + no_show
    (cancelled and still pending meetings are in neither); a rate whose denominator is zero is null."""

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
    held_rate_ci: list[float] | None = Field(description="95% Wilson interval [low, high]", examples=[[0.734, 0.953]])
    no_show_rate_ci: list[float] | None = Field(description="95% Wilson interval [low, high]",
                                                examples=[[0.047, 0.266]])
    qualified_rate_ci: list[float] | None = Field(description="95% Wilson interval [low, high]",
                                                  examples=[[0.529, 0.848]])
    appointment_to_deal_rate_ci: list[float] | None = Field(description="95% Wilson interval [low, high]",
                                                            examples=[[0.142, 0.402]])
    appointment_to_won_rate_ci: list[float] | None = Field(description="95% Wilson interval [low, high]",
                                                           examples=[[0.026, 0.199]])


class QualityGroup(QualityFigures):
    key: str = Field(examples=["8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5969"])
    label: str | None = Field(default=None, examples=["山田 太郎"])


class QualityResult(QualityFigures):
    model_config = ConfigDict(populate_by_name=True)

    project_id: uuid.UUID
    period_from: date = Field(alias="from", serialization_alias="from")
    period_to: date = Field(alias="to", serialization_alias="to")
    group_by: QualityGroupBy | None = None
    groups: list[QualityGroup] = Field(
        default_factory=list, description="group_by=member: one group per member, ranked by qualified rate, then "
                                          "held rate (highest first; a member without the rate after the others)")
