"""Several officers at the same moment, on SQLite and on PostgreSQL: nothing accepted is lost,
one of several conflicting actions wins and the others get the clear message, never a 500."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from intake.cases.models import Case, CaseEvent
from intake.core.states import EventKind, State
from intake.extensions import db
from intake.org.models import RoutingRule
from tests.cases.factories import advance, make_staff, submit
from tests.conftest import hidden_inputs
from tests.officer.helpers import form_fields, login

PEOPLE = 6


def _at_once(calls) -> list:
    """Run the calls in threads released together; their results in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _signed_in_clients(app, user, n):
    clients = []
    for _ in range(n):
        client = app.test_client()
        login(client, user)
        clients.append(client)
    return clients


def test_notes_written_at_the_same_moment_are_all_kept(app, org, now):
    staff = make_staff()
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    clients = _signed_in_clients(app, staff.handler, PEOPLE)
    path = f"/officer/cases/{case.id}/note"
    forms = [form_fields(c.get(f"/officer/cases/{case.id}").text, path) for c in clients]
    responses = _at_once(
        [
            (lambda c=c, f=f, i=i: c.post(path, data={**f, "text": f"Ghi chú số {i}"}))
            for i, (c, f) in enumerate(zip(clients, forms, strict=True))
        ]
    )
    assert [r.status_code for r in responses] == [303] * PEOPLE, [
        r.text[:3000] for r in responses if r.status_code != 303
    ]
    db.session.expire_all()
    notes = db.session.scalars(
        sa.select(CaseEvent.note).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == str(EventKind.NOTE)
        )
    ).all()
    assert sorted(notes) == sorted(f"Ghi chú số {i}" for i in range(PEOPLE))


def test_the_same_item_classified_by_several_officers_at_once_has_one_winner(app, org, now):
    staff = make_staff()
    case = submit(now)
    db.session.commit()
    version = case.version
    clients = _signed_in_clients(app, staff.intake, PEOPLE)
    path = f"/officer/cases/{case.id}/classify"
    forms = [form_fields(c.get(f"/officer/cases/{case.id}").text, path) for c in clients]
    priorities = ["urgent", "normal"] * (PEOPLE // 2)
    responses = _at_once(
        [
            (lambda c=c, f=f, p=p: c.post(path, data={**f, "kind": "phan_anh", "priority": p}))
            for c, f, p in zip(clients, forms, priorities, strict=True)
        ]
    )
    assert all(r.status_code == 303 for r in responses), [r.status_code for r in responses]
    messages = [c.get(f"/officer/cases/{case.id}").text for c in clients]
    winners = [m for m in messages if "Đã lưu phân loại." in m]
    losers = [m for m in messages if "vừa được người khác cập nhật" in m]
    assert len(winners) == 1 and len(losers) == PEOPLE - 1
    db.session.expire_all()
    classified = db.session.scalar(
        sa.select(sa.func.count()).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == str(EventKind.CLASSIFY)
        )
    )
    assert classified == 1 and db.session.get(Case, case.id).version > version


def test_a_routing_rule_edited_while_it_is_deleted_gives_no_error_page(app, org, now):
    staff = make_staff()
    rule = db.session.scalars(sa.select(RoutingRule)).first()
    db.session.commit()
    editor, deleter = _signed_in_clients(app, staff.admin, 2)
    edit_path, delete_path = f"/admin/rules/{rule.id}", f"/admin/rules/{rule.id}/delete"
    csrf = hidden_inputs(editor.get(edit_path).text)["csrf_token"]
    data = {
        "csrf_token": csrf,
        "field_id": str(rule.field_id or ""),
        "procedure_id": str(rule.procedure_id or ""),
        "unit_id": str(staff.handler.unit_id),
    }
    delete_form = form_fields(deleter.get(edit_path).text, delete_path)
    responses = _at_once(
        [
            lambda: editor.post(edit_path, data=data),
            lambda: deleter.post(delete_path, data=delete_form),
        ]
    )
    assert all(r.status_code < 500 for r in responses), [r.status_code for r in responses]
