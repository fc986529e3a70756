"""The verbs of the case aggregate, one module per phase of the lifecycle.

Each verb validates, changes the case, flushes, records one event and queues the notices, in
the caller's transaction: the edge (a request, a CLI command) commits once. Verbs take
``actor`` and ``now`` explicitly and are the only code that writes a case's state. Which verb
may be offered to whom, in which state, is declared in ``intake.cases.verbs``.

This package re-exports every verb so that callers write ``ops.assign_case(...)`` without
knowing which phase module holds it.
"""

from intake.cases.operations.citizen import (
    close_case,
    provide_info,
    rate_answer,
    reconsideration_open,
    request_reconsideration,
    stop_sms,
    withdraw_case,
)
from intake.cases.operations.cooperation import reply_cooperation, request_cooperation
from intake.cases.operations.deadlines import (
    decide_extension,
    recompute_due_dates,
    request_extension,
)
from intake.cases.operations.engine import check_version
from intake.cases.operations.handling import (
    accept_case,
    add_note,
    assign_handler,
    defer_case,
    resume_case,
    return_to_intake,
    save_answer,
    submit_answer,
    write_answer,
)
from intake.cases.operations.letters import mark_letters_posted
from intake.cases.operations.review import publish_answer, return_for_rework
from intake.cases.operations.submission import (
    CaseSubmission,
    SubmittedCase,
    case_search_text,
    submit_case,
)
from intake.cases.operations.tracking import (
    contact_matches,
    find_tracked_case,
    recover_access_key,
    reissue_access_key,
)
from intake.cases.operations.triage import (
    assign_case,
    classify_case,
    mark_duplicate,
    reject_case,
    request_info,
    transfer_out,
    triage_case,
)
from intake.core.errors import InvalidTransition, NotAllowed, StaleCase, SubmissionError

__all__ = [
    "CaseSubmission",
    "InvalidTransition",
    "NotAllowed",
    "StaleCase",
    "SubmissionError",
    "SubmittedCase",
    "accept_case",
    "add_note",
    "assign_case",
    "assign_handler",
    "case_search_text",
    "check_version",
    "classify_case",
    "close_case",
    "contact_matches",
    "decide_extension",
    "defer_case",
    "find_tracked_case",
    "mark_letters_posted",
    "mark_duplicate",
    "provide_info",
    "publish_answer",
    "rate_answer",
    "reconsideration_open",
    "recover_access_key",
    "reissue_access_key",
    "recompute_due_dates",
    "reject_case",
    "reply_cooperation",
    "request_cooperation",
    "request_extension",
    "request_info",
    "request_reconsideration",
    "resume_case",
    "return_for_rework",
    "return_to_intake",
    "save_answer",
    "stop_sms",
    "submit_answer",
    "submit_case",
    "transfer_out",
    "triage_case",
    "withdraw_case",
    "write_answer",
]
