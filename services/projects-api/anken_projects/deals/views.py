"""Deals and pipelines as API responses (their event payloads: payloads.py)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from anken_projects.deals.models import Deal, DealChange, DealStatus, Pipeline, Stage
from anken_projects.deals.schemas import DealChangeOut, DealOut, PipelineOut, StageOut
from anken_projects.kit.models import utc_now


def stage_out(stage: Stage) -> StageOut:
    return StageOut.model_validate(stage, from_attributes=True)


def pipeline_out(pipeline: Pipeline, stages: list[Stage]) -> PipelineOut:
    return PipelineOut(
        id=pipeline.id, name=pipeline.name, is_default=pipeline.is_default, stages=[stage_out(s) for s in stages],
        version=pipeline.version, created_at=pipeline.created_at, updated_at=pipeline.updated_at,
    )


def days_in_stage(deal: Deal, now: datetime | None = None) -> int:
    """Whole days since the deal entered its stage (stage aging); frozen at closing for closed deals."""
    end = deal.closed_at if deal.status != DealStatus.open and deal.closed_at else (now or utc_now())
    return max(0, (end - deal.stage_entered_at).days)


def deal_out(deal: Deal, stage: Stage) -> DealOut:
    days = days_in_stage(deal)
    overdue = deal.status == DealStatus.open and stage.aging_limit_days is not None and days > stage.aging_limit_days
    return DealOut(
        id=deal.id, name=deal.name, account_name=deal.account_name, client_id=deal.client_id,
        appointment_id=deal.appointment_id, owner_id=deal.owner_id, pipeline_id=deal.pipeline_id,
        stage_id=deal.stage_id, stage_name=stage.name, stage_exit_criteria=stage.exit_criteria, amount=deal.amount,
        probability=deal.probability, weighted_amount=deal.amount * deal.probability // 100,
        expected_close_date=deal.expected_close_date, lead_source=deal.lead_source,
        forecast_category=deal.forecast_category, status=deal.status, closed_at=deal.closed_at,
        stage_entered_at=deal.stage_entered_at, days_in_stage=days, is_overdue=overdue,
        metrics=deal.metrics, economic_buyer=deal.economic_buyer, decision_criteria=deal.decision_criteria,
        decision_process=deal.decision_process, identify_pain=deal.identify_pain, champion=deal.champion,
        competition=deal.competition, next_step=deal.next_step, created_at=deal.created_at,
        updated_at=deal.updated_at, version=deal.version,
    )


def change_out(change: DealChange, names: Mapping[str, str]) -> DealChangeOut:
    """One history row with the names its ids stand for (repository.names_for_history): the actor's, and
    for an owner or pipeline change the people or pipelines it moved between. A stage change keeps the
    stage names stored with it (the names as they were then)."""
    old_label, new_label = change.old_label, change.new_label
    if change.field in ("owner_id", "pipeline_id"):
        old_label = names.get(str(change.old_value)) if change.old_value is not None else None
        new_label = names.get(str(change.new_value)) if change.new_value is not None else None
    return DealChangeOut(
        id=change.id, deal_id=change.deal_id, field=change.field, old_value=change.old_value,
        new_value=change.new_value, old_label=old_label, new_label=new_label, actor_type=change.actor_type,
        actor_id=change.actor_id, actor_name=names.get(change.actor_id) if change.actor_id else None,
        changed_at=change.changed_at,
    )
