"""Reaching any state the way the service does: by running the real operations in order."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from intake.accounts.models import Role, User
from intake.cases import operations as ops
from intake.cases.models import Case, CaseKind, ContentClass, SubmitterType
from intake.core.calendar import WorkingCalendar
from intake.core.deadlines import Priority
from intake.core.reasons import RejectReason
from intake.core.states import State
from intake.extensions import db
from intake.org.models import Unit

CALENDAR = WorkingCalendar()


@dataclass
class Staff:
    intake: User
    handler: User
    lead: User
    other_handler: User
    other_lead: User
    coop_handler: User
    supervisor: User
    admin: User

    @property
    def lead_unit(self) -> Unit:
        return self.handler.unit


PASSWORD = "mat-khau-thu-nghiem"  # noqa: S105


@functools.cache
def _password_hash(method: str) -> str:
    # One hash shared by every test user, by the method the app is configured with (cheap in
    # tests; every sign-in checks it).
    return generate_password_hash(PASSWORD, method)


def make_user(email: str, role: Role, unit_code: str, name: str | None = None) -> User:
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit_code))
    user = User(email=email, full_name=name or email.split("@")[0], role=role, unit=unit)
    user.password_hash = _password_hash(current_app.config["PASSWORD_HASH_METHOD"])
    db.session.add(user)
    return user


def unit_by_code(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def make_staff() -> Staff:
    staff = Staff(
        intake=make_user("tiepnhan@test.vn", Role.INTAKE_OFFICER, "vp-ubnd", "Trần Thu Hà"),
        handler=make_user("xuly@test.vn", Role.HANDLER, "so-tnmt", "Lâm Văn Phước"),
        lead=make_user("lanhdao@test.vn", Role.UNIT_LEAD, "so-tnmt", "Nguyễn Hoàng Minh"),
        other_handler=make_user("xuly.khac@test.vn", Role.HANDLER, "so-tp"),
        other_lead=make_user("lanhdao.khac@test.vn", Role.UNIT_LEAD, "so-tp"),
        coop_handler=make_user("phoihop@test.vn", Role.HANDLER, "so-xd", "Cán bộ Xây dựng"),
        supervisor=make_user("giamsat@test.vn", Role.SUPERVISOR, "vp-ubnd"),
        admin=make_user("quantri@test.vn", Role.ADMIN, "vp-ubnd"),
    )
    db.session.commit()
    return staff


def submit(now: datetime, **overrides) -> Case:
    data = dict(
        submitter_type=SubmitterType.INDIVIDUAL,
        full_name="Nguyễn Văn An",
        address="Ấp Phú Hữu, xã An Hiệp, huyện Châu Thành",
        phone="0912345678",
        email="an.nguyen@example.com",
        title="Chậm cấp giấy chứng nhận quyền sử dụng đất",
        content="Hồ sơ nộp từ tháng 6, đến nay quá hẹn 30 ngày. Liên hệ 0912 345 678.",
        kind=CaseKind.FEEDBACK,
        consent_to_publish=True,
        declared_truthful=True,
    )
    data.update(overrides)
    result = ops.submit_case(
        ops.CaseSubmission(**data),
        actor="citizen",
        now=now,
        calendar=CALENDAR,
        secret_key="test",
        upload_dir="/nonexistent",
        max_attachment_bytes=1024,
    )
    db.session.flush()
    return result.case


def advance(case: Case, target: State, staff: Staff, now: datetime) -> Case:
    """Move a fresh case to ``target`` through the transitions a real item would take."""
    t = iter(now + timedelta(minutes=i) for i in range(1, 100))
    if target is State.RECEIVED:
        return case
    if target is State.REJECTED:
        ops.reject_case(case, actor=staff.intake, now=next(t), expected_version=None,
                        reason=RejectReason.ABUSIVE_OR_SPAM, message="Không phù hợp.")  # fmt: skip
        return case
    if target is State.TRANSFERRED_OUT:
        ops.transfer_out(case, actor=staff.intake, now=next(t), expected_version=None,
                         agency_unit=unit_by_code("bo-tc"),
                         letter_number="123/VP-KSTT")  # fmt: skip
        return case
    if target is State.WITHDRAWN:
        ops.withdraw_case(case, now=next(t), reason="Đã được giải quyết.")
        return case
    if target is State.NEEDS_INFO:
        ops.request_info(case, actor=staff.intake, now=next(t), expected_version=None,
                         message="Đề nghị cung cấp số giấy hẹn trả kết quả.")  # fmt: skip
        return case
    ops.classify_case(
        case, actor=staff.intake, now=next(t), expected_version=None, kind=case.kind,
        content_class=ContentClass.REGULATION, field_id=case.field_id, procedure_id=None,
        priority=Priority.NORMAL, calendar=CALENDAR,
    )  # fmt: skip
    ops.assign_case(case, actor=staff.intake, now=next(t), expected_version=None,
                    lead_unit=staff.lead_unit, cooperating_units=[], note=None,
                    calendar=CALENDAR)  # fmt: skip
    if target is State.ASSIGNED:
        return case
    ops.accept_case(case, actor=staff.handler, now=next(t), expected_version=None,
                    calendar=CALENDAR)  # fmt: skip
    if target is State.IN_PROGRESS:
        return case
    if target is State.DEFERRED:
        ops.defer_case(case, actor=staff.handler, now=next(t), expected_version=None,
                       reason="Chờ Bộ ban hành hướng dẫn.")  # fmt: skip
        return case
    ops.save_answer(
        case, actor=staff.handler, now=next(t), expected_version=None,
        public_text="Sở đã chỉ đạo giải quyết hồ sơ trong tháng.",
        letter="Kính gửi ông An, Sở đã chỉ đạo giải quyết hồ sơ của ông.",
        upload=None, upload_dir="/nonexistent", max_attachment_bytes=0,
    )  # fmt: skip
    ops.submit_answer(case, actor=staff.handler, now=next(t), expected_version=None,
                      calendar=CALENDAR)  # fmt: skip
    if target is State.ANSWER_REVIEW:
        return case
    ops.publish_answer(
        case, actor=staff.intake, now=next(t), expected_version=None,
        published_title=case.title, published_content="Hồ sơ nộp từ tháng 6, quá hẹn.",
        published_answer=case.answer_public_text,
    )  # fmt: skip
    if target is State.ANSWERED:
        return case
    if target is State.CLOSED:
        ops.close_case(case, now=next(t))
        return case
    raise AssertionError(target)
