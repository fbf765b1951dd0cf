"""The seven outcomes of a call (架電結果): the one list every service, table and page derives from.

The order is the calling screen's keyboard order (key 1 is `no_answer`, key 7 `appointment`), as
members learn it. A copy elsewhere is generated from this enum: projects-api's column type and
API schemas, the call-facts export's SQL, the event payload contract, the web labels and the demo
month. The CHECK constraint of projects.calls was written by migration 0003; tests/foundation
compares the live constraint with this list, so a change here needs a migration that rewrites it
(`outcome_check_sql` gives the condition).
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum


class CallOutcome(StrEnum):
    no_answer = "no_answer"
    invalid_number = "invalid_number"
    gatekeeper_block = "gatekeeper_block"
    absent = "absent"
    connected_rejected = "connected_rejected"
    connected_followup = "connected_followup"
    appointment = "appointment"


# A person of the target company was reached (the contact rate's numerator).
CONTACT_OUTCOMES: frozenset[CallOutcome] = frozenset(
    {CallOutcome.connected_rejected, CallOutcome.connected_followup, CallOutcome.appointment}
)
# Nobody was reached, and calling again later may reach someone.
UNREACHED_OUTCOMES: frozenset[CallOutcome] = frozenset(
    {CallOutcome.no_answer, CallOutcome.gatekeeper_block, CallOutcome.absent}
)

# The label of each outcome as an English msgid; the web catalogs hold its Japanese text.
LABELS: dict[CallOutcome, str] = {
    CallOutcome.no_answer: "No answer",
    CallOutcome.invalid_number: "Invalid number",
    CallOutcome.gatekeeper_block: "Blocked by reception",
    CallOutcome.absent: "Contact absent",
    CallOutcome.connected_rejected: "Connected, rejected",
    CallOutcome.connected_followup: "Connected, follow up",
    CallOutcome.appointment: "Appointment",
}


def sql_list(outcomes: Collection[CallOutcome] | None = None) -> str:
    """The outcomes (default: all seven) as a SQL list of string literals, in this module's order:
    `'no_answer', 'invalid_number', …` (the values are identifiers, so no quoting is needed)."""
    chosen = [o for o in CallOutcome if outcomes is None or o in outcomes]
    return ", ".join(f"'{o.value}'" for o in chosen)


def outcome_check_sql(column: str = "outcome") -> str:
    """The CHECK condition a table's outcome column carries."""
    return f"{column} IN ({sql_list()})"
