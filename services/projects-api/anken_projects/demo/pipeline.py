"""The agency's own deals for the demo, with a quarter of backdated history.

No API backdates a deal (the API always stamps now), so these go through the deals service
in-process with `at=` — the same rules, history rows and deal events as the API, dated in the
past — so that cycle time, stage aging, conversion, slippage and the forecast show a real quarter.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_projects.auth.principal import Principal
from anken_projects.deals import service as deals
from anken_projects.deals.models import Stage
from anken_projects.deals.repository import get_default_pipeline, stages_of
from anken_projects.deals.schemas import DealCreate, DealUpdate
from anken_projects.demo import catalogue as cat
from anken_projects.demo.month import TZ

DEALS = 36
# Days from today to the expected close date of an open deal, by stage: later stages close sooner.
CLOSE_IN = {"リード": (60, 120), "初回商談": (40, 90), "課題合意": (25, 60), "提案": (10, 40), "見積・交渉": (2, 20)}
CATEGORY = {"提案": "best_case", "見積・交渉": "commit"}
# Where each deal ends up (cycled): most are open, a quarter closed.
JOURNEY = ("リード", "初回商談", "課題合意", "提案", "見積・交渉", "受注", "初回商談", "提案", "失注",
           "課題合意", "見積・交渉", "受注")


async def load_pipeline(session: AsyncSession, users: dict[str, uuid.UUID], now: datetime, seed: int) -> int:
    """Create the deals; returns how many. One deal in negotiation slips out of its month."""
    rng = random.Random(seed)
    today = now.astimezone(TZ).date()
    pipeline = await get_default_pipeline(session)
    if pipeline is None:
        raise RuntimeError("the default pipeline is missing: run the projects migrations first")
    stages = {s.name: s for s in (await stages_of(session, [pipeline.id]))[pipeline.id]}
    manager = Principal(kind="user", id=users["manager"], role=Role.manager)
    owners = [users["manager"], users["director"], users["director2"]]
    slipped = False
    for n in range(DEALS):
        account, name, amount, source = cat.DEAL_ACCOUNTS[n % len(cat.DEAL_ACCOUNTS)]
        goal = stages[JOURNEY[n % len(JOURNEY)]]
        created = now - timedelta(days=rng.randint(25, 110), hours=rng.randint(0, 8))
        deal, _ = await deals.create_deal(session, DealCreate(
            name=f"{name}（{n // len(cat.DEAL_ACCOUNTS) + 1}期）", account_name=account, owner_id=owners[n % 3],
            amount=amount + 100_000 * (n % 5), lead_source=source,
            expected_close_date=_close_date(rng, goal, today, created.date()),
            identify_pain="アウトバウンドのリソース不足", next_step="提案書の送付と次回MTG設定",
        ), manager, at=created)
        await _walk(session, deal, list(stages.values()), goal, created, now, today, manager, rng)
        if not slipped and goal.name == "見積・交渉":
            # Expected this month, now pushed to next month: slippage shows one deal.
            next_month = (today.replace(day=1) + timedelta(days=40)).replace(day=10)
            await deals.update_deal(session, deal, DealUpdate(expected_close_date=next_month), manager,
                                    at=now - timedelta(days=2))
            slipped = True
    return DEALS


def _close_date(rng: random.Random, stage: Stage, today: date, created: date) -> date:
    if stage.name in CLOSE_IN:
        low, high = CLOSE_IN[stage.name]
        return today + timedelta(days=rng.randint(low, high))
    return created + timedelta(days=rng.randint(30, 60))  # closed deals: replaced by their close date


async def _walk(session: AsyncSession, deal, stages: list[Stage], goal: Stage, created: datetime, now: datetime,
                today: date, principal: Principal, rng: random.Random) -> None:
    """Move the deal stage by stage up to `goal`, each step on a past day, as a rep would have."""
    open_path = [s for s in stages if not s.is_won and not s.is_lost]
    if goal.is_won or goal.is_lost:
        path = [*open_path[1: rng.randint(3, len(open_path)) if goal.is_lost else len(open_path)], goal]
    else:
        path = open_path[1: open_path.index(goal) + 1]
    if not path:
        return
    # Steps share the time between creation and a few days ago, unevenly.
    span = (now - timedelta(days=rng.randint(1, 6))) - created
    weights = [rng.uniform(0.6, 1.4) for _ in path]
    moment = created
    for stage, weight in zip(path, weights, strict=True):
        moment += span * (weight / sum(weights))
        update = DealUpdate(stage_id=stage.id, exit_criteria_confirmed=True,
                            forecast_category=CATEGORY.get(stage.name, "pipeline"))
        if stage.is_won or stage.is_lost:
            update = DealUpdate(stage_id=stage.id, exit_criteria_confirmed=True,
                                expected_close_date=moment.astimezone(TZ).date())
        await deals.update_deal(session, deal, update, principal, at=min(moment, now))
