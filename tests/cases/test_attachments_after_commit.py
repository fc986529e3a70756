"""Uploaded files reach their place only with the transaction: a rolled-back submission
leaves no file behind, a committed one points at a whole file."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from intake.cases import operations as ops
from intake.cases.attachments import STAGING_FOLDER, Upload
from intake.cases.models import Attachment, Case, CaseKind, SubmitterType
from intake.extensions import db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _submit_with_a_file(now, upload_dir: Path):
    upload_dir.mkdir()
    return ops.submit_case(
        ops.CaseSubmission(
            submitter_type=SubmitterType.INDIVIDUAL,
            full_name="Trần Thị Bình",
            address="Phường 2, TP Sóc Trăng",
            phone="0912345678",
            email=None,
            postal_address="Phường 2, TP Sóc Trăng",  # Art. 7: on the web, e-mail or post
            title="Giấy tờ bị trả lại nhiều lần",
            content="Nội dung kèm bản chụp.",
            kind=CaseKind.FEEDBACK,
            declared_truthful=True,
            uploads=[Upload("ban-chup.pdf", PDF)],
        ),
        actor="citizen",
        now=now,
        calendar=None,
        secret_key="test",
        upload_dir=str(upload_dir),
        max_attachment_bytes=1024,
    )


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_rolled_back_submission_leaves_no_file_and_no_item(org, now, tmp_path):
    result = _submit_with_a_file(now, tmp_path / "uploads")
    code = result.case.reference_code
    db.session.flush()
    assert len(_files(tmp_path / "uploads")) == 1  # staged while the transaction runs
    assert _files(tmp_path / "uploads")[0].parent.name == STAGING_FOLDER
    db.session.rollback()
    assert _files(tmp_path / "uploads") == []
    # The item was inserted in a savepoint, the transaction's first write: released, it is
    # still undone by the rollback (on SQLite as on PostgreSQL).
    assert db.session.scalar(sa.select(Case.id).where(Case.reference_code == code)) is None


def test_a_committed_submission_has_its_file_under_the_stored_key(org, now, tmp_path):
    result = _submit_with_a_file(now, tmp_path / "uploads")
    db.session.commit()
    attachment = db.session.get(Attachment, result.case.attachments[0].id)
    stored = tmp_path / "uploads" / attachment.storage_key
    assert stored.read_bytes() == PDF
    assert [p for p in _files(tmp_path / "uploads") if p.parent.name == STAGING_FOLDER] == []
