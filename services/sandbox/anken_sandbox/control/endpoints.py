"""/_sandbox/reset, /_sandbox/config, /_sandbox/faults and /_sandbox/requests."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from anken_common.problems import NotFound, problem_responses
from anken_sandbox.config import SandboxConfig, SandboxConfigPatch
from anken_sandbox.control.schemas import FaultsCleared, Page, ResetOut
from anken_sandbox.dependencies import State
from anken_sandbox.faults import Fault, FaultIn, SandboxService
from anken_sandbox.pagination import page
from anken_sandbox.request_log import LoggedRequest

router = APIRouter(prefix="/_sandbox", tags=["sandbox: control"])
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.post("/reset", summary="Forget everything received and every fault (and the state file); config back to its start values",
             response_model=ResetOut, responses=problem_responses(422))
async def reset(state: State) -> ResetOut:
    state.reset()
    if state.state_file is not None:
        await state.state_file.clear()
    return ResetOut(status="reset")


@router.get("/config", summary="Current sandbox behaviour (rate limits, OAuth permissiveness)",
            response_model=SandboxConfig, responses=problem_responses(422))
async def get_config(state: State) -> SandboxConfig:
    return state.config


@router.put("/config", summary="Change sandbox behaviour; omitted fields keep their value",
            response_model=SandboxConfig, responses=problem_responses(422))
async def update_config(patch: SandboxConfigPatch, state: State) -> SandboxConfig:
    changed = state.config.model_copy(update=patch.model_dump(exclude_none=True))
    state.apply_config(SandboxConfig.model_validate(changed.model_dump()))
    return state.config


@router.post("/faults", summary="Inject a fault into the next N matching requests (consumed in order)",
             status_code=201, response_model=Fault, responses=problem_responses(422))
async def add_fault(spec: FaultIn, state: State) -> Fault:
    return state.faults.add(spec)


@router.get("/faults", summary="Injected faults, with how often each fired and how many uses remain",
            response_model=Page[Fault], responses=problem_responses(422))
async def list_faults(state: State, cursor: str | None = None, limit: Limit = 100) -> Page[Fault]:
    items, next_cursor = page(state.faults.list(), cursor, limit)
    return Page[Fault](items=items, next_cursor=next_cursor)


@router.delete("/faults", summary="Remove every injected fault", response_model=FaultsCleared,
               responses=problem_responses(422))
async def clear_faults(state: State) -> FaultsCleared:
    return FaultsCleared(removed=state.faults.clear())


@router.delete("/faults/{fault_id}", summary="Remove one injected fault", response_model=FaultsCleared,
               responses=problem_responses(404, 422))
async def remove_fault(fault_id: str, state: State) -> FaultsCleared:
    if not state.faults.remove(fault_id):
        raise NotFound("fault")
    return FaultsCleared(removed=1)


@router.get("/requests", summary="Every call made to the emulated vendors, oldest first, with its status",
            response_model=Page[LoggedRequest], responses=problem_responses(422))
async def list_requests(
    state: State, service: SandboxService | None = None, status: int | None = None,
    path: Annotated[str | None, Query(description="only paths containing this text")] = None,
    cursor: str | None = None, limit: Limit = 500,
) -> Page[LoggedRequest]:
    entries = [
        e for e in state.requests.entries()
        if (service is None or e.service == service.value) and (status is None or e.status == status)
        and (path is None or path in e.path)
    ]
    items, next_cursor = page(entries, cursor, limit)
    return Page[LoggedRequest](items=items, next_cursor=next_cursor)
