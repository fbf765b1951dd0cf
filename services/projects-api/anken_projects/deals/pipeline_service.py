"""Pipeline rules: ordered stages, open stages before the terminal won/lost ones, and
stages in use by deals never silently removed. Every change emits pipeline.changed."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.events import EventType
from anken_common.problems import Conflict, UnprocessableEntity
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.deals import repository as repo
from anken_projects.deals.models import Pipeline, Stage
from anken_projects.deals.payloads import pipeline_payload
from anken_projects.deals.schemas import PipelineCreate, PipelineUpdate, StageIn
from anken_projects.kit.etag import bump_version
from anken_projects.outbox.writer import record_event


def validate_stages(stages: list[StageIn]) -> None:
    """422 naming `stages` unless: unique names, open stages first, ≥1 open, exactly one won, ≥1 lost."""
    names = [s.name.strip() for s in stages]
    if len(set(names)) != len(names):
        raise UnprocessableEntity("stages", "stage names must be unique within a pipeline")
    for index, stage in enumerate(stages):
        if stage.is_won and stage.is_lost:
            raise UnprocessableEntity(f"stages.{index}", "a stage cannot be both won and lost")
    terminal = [s.is_won or s.is_lost for s in stages]
    if terminal[0]:
        raise UnprocessableEntity("stages", "the first stage must be an open stage")
    if any(terminal[i] and not terminal[i + 1] for i in range(len(terminal) - 1)):
        raise UnprocessableEntity("stages", "open stages come first, then the won/lost stages")
    if sum(s.is_won for s in stages) != 1:
        raise UnprocessableEntity("stages", "exactly one stage must be the won stage")
    if not any(s.is_lost for s in stages):
        raise UnprocessableEntity("stages", "at least one stage must be a lost stage")


def _fill(stage: Stage, data: StageIn, position: int) -> None:
    stage.name = data.name.strip()
    stage.position = position
    stage.probability = data.probability
    stage.aging_limit_days = data.aging_limit_days
    stage.exit_criteria = data.exit_criteria
    stage.is_won = data.is_won
    stage.is_lost = data.is_lost


async def create_pipeline(session: AsyncSession, body: PipelineCreate, principal: Principal) -> tuple[Pipeline, list[Stage]]:
    validate_stages(body.stages)
    if any(s.id is not None for s in body.stages):
        raise UnprocessableEntity("stages", "new pipelines take stages without ids")
    pipeline = Pipeline(name=body.name.strip())
    session.add(pipeline)
    await session.flush()
    stages = []
    for position, data in enumerate(body.stages, start=1):
        stage = Stage(pipeline_id=pipeline.id, name="", position=position, probability=0)
        _fill(stage, data, position)
        session.add(stage)
        stages.append(stage)
    await session.flush()
    record_event(session, EventType.pipeline_changed, aggregate_type="pipeline", aggregate_id=pipeline.id, tenant=None,
                 payload=pipeline_payload(pipeline, stages))
    record_audit(session, principal, "pipeline.create", "pipeline", pipeline.id, after=pipeline_payload(pipeline, stages))
    return pipeline, stages


async def update_pipeline(
    session: AsyncSession, pipeline: Pipeline, body: PipelineUpdate, principal: Principal
) -> tuple[Pipeline, list[Stage]]:
    existing = (await repo.stages_of(session, [pipeline.id]))[pipeline.id]
    before = pipeline_payload(pipeline, existing)
    if "name" in body.model_fields_set:
        if body.name is None:
            raise UnprocessableEntity("name", "may not be null")
        pipeline.name = body.name.strip()
    stages = existing
    if "stages" in body.model_fields_set:
        if body.stages is None:
            raise UnprocessableEntity("stages", "may not be null")
        stages = await _replace_stages(session, pipeline, existing, body.stages)
    after = pipeline_payload(pipeline, stages)
    if after == before:
        return pipeline, stages
    bump_version(pipeline)
    await session.flush()
    record_event(session, EventType.pipeline_changed, aggregate_type="pipeline", aggregate_id=pipeline.id, tenant=None,
                 payload=after)
    record_audit(session, principal, "pipeline.update", "pipeline", pipeline.id, before=before, after=after)
    return pipeline, stages


async def _replace_stages(session: AsyncSession, pipeline: Pipeline, existing: list[Stage], wanted: list[StageIn]) -> list[Stage]:
    validate_stages(wanted)
    by_id = {s.id: s for s in existing}
    for index, data in enumerate(wanted):
        if data.id is not None and data.id not in by_id:
            raise UnprocessableEntity(f"stages.{index}.id", "is not a stage of this pipeline")
    kept = {data.id for data in wanted if data.id is not None}
    removed = [s for s in existing if s.id not in kept]
    in_use = await repo.stage_ids_in_use(session, [s.id for s in removed])
    if in_use:
        names = ", ".join(s.name for s in removed if s.id in in_use)
        raise Conflict(f"stages still used by deals cannot be removed: {names}; move those deals first")
    for stage in removed:
        await session.delete(stage)
    # Temporary names first, so renames and swaps never trip the unique (pipeline, name) index mid-way.
    for stage in existing:
        if stage.id in kept:
            stage.name = f"__{stage.id}"
    await session.flush()
    result = []
    for position, data in enumerate(wanted, start=1):
        stage = by_id[data.id] if data.id is not None else Stage(pipeline_id=pipeline.id, name="", position=position, probability=0)
        _fill(stage, data, position)
        session.add(stage)
        result.append(stage)
    await session.flush()
    return result
