"""Every action on a case, declared once: its name, the states it is allowed in, who may do
it, and the operation that does it.

The case page and the citizen's page ask ``available_actions(user, case)`` which forms to
show; the web doors (``intake.officer.case_page``, ``intake.public.tracking``) run a verb
through one request lifecycle; the permission and transition matrix tests are generated from
this table; an API is one more door to the same verbs. Verbs that move the item take their
states from the core transition table, so the two cannot disagree; verbs that keep the state
(classify, save a draft, rate, add a note) name their states here.

Adding a verb: an entry here, its operation (``intake.cases.operations``), its form (with
``verb = "<name>"``) and its block in the template. Nothing else.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intake.accounts.models import User
from intake.cases import operations as ops
from intake.cases import permissions as perms
from intake.cases.models import Case
from intake.cases.operations.engine import setting
from intake.core.states import ANSWERED_STATES, TRANSITIONS, Action, State


class Door(enum.StrEnum):
    """Who comes through: a signed-in officer, or the citizen holding the code and key."""

    OFFICER = "officer"
    CITIZEN = "citizen"


#: The citizen has no account: the door proves the code and key, then acts as this.
CITIZEN = "citizen"

Predicate = Callable[[Any, Case], bool]


@dataclass(frozen=True)
class Verb:
    name: str
    door: Door
    states: frozenset[State]
    allowed: Predicate
    operation: Callable[..., Any]
    action: Action | None = None  # the transition it makes, None for verbs that keep the state

    def is_available(self, user: User | str, case: Case) -> bool:
        """In one of its states, and permitted for ``user``: the forms a page offers."""
        if (user == CITIZEN) != (self.door is Door.CITIZEN):
            return False
        return case.state in self.states and self.allowed(user, case)


def _from(action: Action) -> frozenset[State]:
    return TRANSITIONS[action][0]


def _anyone(user, case: Case) -> bool:
    return True


def _citizen_may_rate(user, case: Case) -> bool:
    return case.rating_score is None


def _citizen_may_reconsider(user, case: Case) -> bool:
    return ops.reconsideration_open(case)


def _citizen_may_stop_sms(user, case: Case) -> bool:
    return case.receives_sms and setting("SMS_ENABLED")


def _verbs(*verbs: Verb) -> dict[str, Verb]:
    return {v.name: v for v in verbs}


OFC, CIT = Door.OFFICER, Door.CITIZEN
RECEIVED = frozenset({State.RECEIVED})
IN_PROGRESS = frozenset({State.IN_PROGRESS})
WITH_UNIT = frozenset({State.ASSIGNED, State.IN_PROGRESS, State.DEFERRED})

VERBS: dict[str, Verb] = _verbs(
    # The intake office.
    Verb("classify", OFC, RECEIVED, perms.can_triage, ops.classify_case),
    Verb("triage", OFC, _from(Action.ASSIGN), perms.can_triage, ops.triage_case, Action.ASSIGN),
    Verb("assign", OFC, _from(Action.ASSIGN), perms.can_triage, ops.assign_case, Action.ASSIGN),
    Verb("reject", OFC, _from(Action.REJECT), perms.can_reject, ops.reject_case, Action.REJECT),
    Verb("duplicate", OFC, _from(Action.MARK_DUPLICATE), perms.can_triage, ops.mark_duplicate,
         Action.MARK_DUPLICATE),
    Verb("transfer", OFC, _from(Action.TRANSFER_OUT), perms.can_triage, ops.transfer_out,
         Action.TRANSFER_OUT),
    Verb("request_info", OFC, _from(Action.REQUEST_INFO), perms.can_request_info,
         ops.request_info, Action.REQUEST_INFO),
    Verb("publish", OFC, _from(Action.PUBLISH_ANSWER), perms.can_review, ops.publish_answer,
         Action.PUBLISH_ANSWER),
    Verb("rework", OFC, _from(Action.RETURN_FOR_REWORK), perms.can_review, ops.return_for_rework,
         Action.RETURN_FOR_REWORK),
    # The lead unit.
    Verb("accept", OFC, _from(Action.ACCEPT), perms.can_handle, ops.accept_case, Action.ACCEPT),
    Verb("return_case", OFC, _from(Action.RETURN_TO_INTAKE), perms.can_handle,
         ops.return_to_intake, Action.RETURN_TO_INTAKE),
    Verb("assign_handler", OFC, WITH_UNIT, perms.can_assign_handler, ops.assign_handler),
    Verb("cooperate", OFC, IN_PROGRESS, perms.can_handle, ops.request_cooperation),
    Verb("defer", OFC, _from(Action.DEFER), perms.can_defer, ops.defer_case, Action.DEFER),
    Verb("resume", OFC, _from(Action.RESUME), perms.can_handle, ops.resume_case, Action.RESUME),
    Verb("answer", OFC, _from(Action.SUBMIT_ANSWER), perms.can_handle, ops.write_answer,
         Action.SUBMIT_ANSWER),
    Verb("request_extension", OFC, IN_PROGRESS, perms.can_request_extension,
         ops.request_extension),
    Verb("decide_extension", OFC, WITH_UNIT, perms.can_decide_extension, ops.decide_extension),
    # Units asked to cooperate, and everyone who may write in the file.
    Verb("reply_cooperation", OFC, frozenset(State), perms.can_reply_cooperation,
         ops.reply_cooperation),
    Verb("note", OFC, frozenset(State), perms.can_add_note, ops.add_note),
    Verb("reissue_key", OFC, frozenset(State), perms.can_reissue_key, ops.reissue_access_key),
    # The citizen.
    Verb("provide_info", CIT, _from(Action.PROVIDE_INFO), _anyone, ops.provide_info,
         Action.PROVIDE_INFO),
    Verb("withdraw", CIT, _from(Action.WITHDRAW), _anyone, ops.withdraw_case, Action.WITHDRAW),
    Verb("rate", CIT, ANSWERED_STATES, _citizen_may_rate, ops.rate_answer),
    Verb("reconsider", CIT, _from(Action.REOPEN), _citizen_may_reconsider,
         ops.request_reconsideration, Action.REOPEN),
    Verb("stop_sms", CIT, frozenset(State), _citizen_may_stop_sms, ops.stop_sms),
)  # fmt: skip


def available_actions(user: User | str, case: Case) -> list[str]:
    """The names of the verbs ``user`` (an officer, or ``CITIZEN``) may do now, in table order."""
    return [name for name, verb in VERBS.items() if verb.is_available(user, case)]


def verbs_for(door: Door) -> dict[str, Verb]:
    return {name: verb for name, verb in VERBS.items() if verb.door is door}
