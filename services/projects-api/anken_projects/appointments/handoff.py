"""The hand-off rules of an appointment: which status may follow which, and when an outcome applies."""

from __future__ import annotations

from anken_common.problems import Conflict, UnprocessableEntity
from anken_projects.appointments.models import HandoffStatus, PartnerOutcome

ALLOWED: dict[HandoffStatus, frozenset[HandoffStatus]] = {
    HandoffStatus.set: frozenset({HandoffStatus.held, HandoffStatus.no_show, HandoffStatus.cancelled}),
    HandoffStatus.held: frozenset(),
    HandoffStatus.no_show: frozenset(),
    HandoffStatus.cancelled: frozenset(),
}


def check_handoff(current: HandoffStatus, to: HandoffStatus) -> None:
    """409 naming the allowed statuses when `to` cannot follow `current` (repeating the current one is fine)."""
    if to == current:
        return
    allowed = sorted(ALLOWED[current])
    if to not in ALLOWED[current]:
        raise Conflict(
            f"an appointment in {current.value} cannot become {to.value}"
            + (f"; allowed: {', '.join(allowed)}" if allowed else "; its hand-off is final"),
            allowed=allowed,
        )


def check_outcome(status: HandoffStatus, outcome: PartnerOutcome | None, has_deal: bool,
                  current_outcome: PartnerOutcome | None) -> None:
    if outcome is not None and status != HandoffStatus.held:
        raise UnprocessableEntity("partner_outcome", "can be reported only for a held meeting (handoff_status held)")
    if has_deal and (outcome or current_outcome) != PartnerOutcome.qualified:
        raise UnprocessableEntity("deal", "only a qualified appointment becomes a deal")
