"""Who may see and do what with a case: predicates next to the data (DOMAIN.md §1).

Views load a case, then check; a case the user may not see is a 404, never a 403, so that its
existence is not revealed. The same rules, as SQL, filter every queue.
"""

from __future__ import annotations

import sqlalchemy as sa

from intake.accounts.models import Role, User
from intake.cases import clocks
from intake.cases.models import Case, ContentClass, CooperationRequest, CooperationStatus
from intake.core.states import State
from intake.org.policies import extension_limits

SEE_ALL_ROLES = frozenset({Role.INTAKE_OFFICER, Role.SUPERVISOR})
UNIT_ROLES = frozenset({Role.HANDLER, Role.UNIT_LEAD})
OFFICER_ROLES = SEE_ALL_ROLES | UNIT_ROLES


def visible_filter(user: User) -> sa.ColumnElement[bool]:
    """SQL condition for the cases ``user`` may see."""
    if user.role in SEE_ALL_ROLES:
        return sa.true()
    if user.role in UNIT_ROLES:
        cooperating = sa.select(CooperationRequest.case_id).where(
            CooperationRequest.unit_id == user.unit_id
        )
        return sa.or_(Case.lead_unit_id == user.unit_id, Case.id.in_(cooperating))
    return sa.false()


def can_view(user: User, case: Case) -> bool:
    if user.role in SEE_ALL_ROLES:
        return True
    if user.role in UNIT_ROLES:
        return is_lead_unit_officer(user, case) or any(
            r.unit_id == user.unit_id for r in case.cooperation_requests
        )
    return False


def is_intake_officer(user: User) -> bool:
    return user.role is Role.INTAKE_OFFICER


def is_lead_unit_officer(user: User, case: Case) -> bool:
    return user.role in UNIT_ROLES and case.lead_unit_id == user.unit_id


def can_triage(user: User, case: Case) -> bool:
    """Classify, route, refuse, transfer, ask for more: the intake office. Which of these the
    item's state allows is the verb table's business (``intake.cases.verbs``)."""
    return is_intake_officer(user)


def can_review(user: User, case: Case) -> bool:
    return is_intake_officer(user)


def can_request_info(user: User, case: Case) -> bool:
    """The intake office at triage; the lead unit while it handles the item."""
    if case.state is State.RECEIVED:
        return is_intake_officer(user)
    return is_lead_unit_officer(user, case)


def can_reject(user: User, case: Case) -> bool:
    """At triage; and once the citizen has let a request for information made at triage run
    out (reason ``no_reply_to_info_request``, offered as soon as the item is flagged)."""
    if not is_intake_officer(user):
        return False
    if case.state is State.NEEDS_INFO:
        return case.info_overdue_at is not None and case.state_before_info is State.RECEIVED
    return True


def can_handle(user: User, case: Case) -> bool:
    """Accept, return, ask, defer, draft: the lead unit's handlers and lead."""
    return is_lead_unit_officer(user, case)


def can_defer(user: User, case: Case) -> bool:
    """Only regulation-content items may be kept for further study (Art. 14.2b)."""
    return is_lead_unit_officer(user, case) and case.content_class is ContentClass.REGULATION


def can_request_extension(user: User, case: Case) -> bool:
    """One request at a time, within the policy's number of extensions."""
    if not is_lead_unit_officer(user, case) or clocks.pending_extension(case) is not None:
        return False
    return clocks.extensions_granted(case) < extension_limits(case.priority, case.field_id)[0]


def can_decide_extension(user: User, case: Case) -> bool:
    """The unit lead, or a supervisor (DOMAIN.md §4), once a request waits."""
    if clocks.pending_extension(case) is None:
        return False
    return can_assign_handler(user, case) or user.role is Role.SUPERVISOR


def can_reply_cooperation(user: User, case: Case) -> bool:
    return bool(open_cooperation_for(user, case))


def can_assign_handler(user: User, case: Case) -> bool:
    return user.role is Role.UNIT_LEAD and case.lead_unit_id == user.unit_id


def can_add_note(user: User, case: Case) -> bool:
    """Supervisors read; everyone else who sees the case may leave an internal note."""
    return user.role is not Role.SUPERVISOR and can_view(user, case)


def can_reissue_key(user: User, case: Case) -> bool:
    """The intake office answers the hotline and the counter: it gives a new key to a citizen
    who lost theirs, after checking who they are."""
    return is_intake_officer(user)


def open_cooperation_for(user: User, case: Case) -> list[CooperationRequest]:
    """The cooperation requests this officer's unit is expected to answer."""
    if user.role not in UNIT_ROLES:
        return []
    return [
        r
        for r in case.cooperation_requests
        if r.unit_id == user.unit_id and r.status is CooperationStatus.OPEN
    ]


def can_download_attachments(user: User, case: Case) -> bool:
    return can_view(user, case)
