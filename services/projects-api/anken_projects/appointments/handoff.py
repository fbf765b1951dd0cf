"""The hand-off rules of an appointment: which change may follow which status, and when an outcome applies.

Stored statuses are set, held, no_show and cancelled. `rescheduled` is a change, not a status: it needs a
new meeting time and puts the appointment back to `set` (it stays one appointment). A client may correct
held ↔ no_show; a cancelled appointment is final.
"""

from __future__ import annotations

from enum import StrEnum

from anken_common.problems import Conflict, UnprocessableEntity
from anken_projects.appointments.models import HandoffStatus, PartnerOutcome


class HandoffChange(StrEnum):
    """What a PATCH may report about the meeting (`set` only restates a meeting still set)."""

    set = "set"
    held = "held"
    no_show = "no_show"
    rescheduled = "rescheduled"
    cancelled = "cancelled"


ALLOWED: dict[HandoffStatus, frozenset[HandoffChange]] = {
    HandoffStatus.set: frozenset({HandoffChange.held, HandoffChange.no_show, HandoffChange.rescheduled,
                                  HandoffChange.cancelled}),
    HandoffStatus.held: frozenset({HandoffChange.no_show}),
    HandoffStatus.no_show: frozenset({HandoffChange.held, HandoffChange.rescheduled}),
    HandoffStatus.cancelled: frozenset(),
}


def allowed_changes(current: HandoffStatus) -> list[HandoffChange]:
    """The changes that may follow `current`, in the order HandoffChange lists them (what a form offers)."""
    return [change for change in HandoffChange if change in ALLOWED[current]]


def status_after(change: HandoffChange) -> HandoffStatus:
    return HandoffStatus.set if change == HandoffChange.rescheduled else HandoffStatus(change.value)


def check_handoff(current: HandoffStatus, change: HandoffChange) -> None:
    """409 naming the allowed changes when `change` cannot follow `current` (repeating the current status is fine)."""
    if change.value == current.value:
        return
    allowed = sorted(ALLOWED[current])
    if change not in ALLOWED[current]:
        raise Conflict(
            f"an appointment in {current.value} cannot become {change.value}"
            + (f"; allowed: {', '.join(allowed)}" if allowed else "; its hand-off is final"),
            allowed=allowed,
        )


def check_outcome(status: HandoffStatus, outcome: PartnerOutcome | None, has_deal: bool,
                  current_outcome: PartnerOutcome | None) -> None:
    if outcome is not None and status != HandoffStatus.held:
        raise UnprocessableEntity("partner_outcome", "can be reported only for a held meeting (handoff_status held)")
    if status != HandoffStatus.held and current_outcome is not None:
        raise UnprocessableEntity("handoff_status", f"the client reported this meeting {current_outcome.value}, "
                                                    "so it was held")
    if has_deal and (outcome or current_outcome) != PartnerOutcome.qualified:
        raise UnprocessableEntity("deal", "only a qualified appointment becomes a deal")


def check_unqualified_reason(outcome: PartnerOutcome | None, reason: str | None, allowed: list[str]) -> None:
    """An unqualified outcome names one reason of the project's list; a qualified one has none."""
    if outcome == PartnerOutcome.unqualified:
        if reason is None:
            raise UnprocessableEntity("unqualified_reason", "is required for an unqualified appointment; one of: "
                                      + ", ".join(allowed), allowed=allowed)
        if reason not in allowed:
            raise UnprocessableEntity("unqualified_reason", "must be one of the project's reasons: "
                                      + ", ".join(allowed), allowed=allowed)
    elif reason is not None:
        raise UnprocessableEntity("unqualified_reason", "applies only to an unqualified appointment")
