"""The demo's month of calling, planned before anything is sent: targets, calls (with the
appointments they set), worked hours. Pure and deterministic for a seed and a `now`.

The figures are chosen, not left to chance: each project's appointments this month follow its
pace factor (ahead, on or behind pace), its list is sized so that it runs out after a chosen
number of business days at its recent calling rate, and one member calls badly this morning so
that reporting-api raises a live pace alert.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TypedDict
from zoneinfo import ZoneInfo

import jpholiday

from anken_common.call_outcomes import CONTACT_OUTCOMES, UNREACHED_OUTCOMES, CallOutcome
from anken_projects.demo import catalogue as cat
from anken_projects.demo import names
from anken_projects.targets.corporate_number import check_digit

TZ = ZoneInfo("Asia/Tokyo")
HISTORY_DAYS = 31
NEW_TARGET_SHARE = 0.45  # the rest of the calls go back to targets not reached yet
RECALLABLE = UNREACHED_OUTCOMES
CONTACTS = CONTACT_OUTCOMES - {CallOutcome.appointment}
# Outcomes of calls that did not set an appointment (every outcome but `appointment`, which some
# contacts become later); contacts ≈ 12% of calls.
OUTCOMES = ((CallOutcome.no_answer, 46.0), (CallOutcome.gatekeeper_block, 25.0), (CallOutcome.absent, 14.0),
            (CallOutcome.invalid_number, 3.0), (CallOutcome.connected_rejected, 8.3),
            (CallOutcome.connected_followup, 3.7))
# The unlucky run of the member under pace this morning (this order keeps the demo's draws).
UNLUCKY = (CallOutcome.no_answer, CallOutcome.gatekeeper_block, CallOutcome.absent)
# Calls other members have made this morning stay under reporting's alert minimum (30 a day).
MORNING_CALLS = 18
UNDER_PACE_CALLS_TODAY = 36


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and not jpholiday.is_holiday(day)


def business_days_between(start: date, end: date) -> list[date]:
    """Business days from `start` to `end`, both inclusive."""
    return [start + timedelta(days=n) for n in range((end - start).days + 1) if is_business_day(start + timedelta(days=n))]


def month_business_days(day: date) -> list[date]:
    first = day.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return business_days_between(first, last)


def business_days_until_next_week(today: date) -> int:
    """Business days after today up to Wednesday of next week: a list that runs out "next week"."""
    wednesday = today + timedelta(days=7 - today.weekday() + 2)
    return max(1, len(business_days_between(today + timedelta(days=1), wednesday)))


def corporate_number(rng: random.Random, taken: set[str]) -> str:
    while True:
        base = f"{rng.randrange(10**11, 10**12):012d}"
        number = f"{check_digit(base)}{base}"
        if number not in taken:
            taken.add(number)
            return number


def phone_number(rng: random.Random, taken: set[str]) -> str:
    area = rng.choice(("03", "06", "052", "045", "092", "011", "022", "075", "078", "048"))
    while True:
        local = 10 - len(area)
        digits = f"{rng.randrange(10 ** (local - 1), 10**local)}"
        number = f"{area}-{digits[:local - 4]}-{digits[local - 4:]}"
        if number not in taken:
            taken.add(number)
            return number


@dataclass(frozen=True)
class PlannedTarget:
    company_name: str
    phone: str
    corporate_number: str
    industry: str
    size: str
    region: str
    priority_tier: int


class PlannedAppointment(TypedDict):
    """The appointment agreed on a planned call, as the bulk call ingest takes it (calls.schemas.AppointmentIn)."""

    meeting_at: str
    contact_name: str
    contact_title: str
    qualification: dict[str, str]
    note: str


@dataclass
class PlannedCall:
    target: int  # index into the project's targets
    member: str  # member key, e.g. "member1"
    occurred_at: datetime
    outcome: CallOutcome
    duration_s: int
    variant: str
    note: str | None = None
    appointment: PlannedAppointment | None = None


@dataclass
class ProjectMonth:
    targets: list[PlannedTarget] = field(default_factory=list)
    calls: list[PlannedCall] = field(default_factory=list)
    hours: dict[tuple[str, date], Decimal] = field(default_factory=dict)


class MonthPlanner:
    """Plans every project's month with one random generator, so the whole demo is reproducible."""

    def __init__(self, now: datetime, seed: int) -> None:
        self.now = now.astimezone(TZ)
        self.today = self.now.date()
        self.rng = random.Random(seed)
        self.company_names: set[str] = set()
        self.corporate_numbers: set[str] = set()
        self.phones: set[str] = set()

    # -- calls -------------------------------------------------------------------------------

    def history_days(self) -> list[date]:
        """Business days of the last month before today."""
        return business_days_between(self.today - timedelta(days=HISTORY_DAYS), self.today - timedelta(days=1))

    def plan(self, spec: cat.ProjectSpec) -> ProjectMonth:
        month = ProjectMonth()
        days = self.history_days()
        if spec.status == "paused":
            days = days[: len(days) // 2]  # paused half-way through the month
        recallable: list[int] = []
        next_new = 0
        per_day: dict[date, list[PlannedCall]] = defaultdict(list)
        for day in days:
            for member in spec.members:
                n = self.rng.randint(36, 48)
                moments = self._moments(day, n, time(9, 30))
                for moment in moments:
                    call, next_new = self._call(member, moment, recallable, next_new)
                    per_day[day].append(call)
                month.hours[(member, day)] = (Decimal(n) / 12 + Decimal("0.75")).quantize(Decimal("0.25"))
        if spec.status == "active":
            next_new = self._today(spec, per_day, recallable, next_new)
        self._set_appointments(spec, per_day)
        month.calls = sorted((c for calls in per_day.values() for c in calls), key=lambda c: c.occurred_at)
        month.targets = self._targets(spec, next_new, per_day)
        return month

    def _moments(self, day: date, count: int, start: time) -> list[datetime]:
        moment = datetime.combine(day, start, TZ)
        out = []
        for _ in range(count):
            moment += timedelta(seconds=self.rng.randint(200, 460))
            out.append(moment)
        return out

    def _today_moments(self, count: int, start: time) -> list[datetime]:
        """`count` moments today before now: from `start` when there is time, else from midnight."""
        begin = datetime.combine(self.today, start, TZ)
        end = self.now - timedelta(minutes=6)
        if end - begin < timedelta(minutes=2 * count):
            begin = datetime.combine(self.today, time(0, 0), TZ)
            end = max(begin + timedelta(seconds=count), self.now - timedelta(seconds=5))
        step = (end - begin) / (count + 1)
        return [begin + step * (i + 1) for i in range(count)]

    def _call(self, member: str, moment: datetime, recallable: list[int], next_new: int,
              outcome: CallOutcome | None = None) -> tuple[PlannedCall, int]:
        if recallable and self.rng.random() > NEW_TARGET_SHARE:
            target = recallable.pop(self.rng.randrange(len(recallable)))
        else:
            target, next_new = next_new, next_new + 1
        if outcome is None:
            kinds, weights = zip(*OUTCOMES, strict=True)
            outcome = self.rng.choices(kinds, weights)[0]
        if outcome in RECALLABLE:
            recallable.append(target)
        contact = outcome in CONTACTS
        note = (self.rng.choice(cat.NOTES_REJECTED) if outcome == CallOutcome.connected_rejected
                else self.rng.choice(cat.NOTES_FOLLOWUP) if outcome == CallOutcome.connected_followup else None)
        duration = self.rng.randint(60, 420) if contact else self.rng.randint(5, 40)
        return PlannedCall(target, member, moment, outcome, duration, self.rng.choice("AB"), note), next_new

    def _today(self, spec: cat.ProjectSpec, per_day: dict[date, list[PlannedCall]], recallable: list[int],
               next_new: int) -> int:
        """This morning: a few calls each, and the under-pace member's long unlucky run."""
        for member in spec.members:
            outcomes: list[CallOutcome | None]  # None: the call draws its outcome
            if member == spec.under_pace_member:
                moments = self._today_moments(UNDER_PACE_CALLS_TODAY, time(9, 0))
                outcomes = [CallOutcome.connected_rejected, *(self.rng.choice(UNLUCKY) for _ in moments[1:])]
            else:
                if not is_business_day(self.today) or self.now.time() < time(9, 45):
                    continue
                moments = [m for m in self._moments(self.today, MORNING_CALLS, time(9, 30)) if m < self.now][:MORNING_CALLS]
                outcomes = [None] * len(moments)
            for moment, outcome in zip(moments, outcomes, strict=True):
                call, next_new = self._call(member, moment, recallable, next_new, outcome)
                per_day[self.today].append(call)
        return next_new

    # -- appointments ------------------------------------------------------------------------

    def _set_appointments(self, spec: cat.ProjectSpec, per_day: dict[date, list[PlannedCall]]) -> None:
        """Turn chosen contacts into appointments: this month's count follows the pace factor."""
        month_start = self.today.replace(day=1)
        in_month = month_business_days(self.today)
        elapsed = [d for d in in_month if d <= self.today]
        # Not today: this morning's calls are the live part of the demo (and its pace alert).
        this_month = [d for d in sorted(per_day) if month_start <= d < self.today]
        before = [d for d in sorted(per_day) if d < month_start]
        wanted_now = round(spec.target * len(elapsed) / len(in_month) * spec.pace_factor) if in_month else 0
        previous_month = month_business_days(month_start - timedelta(days=1))
        wanted_before = round(spec.target * len(before) / max(1, len(previous_month)))
        for days, wanted in ((this_month, wanted_now), (before, wanted_before)):
            self._spread(spec, per_day, days, wanted)

    def _spread(self, spec: cat.ProjectSpec, per_day: dict[date, list[PlannedCall]], days: list[date], wanted: int) -> None:
        days = [d for d in days if any(c.outcome in CONTACTS and c.member != spec.under_pace_member for c in per_day[d])]
        if not days or wanted <= 0:
            return
        quota = [wanted // len(days) + (1 if i < wanted % len(days) else 0) for i in range(len(days))]
        self.rng.shuffle(quota)
        for day, count in zip(days, quota, strict=True):
            contacts = [c for c in per_day[day] if c.outcome in CONTACTS and c.member != spec.under_pace_member]
            for call in self.rng.sample(contacts, min(count, len(contacts))):
                call.outcome = CallOutcome.appointment
                call.note = None
                call.duration_s = self.rng.randint(240, 600)
                call.appointment = self._appointment(call, spec)

    def _appointment(self, call: PlannedCall, spec: cat.ProjectSpec) -> PlannedAppointment:
        meeting_day = call.occurred_at.date() + timedelta(days=self.rng.randint(2, 8))
        while not is_business_day(meeting_day):
            meeting_day += timedelta(days=1)
        meeting = datetime.combine(meeting_day, time(self.rng.choice((10, 11, 13, 14, 15, 16))), TZ)
        return {
            "meeting_at": meeting.isoformat(), "contact_name": names.person_name(self.rng),
            "contact_title": self.rng.choice(cat.TITLES),
            "qualification": {k: self.rng.choice(v) for k, v in cat.BANT.items()},
            "note": self.rng.choice(cat.APPOINTMENT_NOTES),
        }

    # -- the list ----------------------------------------------------------------------------

    def _targets(self, spec: cat.ProjectSpec, called: int, per_day: dict[date, list[PlannedCall]]) -> list[PlannedTarget]:
        """The called targets plus enough uncalled ones to last `spec.runway` business days at the
        average calls per business day over the last 10 (the list exhaustion formula)."""
        runway = business_days_until_next_week(self.today) if spec.runway == cat.NEXT_WEEK else spec.runway
        last_ten = business_days_between(self.today - timedelta(days=20), self.today)[-10:]
        average = sum(len(per_day.get(d, [])) for d in last_ten) / 10
        uncalled = max(40, round(average * runway)) if average else spec.spare_targets
        industries = spec.industries or cat.INDUSTRIES
        out = []
        for company in names.company_names(self.rng, called + uncalled, self.company_names):
            out.append(PlannedTarget(
                company_name=company, phone=phone_number(self.rng, self.phones),
                corporate_number=corporate_number(self.rng, self.corporate_numbers),
                industry=self.rng.choice(industries), size=self.rng.choice(cat.SIZES), region=self.rng.choice(spec.regions),
                priority_tier=self.rng.choice((1, 2, 2, 3, 3, 3)),
            ))
        return out
