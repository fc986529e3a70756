"""The processing log (DOMAIN §6): administrative changes with before → after, views of
personal data, append-only, searchable by administrators and supervisors only."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DatabaseError

from intake.audit.models import AuditAction, AuditEntry
from intake.cases.models import Attachment, AttachmentPurpose
from intake.extensions import db
from tests.admin.helpers import submit, unit_id
from tests.cases.factories import make_staff
from tests.cases.factories import submit as submit_case
from tests.officer.helpers import login


@pytest.fixture
def staff(org):
    return make_staff()


def signed_in(app, user):
    client = app.test_client()
    login(client, user)
    return client


def entries(**where) -> list[AuditEntry]:
    db.session.expire_all()
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(query))


def test_an_administrators_edit_of_a_user_is_logged_with_before_and_after(app, staff):
    admin = signed_in(app, staff.admin)
    handler = staff.handler
    response = submit(admin, f"/admin/users/{handler.id}", {
        "full_name": handler.full_name, "role": "unit_lead",
        "unit_id": str(handler.unit_id),
    })  # fmt: skip
    assert response.status_code == 303
    [entry] = entries(target_type="user", action=AuditAction.UPDATE)
    assert entry.actor_id == staff.admin.id and entry.target_id == handler.id
    assert entry.target_label == "xuly@test.vn"
    assert entry.changes["role"] == ["handler", "unit_lead"]
    assert entry.changes["is_enabled"] == [True, False]  # the box was not ticked
    assert "full_name" not in entry.changes  # unchanged columns are not listed
    assert entry.remote_addr == "127.0.0.1"


def test_a_password_reset_is_logged_without_the_hash(app, staff):
    admin = signed_in(app, staff.admin)
    password = "mot-mat-khau-moi-rat-dai-2026"
    response = submit(admin, f"/admin/users/{staff.handler.id}/password",
                      {"password": password, "confirm": password})  # fmt: skip
    assert response.status_code == 303
    [entry] = entries(target_type="user", action=AuditAction.UPDATE)
    assert entry.changes["password_hash"] == ["•••", "•••"]
    assert "pbkdf2" not in str(entry.changes) and "scrypt" not in str(entry.changes)


def test_new_and_changed_organisation_data_is_logged(app, staff):
    admin = signed_in(app, staff.admin)
    response = submit(admin, "/admin/units/new", {
        "code": "xa-moi", "name": "Ủy ban nhân dân xã Mới", "kind": "commune",
        "parent_id": str(unit_id("so-tnmt")), "email": "xamoi@test.vn",
    })  # fmt: skip
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    [entry] = entries(target_type="unit", action=AuditAction.CREATE, actor_id=staff.admin.id)
    assert entry.target_label == "Ủy ban nhân dân xã Mới"
    assert entry.changes["code"] == [None, "xa-moi"]


def test_an_officer_opening_a_case_and_its_attachment_is_logged(app, staff, now, tmp_path):
    case = submit_case(now)
    db.session.commit()
    handler = signed_in(app, staff.intake)
    assert handler.get(f"/officer/cases/{case.id}").status_code == 200
    [view] = entries(action=AuditAction.VIEW)
    assert (view.actor_id, view.target_type, view.target_id, view.detail) == (
        staff.intake.id, "case", case.id, "case_page",
    )  # fmt: skip
    assert view.target_label == case.reference_code

    upload_dir = app.config["UPLOAD_DIR"]
    os.makedirs(upload_dir, exist_ok=True)
    with open(os.path.join(upload_dir, "k1"), "wb") as f:
        f.write(b"%PDF-1.4 test")
    attachment = Attachment(case_id=case.id, purpose=AttachmentPurpose.SUBMISSION,
                            original_name="giay-to.pdf",
                            content_type="application/pdf", size_bytes=13, sha256="0" * 64,
                            storage_key="k1")  # fmt: skip
    db.session.add(attachment)
    db.session.commit()
    download = handler.get(f"/officer/attachments/{attachment.id}")
    assert download.status_code == 200 and download.get_data() == b"%PDF-1.4 test"
    download.close()
    assert [e.detail for e in entries(action=AuditAction.VIEW)] == ["case_page", "attachment"]


def test_an_officer_who_may_not_see_the_case_leaves_no_view_entry(app, staff, now):
    case = submit_case(now)
    db.session.commit()
    other = signed_in(app, staff.other_handler)
    assert other.get(f"/officer/cases/{case.id}").status_code == 404
    assert entries(action=AuditAction.VIEW) == []


def test_the_log_is_searchable_by_administrators_and_supervisors_only(app, staff, now):
    case = submit_case(now)
    db.session.commit()
    signed_in(app, staff.intake).get(f"/officer/cases/{case.id}")
    for user in (staff.admin, staff.supervisor):
        page = signed_in(app, user).get("/audit/", query_string={"q": "tran thu ha"})
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and case.reference_code in html
        miss = signed_in(app, user).get("/audit/", query_string={"q": "khong-co-ai"})
        assert case.reference_code not in miss.get_data(as_text=True)
    for user in (staff.intake, staff.handler, staff.lead):
        assert signed_in(app, user).get("/audit/").status_code == 404
    assert app.test_client().get("/audit/").status_code in (302, 303, 401, 404)


def test_bad_filters_never_give_an_error_page(app, staff):
    admin = signed_in(app, staff.admin)
    for args in ({"date_from": "2026-13-45"}, {"action": "<x>"}, {"page": "-1"},
                 {"q": "%_\\'\""}, {"target_type": "case", "date_to": "2026-12-01"}):  # fmt: skip
        assert admin.get("/audit/", query_string=args).status_code == 200


def test_log_rows_cannot_be_updated_or_deleted(app, staff, now):
    case = submit_case(now)
    db.session.commit()
    signed_in(app, staff.intake).get(f"/officer/cases/{case.id}")
    [entry] = entries(action=AuditAction.VIEW)
    for statement in (
        sa.update(AuditEntry).where(AuditEntry.id == entry.id).values(actor_id=None),
        sa.delete(AuditEntry).where(AuditEntry.id == entry.id),
    ):
        with pytest.raises(DatabaseError, match="append-only"), db.engine.begin() as connection:
            connection.execute(statement)
    assert len(entries(action=AuditAction.VIEW)) == 1
