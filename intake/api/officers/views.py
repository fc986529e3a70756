"""A case as the officers' API shows it: plain dicts for the schemas of ``schemas``, and the
loading that every operation shares (by code; 404 for a case the officer may not see)."""

from __future__ import annotations

from flask_babel import get_locale

from intake.accounts.models import User
from intake.api.problems import ProblemError
from intake.cases import permissions as perms
from intake.cases import queries
from intake.cases.labels import STATE_LABELS
from intake.cases.models import Case
from intake.cases.verbs import available_actions
from intake.extensions import db
from intake.web.template_helpers import working_days_left


def load_case(code: str, user: User) -> Case:
    """The case with this code, or 404 when there is none or this officer may not see it
    (the same answer, so that its existence is not revealed)."""
    case = None
    if 0 < len(code) <= 24:
        case = db.session.scalar(db.select(Case).where(Case.reference_code == code))
    if case is None or not perms.can_view(user, case):
        raise ProblemError(404, not_found_message())
    return case


def not_found_message() -> str:
    from flask_babel import gettext as _

    return _("Không tìm thấy hồ sơ này.")


def _named(thing) -> dict | None:
    if thing is None:
        return None
    name = thing.display_name(str(get_locale())) if hasattr(thing, "display_name") else None
    return {"id": thing.id, "name": name or getattr(thing, "full_name", None) or thing.name}


def summary(case: Case) -> dict:
    return {
        "code": case.reference_code,
        "version": case.version,
        "state": case.state.value,
        "state_label": str(STATE_LABELS[case.state]),
        "kind": case.kind.value,
        "priority": case.priority.value,
        "channel": case.channel.value,
        "title": case.title,
        "received_at": case.received_at,
        "field": _named(case.field),
        "lead_unit": _named(case.lead_unit),
        "handler": _named(case.handler),
        "bounce_count": case.bounce_count,
        "triage_due_at": case.triage_due_at,
        "step_due_at": case.step_due_at,
        "overall_due_at": case.overall_due_at,
        "working_days_left": working_days_left(case.step_due_at or case.triage_due_at),
    }


def detail(case: Case, user: User) -> dict:
    """Everything the case page shows this officer."""
    history = db.session.scalars(queries.full_history(case)).all()
    return {
        **summary(case),
        "content_class": case.content_class.value if case.content_class else None,
        "procedure": {"id": case.procedure.id, "name": case.procedure.name}
        if case.procedure
        else None,
        "national_code": case.national_code,
        "submitter": {
            "type": case.submitter_type.value,
            "full_name": case.full_name,
            "organisation_name": case.organisation_name,
            "tax_code": case.tax_code,
            "address": case.address,
            "postal_address": case.postal_address,
            "phone": case.phone,
            "email": case.email,
            "id_number": case.id_number,
            "language": case.language,
        },
        "content": case.content,
        "proposed_solution": case.proposed_solution,
        "consent_to_publish": case.consent_to_publish,
        "duplicate_of": case.duplicate_of.reference_code if case.duplicate_of else None,
        "answer_public_text": case.answer_public_text,
        "answer_letter": case.answer_letter,
        "answer_submitted_at": case.answer_submitted_at,
        "published_title": case.published_title,
        "published_content": case.published_content,
        "published_answer": case.published_answer,
        "published_at": case.published_at,
        "rating_score": case.rating_score,
        "rating_comment": case.rating_comment,
        "answered_at": case.answered_at,
        "closed_at": case.closed_at,
        "available_actions": available_actions(user, case),
        "history": [_event(e) for e in history],
        "clocks": [_clock(c) for c in case.clocks],
        "attachments": [_attachment(a) for a in case.attachments],
        "cooperation_requests": [_cooperation(r) for r in case.cooperation_requests],
    }


def _event(event) -> dict:
    actor = event.actor.full_name if event.actor is not None else event.actor_label or None
    return {
        "seq": event.seq,
        "kind": event.kind,
        "at": event.at,
        "actor": actor,
        "from_state": event.from_state.value if event.from_state else None,
        "to_state": event.to_state.value if event.to_state else None,
        "unit": _named(event.unit),
        "reason_code": event.reason_code,
        "note": event.note,
        "details": event.details or {},
        "is_public": event.is_public,
    }


def _clock(clock) -> dict:
    return {
        "step": clock.step.value,
        "status": clock.status.value,
        "unit": _named(clock.unit),
        "started_at": clock.started_at,
        "due_at": clock.due_at,
        "paused_at": clock.paused_at,
        "ended_at": clock.ended_at,
        "on_time": clock.on_time,
        "working_days": clock.working_days,
        "extension_working_days": clock.extension_working_days,
        "extension_status": clock.extension_status.value if clock.extension_status else None,
    }


def _attachment(item) -> dict:
    return {
        "id": item.id,
        "purpose": item.purpose.value,
        "name": item.original_name,
        "content_type": item.content_type,
        "size_bytes": item.size_bytes,
        "sha256": item.sha256,
        "uploaded_at": item.uploaded_at,
    }


def _cooperation(request) -> dict:
    return {
        "id": request.id,
        "unit": _named(request.unit),
        "status": request.status.value,
        "question": request.question,
        "requested_at": request.requested_at,
        "due_at": request.due_at,
        "reply": request.reply,
        "replied_at": request.replied_at,
    }
