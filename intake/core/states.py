"""The lifecycle of an item (DOMAIN.md §3): states, the actions that move between them, and the
named state sets that queues, clocks and reports rely on.

Pure Python on purpose: the transition table is the one place that says what may happen, and it
is tested exhaustively without an app or a database.
"""

from __future__ import annotations

import enum


class State(enum.StrEnum):
    RECEIVED = "received"
    NEEDS_INFO = "needs_info"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    DEFERRED = "deferred"
    ANSWER_REVIEW = "answer_review"
    ANSWERED = "answered"
    CLOSED = "closed"
    REJECTED = "rejected"
    TRANSFERRED_OUT = "transferred_out"
    WITHDRAWN = "withdrawn"


class Action(enum.StrEnum):
    SUBMIT = "submit"
    REQUEST_INFO = "request_info"
    PROVIDE_INFO = "provide_info"
    ASSIGN = "assign"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"
    TRANSFER_OUT = "transfer_out"
    ACCEPT = "accept"
    RETURN_TO_INTAKE = "return_to_intake"
    DEFER = "defer"
    RESUME = "resume"
    SUBMIT_ANSWER = "submit_answer"
    RETURN_FOR_REWORK = "return_for_rework"
    PUBLISH_ANSWER = "publish_answer"
    REOPEN = "reopen"
    CLOSE = "close"
    WITHDRAW = "withdraw"


#: States in which the item still waits for the administration (or the citizen) to act.
OPEN_STATES = frozenset(
    {
        State.RECEIVED,
        State.NEEDS_INFO,
        State.ASSIGNED,
        State.IN_PROGRESS,
        State.DEFERRED,
        State.ANSWER_REVIEW,
    }
)
#: States an item never leaves.
FINAL_STATES = frozenset({State.CLOSED, State.REJECTED, State.TRANSFERRED_OUT, State.WITHDRAWN})
#: Ended at triage: refused with a reason, or forwarded to the competent agency.
ENDED_AT_TRIAGE_STATES = frozenset({State.REJECTED, State.TRANSFERRED_OUT})
#: The answer has been given (it may still be rated or reconsidered).
ANSWERED_STATES = frozenset({State.ANSWERED, State.CLOSED})
#: A rating of 4 or 5 of 5 is "satisfied": it closes the item (DOMAIN §3), and the reports count
#: the share of such ratings. 1–3 keeps reconsideration open until the window ends.
SATISFIED_SCORES = frozenset({4, 5})
#: Clocks do not run: paused while waiting for the citizen, stopped while kept for study.
CLOCK_PAUSED_STATES = frozenset({State.NEEDS_INFO})
CLOCK_STOPPED_STATES = frozenset({State.DEFERRED})
#: States in which a lead unit holds the item.
WITH_UNIT_STATES = frozenset({State.ASSIGNED, State.IN_PROGRESS, State.DEFERRED})

# The state "needs_info" returns to the state it came from; this marker stands for that target.
BACK_TO_ORIGIN = None

TRANSITIONS: dict[Action, tuple[frozenset[State], State | None]] = {
    Action.REQUEST_INFO: (frozenset({State.RECEIVED, State.IN_PROGRESS}), State.NEEDS_INFO),
    Action.PROVIDE_INFO: (frozenset({State.NEEDS_INFO}), BACK_TO_ORIGIN),
    Action.ASSIGN: (frozenset({State.RECEIVED}), State.ASSIGNED),
    # A refusal after an unanswered request for information comes from needs_info.
    Action.REJECT: (frozenset({State.RECEIVED, State.NEEDS_INFO}), State.REJECTED),
    Action.MARK_DUPLICATE: (frozenset({State.RECEIVED}), State.REJECTED),
    Action.TRANSFER_OUT: (frozenset({State.RECEIVED}), State.TRANSFERRED_OUT),
    Action.ACCEPT: (frozenset({State.ASSIGNED}), State.IN_PROGRESS),
    Action.RETURN_TO_INTAKE: (frozenset({State.ASSIGNED, State.IN_PROGRESS}), State.RECEIVED),
    Action.DEFER: (frozenset({State.IN_PROGRESS}), State.DEFERRED),
    Action.RESUME: (frozenset({State.DEFERRED}), State.IN_PROGRESS),
    Action.SUBMIT_ANSWER: (frozenset({State.IN_PROGRESS}), State.ANSWER_REVIEW),
    Action.RETURN_FOR_REWORK: (frozenset({State.ANSWER_REVIEW}), State.IN_PROGRESS),
    Action.PUBLISH_ANSWER: (frozenset({State.ANSWER_REVIEW}), State.ANSWERED),
    Action.REOPEN: (frozenset({State.ANSWERED}), State.IN_PROGRESS),
    Action.CLOSE: (frozenset({State.ANSWERED}), State.CLOSED),
    Action.WITHDRAW: (OPEN_STATES, State.WITHDRAWN),
}


class EventKind(enum.StrEnum):
    """What a history entry records: every action above (a change of state), and the steps
    that keep the state. Stored as its value in ``case_events.kind``."""

    SUBMIT = "submit"
    REQUEST_INFO = "request_info"
    PROVIDE_INFO = "provide_info"
    ASSIGN = "assign"
    REJECT = "reject"
    MARK_DUPLICATE = "mark_duplicate"
    TRANSFER_OUT = "transfer_out"
    ACCEPT = "accept"
    RETURN_TO_INTAKE = "return_to_intake"
    DEFER = "defer"
    RESUME = "resume"
    SUBMIT_ANSWER = "submit_answer"
    RETURN_FOR_REWORK = "return_for_rework"
    PUBLISH_ANSWER = "publish_answer"
    REOPEN = "reopen"
    CLOSE = "close"
    WITHDRAW = "withdraw"
    # Steps that keep the state.
    CLASSIFY = "classify"
    ASSIGN_HANDLER = "assign_handler"
    NOTE = "note"
    REQUEST_COOPERATION = "request_cooperation"
    REPLY_COOPERATION = "reply_cooperation"
    SAVE_ANSWER = "save_answer"
    RATE = "rate"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    DUE_DATE_CHANGED = "due_date_changed"
    INFO_OVERDUE = "info_overdue"
    # Retention: the personal data of an item that ended years ago was anonymised.
    ANONYMISED = "anonymised"
    # A new access key: asked for by the citizen with the contact they gave, or given by an
    # officer to a citizen who called or came in.
    RECOVER_KEY = "recover_key"
    REISSUE_KEY = "reissue_key"
    STOP_SMS = "stop_sms"  # the citizen asked for no more SMS
    LETTER_POSTED = "letter_posted"  # the intake office posted a notice by letter

    @classmethod
    def of(cls, action: Action) -> EventKind:
        """The kind of the event a transition records."""
        return cls(action.value)


#: Public history lines that name the unit involved.
EVENTS_NAMING_THE_UNIT = frozenset({EventKind.ASSIGN, EventKind.ACCEPT, EventKind.PUBLISH_ANSWER})


class InvalidTransition(Exception):
    """An action that the item's current state does not allow: always an error, never a no-op."""

    def __init__(self, state: State | None, action: Action):
        self.state = state
        self.action = action
        super().__init__(f"action {action.value!r} is not allowed in state {state!s}")


def initial_state() -> State:
    """Every item, whatever its channel, starts logged in the register awaiting triage."""
    return State.RECEIVED


def next_state(state: State, action: Action, *, origin: State | None = None) -> State:
    """The state after ``action``; ``origin`` is the state a ``needs_info`` item came from."""
    if action is Action.SUBMIT:
        raise InvalidTransition(state, action)
    allowed_from, target = TRANSITIONS[action]
    if state not in allowed_from:
        raise InvalidTransition(state, action)
    if target is BACK_TO_ORIGIN:
        if origin is None or origin is State.NEEDS_INFO or origin not in OPEN_STATES:
            raise InvalidTransition(state, action)
        return origin
    return target


def allowed_actions(state: State) -> frozenset[Action]:
    """The actions that can be offered for an item in ``state`` (buttons, API links)."""
    return frozenset(a for a, (allowed_from, _) in TRANSITIONS.items() if state in allowed_from)
