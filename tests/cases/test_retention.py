"""Retention (DOMAIN §6): five years after an item ended, its personal data is anonymised and
its attachments deleted; the figures and the verifiable history stay (issue 14 point 10)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake.cases import operations as ops
from intake.cases.audit import verify_event_chains
from intake.cases.models import Attachment, AttachmentPurpose, Case, CaseEvent
from intake.core.states import State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from intake.reports.models import ReportEntry
from intake.worker import run_tick
from tests.cases.factories import advance, make_staff, submit

YEAR = timedelta(days=365)


@pytest.fixture
def staff(org):
    return make_staff()


def old_item(staff, ended_at, target=State.REJECTED) -> Case:
    case = advance(
        submit(ended_at - timedelta(days=3)), target, staff, ended_at - timedelta(days=2)
    )
    ops.add_note(case, actor=staff.intake, now=ended_at - timedelta(days=1),
                 text="Bà Hoa gọi lại từ số 0912 345 678.")  # fmt: skip
    db.session.flush()
    return case


def with_attachment(app, case) -> str:
    os.makedirs(app.config["UPLOAD_DIR"], exist_ok=True)
    path = os.path.join(app.config["UPLOAD_DIR"], f"file-{case.id}")
    with open(path, "wb") as f:
        f.write(b"scan of an ID card")
    attachment = Attachment(case_id=case.id, purpose=AttachmentPurpose.SUBMISSION,
                            original_name="cccd.jpg", content_type="image/jpeg", size_bytes=18,
                            sha256="0" * 64, storage_key=f"file-{case.id}")  # fmt: skip
    db.session.add(attachment)
    return path


def figures():
    return (
        db.session.scalar(sa.select(sa.func.count(ReportEntry.id))),
        sorted(db.session.execute(sa.select(Case.reference_code, Case.state)).all()),
    )


def test_items_ended_past_the_period_are_anonymised_and_nothing_else(app, staff, now):
    old = old_item(staff, now - 6 * YEAR)
    recent = old_item(staff, now - 4 * YEAR)
    file_path = with_attachment(app, old)
    db.session.commit()
    before = figures()

    dry = app.test_cli_runner().invoke(args=["intake", "retention", "--dry-run"])
    assert dry.exit_code == 0 and old.reference_code in dry.output
    assert recent.reference_code not in dry.output
    db.session.expire_all()
    assert db.session.get(Case, old.id).phone == "0912345678"  # the dry run changed nothing

    report = run_tick(now)
    assert report.anonymised == 1
    db.session.expire_all()
    gone = db.session.get(Case, old.id)
    assert gone.anonymised_at is not None
    assert (gone.full_name, gone.address, gone.phone, gone.email, gone.id_number) == (
        "—", "—", None, None, None,
    )  # fmt: skip
    assert "0912" not in gone.content and gone.search_text == ""
    notes = db.session.scalars(sa.select(CaseEvent.note).where(CaseEvent.case_id == old.id))
    assert all(note is None for note in notes)
    assert not os.path.exists(file_path)
    assert db.session.scalar(sa.select(sa.func.count(Attachment.id))) == 0
    for message in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.case_id == old.id)
    ):
        if message.status != "pending":
            assert "an.nguyen" not in message.recipient and "Nguyễn" not in message.body_text

    kept = db.session.get(Case, recent.id)
    assert kept.full_name == "Nguyễn Văn An" and kept.anonymised_at is None
    # Report figures and states are untouched; the history still verifies.
    entries_before, states_before = before
    assert figures() == (entries_before, states_before)
    assert list(verify_event_chains()) == []
    assert app.test_cli_runner().invoke(args=["intake", "audit-verify"]).exit_code == 0
    # Once only: the next round finds nothing more to do.
    assert run_tick(now).anonymised == 0


def test_an_erased_event_that_is_then_altered_is_found(app, staff, now):
    old = old_item(staff, now - 6 * YEAR)
    db.session.commit()
    run_tick(now)
    erased = db.session.scalar(
        sa.select(CaseEvent).where(CaseEvent.case_id == old.id, CaseEvent.kind == "note")
    )
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(CaseEvent).where(CaseEvent.id == erased.id).values(reason_code="other")
        )
    db.session.expire_all()
    [broken] = list(verify_event_chains())
    assert "erased event does not match its seal" in broken.problem


def test_the_period_is_a_setting(app, staff, now):
    old_item(staff, now - 2 * YEAR)
    db.session.commit()
    assert run_tick(now).anonymised == 0
    app.config["RETENTION_YEARS"] = 1
    assert run_tick(now).anonymised == 1
