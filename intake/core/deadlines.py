"""Which clocks exist and their default lengths in working days (DOMAIN.md §4).

The defaults seed the deadline-policy table, which the province edits; code reads the table and
falls back to these values only for a step the table does not configure.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from intake.core.states import Action


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


@dataclass(frozen=True)
class ClockChange:
    """What an action does to the clocks: which end with a verdict, which stop without one,
    which one starts, and whether running clocks pause or resume (DOMAIN.md §4)."""

    end: frozenset[Step] = frozenset()
    stop: frozenset[Step] = frozenset()
    start: tuple[Step, ...] = ()
    pause: bool = False
    resume: bool = False


_ALL_STEPS = frozenset(Step)

CLOCK_CHANGES: dict[Action, ClockChange] = {
    Action.ASSIGN: ClockChange(end=frozenset({Step.TRIAGE}), start=(Step.ACCEPTANCE,)),
    Action.REJECT: ClockChange(end=frozenset({Step.TRIAGE, Step.OVERALL})),
    Action.MARK_DUPLICATE: ClockChange(end=frozenset({Step.TRIAGE, Step.OVERALL})),
    Action.TRANSFER_OUT: ClockChange(end=frozenset({Step.TRIAGE, Step.OVERALL})),
    Action.REQUEST_INFO: ClockChange(pause=True),
    Action.PROVIDE_INFO: ClockChange(resume=True),
    Action.ACCEPT: ClockChange(end=frozenset({Step.ACCEPTANCE}), start=(Step.HANDLING,)),
    # The acceptance step ends (the unit decided, in time or not); handling never finished.
    Action.RETURN_TO_INTAKE: ClockChange(
        end=frozenset({Step.ACCEPTANCE}), stop=frozenset({Step.HANDLING}), start=(Step.TRIAGE,)
    ),
    # Kept for study: no clock runs, and the item is reported apart, never as overdue.
    Action.DEFER: ClockChange(stop=frozenset({Step.HANDLING, Step.OVERALL, Step.COOPERATION})),
    # Back from study: the handling and overall clocks start afresh with the policy's lengths
    # (DOMAIN §4); the deferral is reported as its own figure, never as lateness.
    Action.RESUME: ClockChange(start=(Step.HANDLING, Step.OVERALL)),
    Action.SUBMIT_ANSWER: ClockChange(end=frozenset({Step.HANDLING}), start=(Step.REVIEW,)),
    Action.RETURN_FOR_REWORK: ClockChange(end=frozenset({Step.REVIEW}), start=(Step.HANDLING,)),
    Action.PUBLISH_ANSWER: ClockChange(end=frozenset({Step.REVIEW, Step.OVERALL})),
    # A reconsideration gets a new handling clock; the overall verdict stays as it was.
    Action.REOPEN: ClockChange(start=(Step.HANDLING,)),
    Action.CLOSE: ClockChange(),
    Action.WITHDRAW: ClockChange(stop=_ALL_STEPS),
}


#: Art. 9.1d: an item outside the province's competence is transferred within 5 working days of
#: receipt. The triage clock is that bound, so no policy may make it longer (DOMAIN §4).
TRANSFER_OUT_MAX_WORKING_DAYS = 5

#: DOMAIN §4's reminder schedule, the default of every step's policy: the unit at 50 % and 80 %
#: of the time, the unit lead on the due day, the supervisors two working days after it.
DEFAULT_REMIND_HALF_PERCENT = 50
DEFAULT_REMIND_LATE_PERCENT = 80
DEFAULT_ESCALATION_WORKING_DAYS = 2
