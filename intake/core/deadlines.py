"""Which clocks exist and their default lengths in working days (DOMAIN.md §4).

The defaults seed the deadline-policy table, which the province edits; code reads the table and
falls back to these values only for a step the table does not configure.
"""

from __future__ import annotations

import enum


class Priority(enum.StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


class Step(enum.StrEnum):
    TRIAGE = "triage"
    ACCEPTANCE = "acceptance"
    HANDLING = "handling"
    REVIEW = "review"
    COOPERATION = "cooperation"
    OVERALL = "overall"


DEFAULT_WORKING_DAYS: dict[tuple[Step, Priority], int] = {
    (Step.TRIAGE, Priority.NORMAL): 3,
    (Step.TRIAGE, Priority.URGENT): 1,
    (Step.ACCEPTANCE, Priority.NORMAL): 1,
    (Step.ACCEPTANCE, Priority.URGENT): 1,
    (Step.HANDLING, Priority.NORMAL): 10,
    (Step.HANDLING, Priority.URGENT): 3,
    (Step.REVIEW, Priority.NORMAL): 2,
    (Step.REVIEW, Priority.URGENT): 1,
    (Step.COOPERATION, Priority.NORMAL): 5,
    (Step.COOPERATION, Priority.URGENT): 2,
    (Step.OVERALL, Priority.NORMAL): 15,
    (Step.OVERALL, Priority.URGENT): 5,
}


def default_working_days(step: Step, priority: Priority) -> int:
    return DEFAULT_WORKING_DAYS[(step, priority)]
