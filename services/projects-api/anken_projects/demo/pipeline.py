"""The agency's own deals for the demo, with a quarter of backdated history.

No API backdates a deal (the API always stamps now), so these go through the deals service
in-process with `at=` — the same rules, history rows and deal events as the API, dated in the
past — so that cycle time, stage aging, conversion, slippage and the forecast show a real quarter.

The history is planned first and replayed in time order, up to a moment at a time: the loader
stops at past Mondays so that reporting-api's forecast snapshots of those weeks see the pipeline
as it stood then, and forecast accuracy compares a real past forecast with what was won.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_projects.auth.principal import Principal
from anken_projects.deals import service as deals
from anken_projects.deals.models import Deal, Stage
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


@dataclass(order=True)
class Step:
    at: datetime
    order: int
    deal: int = field(compare=False)  # index into the plan's deals
    create: DealCreate | None = field(default=None, compare=False)
    update: DealUpdate | None = field(default=None, compare=False)
    closes: str | None = field(default=None, compare=False)  # "won" or "lost"
    amount: int = field(default=0, compare=False)


@dataclass
class PipelinePlan:
    """Every deal's history as steps in time order; `replay_until` applies the next ones."""

    steps: list[Step]
    principal: Principal
    deal_ids: dict[int, uuid.UUID] = field(default_factory=dict)
    done: int = 0

    @property
    def deals(self) -> int:
        return sum(1 for s in self.steps if s.create is not None)

    def expected(self) -> dict[str, int]:
        """What reporting-api should count once it has every applied step."""
        applied = self.steps[: self.done]
        return {"deals": sum(1 for s in applied if s.create is not None),
                "won": sum(1 for s in applied if s.closes == "won"),
                "won_amount": sum(s.amount for s in applied if s.closes == "won"),
                "lost": sum(1 for s in applied if s.closes == "lost")}

    async def replay_until(self, session: AsyncSession, moment: datetime) -> None:
        while self.done < len(self.steps) and self.steps[self.done].at <= moment:
            step = self.steps[self.done]
            if step.create is not None:
                deal, _ = await deals.create_deal(session, step.create, self.principal, at=step.at)
                self.deal_ids[step.deal] = deal.id
            else:
                existing = await session.get(Deal, self.deal_ids[step.deal])
                assert existing is not None and step.update is not None
                await deals.update_deal(session, existing, step.update, self.principal, at=step.at)
            self.done += 1


async def plan_pipeline(session: AsyncSession, users: dict[str, uuid.UUID], now: datetime, seed: int) -> PipelinePlan:
    """The deals' histories; one deal in negotiation slips out of its month two days ago."""
    rng = random.Random(seed)
    today = now.astimezone(TZ).date()
    pipeline = await get_default_pipeline(session)
    if pipeline is None:
        raise RuntimeError("the default pipeline is missing: run the projects migrations first")
    stages = (await stages_of(session, [pipeline.id]))[pipeline.id]
    by_name = {s.name: s for s in stages}
    # Rotated per round of the journey, so that each owner wins and loses some.
    # Rotated once per round of the journey, so that every owner wins and loses some.
    owners = [users["manager"], users["director"], users["director2"]]
    steps: list[Step] = []
    slipped = False
    for n in range(DEALS):
        account, name, amount, source = cat.DEAL_ACCOUNTS[n % len(cat.DEAL_ACCOUNTS)]
        goal = by_name[JOURNEY[n % len(JOURNEY)]]
        created = now - timedelta(days=rng.randint(25, 110), hours=rng.randint(0, 8))
        amount += 100_000 * (n % 5)
        closed = goal.is_won or goal.is_lost
        # Closed deals closed across the quarter; open ones last moved in the past weeks (stage aging).
        last_move = max(now - timedelta(days=rng.randint(3, 70) if closed else rng.randint(1, 20)),
                        created + timedelta(days=14))
        expected = (last_move.astimezone(TZ).date() + timedelta(days=rng.randint(-3, 10)) if closed
                    else _close_date(rng, goal, today))
        steps.append(Step(created, len(steps), n, create=DealCreate(
            name=f"{name}（{n // len(cat.DEAL_ACCOUNTS) + 1}期）", account_name=account,
            owner_id=owners[(n + n // len(JOURNEY)) % 3], amount=amount, lead_source=source, expected_close_date=expected,
            identify_pain="アウトバウンドのリソース不足", next_step="提案書の送付と次回MTG設定",
        )))
        steps += _walk(n, stages, goal, created, last_move, amount, rng, len(steps))
        if not slipped and goal.name == "見積・交渉":
            # Expected this month, now pushed to next month: slippage shows one deal.
            next_month = (today.replace(day=1) + timedelta(days=40)).replace(day=10)
            steps.append(Step(now - timedelta(days=2), len(steps), n,
                              update=DealUpdate(expected_close_date=next_month)))
            slipped = True
    manager = Principal(kind="user", id=users["manager"], role=Role.manager)
    return PipelinePlan(sorted(steps), manager)


def _close_date(rng: random.Random, stage: Stage, today: date) -> date:
    low, high = CLOSE_IN[stage.name]
    return today + timedelta(days=rng.randint(low, high))


def _walk(n: int, stages: list[Stage], goal: Stage, created: datetime, last_move: datetime, amount: int,
          rng: random.Random, order: int) -> list[Step]:
    """The deal's moves stage by stage up to `goal`, the last one at `last_move`, as a rep would have made them."""
    open_path = [s for s in stages if not s.is_won and not s.is_lost]
    if goal.is_won or goal.is_lost:
        path = [*open_path[1: rng.randint(3, len(open_path)) if goal.is_lost else len(open_path)], goal]
    else:
        path = open_path[1: open_path.index(goal) + 1]
    # Steps share the time between creation and the last move, unevenly.
    span = last_move - created
    weights = [rng.uniform(0.6, 1.4) for _ in path]
    moment = created
    out: list[Step] = []
    for stage, weight in zip(path, weights, strict=True):
        moment = min(moment + span * (weight / sum(weights)), last_move)
        if stage.is_won or stage.is_lost:
            update = DealUpdate(stage_id=stage.id, exit_criteria_confirmed=True,
                                expected_close_date=moment.astimezone(TZ).date())
            out.append(Step(moment, order + len(out), n, update=update, closes="won" if stage.is_won else "lost",
                            amount=amount))
        else:
            out.append(Step(moment, order + len(out), n, update=DealUpdate(
                stage_id=stage.id, exit_criteria_confirmed=True, forecast_category=CATEGORY.get(stage.name, "pipeline"))))
    return out
