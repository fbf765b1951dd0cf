"""Deals and pipelines as event payloads (the contract in anken_common.event_payloads) and as audit snapshots."""

from __future__ import annotations

from typing import Any

from anken_common.event_payloads import DealPayload, PipelinePayload, StagePayload
from anken_common.events import to_payload
from anken_projects.deals.models import Deal, Pipeline, Stage
from anken_projects.kit.models import table_of


def pipeline_payload(pipeline: Pipeline, stages: list[Stage]) -> dict[str, Any]:
    return PipelinePayload(
        id=pipeline.id, name=pipeline.name,
        stages=[StagePayload.model_validate(s, from_attributes=True) for s in stages],
    ).model_dump(mode="json")


def deal_payload(deal: Deal, stage: Stage, changes: dict[str, list[Any]] | None = None) -> dict[str, Any]:
    return DealPayload(
        id=deal.id, name=deal.name, account_name=deal.account_name, client_id=deal.client_id, owner_id=deal.owner_id,
        pipeline_id=deal.pipeline_id, stage_id=deal.stage_id, stage_name=stage.name, amount=deal.amount,
        probability=deal.probability, expected_close_date=deal.expected_close_date,
        forecast_category=str(deal.forecast_category),
        status=str(deal.status), lead_source=deal.lead_source, created_at=deal.created_at, closed_at=deal.closed_at,
        stage_entered_at=deal.stage_entered_at, appointment_id=deal.appointment_id, changes=changes or {},
    ).model_dump(mode="json")


def deal_snapshot(deal: Deal) -> dict[str, Any]:
    """The audit before/after of a deal: its column values."""
    return to_payload({column.name: getattr(deal, column.name) for column in table_of(Deal).columns})
