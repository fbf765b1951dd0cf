"""A/B script comparison (DESIGN §3)."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class VariantStats(BaseModel):
    variant: str = Field(examples=["A"], description="'A', 'B', or an industry variant such as 'A:IT'")
    calls: int = Field(examples=[1500])
    contacts: int = Field(examples=[320])
    appointments: int = Field(examples=[29])
    contact_rate: float | None = Field(examples=[0.2133])
    contact_to_appointment_rate: float | None = Field(examples=[0.0906])
    contact_rate_ci: list[float] | None = Field(description="95% Wilson interval [low, high]", examples=[[0.193, 0.235]])
    contact_to_appointment_ci: list[float] | None = Field(description="95% Wilson interval [low, high]",
                                                          examples=[[0.064, 0.127]])


class AbTestResult(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    project_id: uuid.UUID
    period_from: date = Field(alias="from", serialization_alias="from")
    period_to: date = Field(alias="to", serialization_alias="to")
    variants: list[VariantStats] = Field(description="every variant label calls carried, industry variants included")
    patterns: list[VariantStats] = Field(description="patterns A and B, each summing its industry variants")
    z: float | None = Field(description="pooled two-proportion z of pattern A vs B on contact-to-appointment rate",
                            examples=[2.1])
    p_value: float | None = Field(description="erfc(|z|/√2)", examples=[0.0357])
    winner: str | None = Field(description="'A' or 'B' when p < 0.05 and both have ≥ 100 contacts, else null",
                               examples=["A"])
