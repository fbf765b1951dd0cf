"""What a call's outcome does to its target: the status it moves to and when to call back."""

from __future__ import annotations

from datetime import datetime, timedelta

from anken_projects.calls.models import CallOutcome
from anken_projects.targets.models import TargetStatus

# Unreached companies come back to the list after a pause that fits why they were not reached.
RETRY_AFTER: dict[CallOutcome, timedelta] = {
    CallOutcome.no_answer: timedelta(hours=3),
    CallOutcome.absent: timedelta(days=1),
    CallOutcome.gatekeeper_block: timedelta(days=7),
    CallOutcome.connected_followup: timedelta(days=1),
}
FINAL: dict[CallOutcome, TargetStatus] = {
    CallOutcome.invalid_number: TargetStatus.excluded,
    CallOutcome.connected_rejected: TargetStatus.called,
    CallOutcome.appointment: TargetStatus.appointment,
}
# A target in these statuses keeps them whatever later calls say.
STICKY = frozenset({TargetStatus.dnc, TargetStatus.appointment})


def status_after(
    current: TargetStatus, outcome: CallOutcome, occurred_at: datetime, callback_at: datetime | None
) -> tuple[TargetStatus, datetime | None]:
    """(new status, callback due time) of a target whose latest call had `outcome`."""
    if current in STICKY and not (current == TargetStatus.appointment and outcome == CallOutcome.appointment):
        return current, None
    if outcome in FINAL:
        return FINAL[outcome], None
    return TargetStatus.callback, callback_at or occurred_at + RETRY_AFTER[outcome]
