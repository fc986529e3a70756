"""Who may see and do what with a case: predicates next to the data (DOMAIN.md §1).

Views load a case, then check; a case the user may not see is a 404, never a 403, so that its
existence is not revealed. The same rules, as SQL, filter every queue.
"""

from __future__ import annotations

import sqlalchemy as sa

from intake.accounts.models import Role, User
from intake.cases.models import Case, CooperationRequest, CooperationStatus
from intake.core.states import State

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
    return is_intake_officer(user) and case.state in (State.RECEIVED, State.NEEDS_INFO)


def can_review(user: User, case: Case) -> bool:
    return is_intake_officer(user) and case.state is State.ANSWER_REVIEW


def can_handle(user: User, case: Case) -> bool:
    """Accept, return, ask, defer, draft: the lead unit's handlers and lead."""
    return is_lead_unit_officer(user, case)


def can_assign_handler(user: User, case: Case) -> bool:
    return user.role is Role.UNIT_LEAD and case.lead_unit_id == user.unit_id


def can_add_note(user: User, case: Case) -> bool:
    """Supervisors read; everyone else who sees the case may leave an internal note."""
    return user.role is not Role.SUPERVISOR and can_view(user, case)


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
