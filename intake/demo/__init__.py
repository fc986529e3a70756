"""The sample province for demonstrations and for a newcomer's first `make run`.

Organisation data modelled on Sóc Trăng province in 2022 (files in ``data/``, marked as sample
data there), one account per role, and sample items submitted through the real operation.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from intake.accounts.models import Role, User
from intake.cases.models import CaseKind, Channel, SubmitterType
from intake.cases.operations import CaseSubmission, submit_case
from intake.core.deadlines import DEFAULT_WORKING_DAYS
from intake.extensions import db
from intake.org.calendar import load_working_calendar
from intake.org.importer import import_org
from intake.org.models import DeadlinePolicy, Field, Procedure, Unit

DATA_DIR = Path(__file__).parent / "data"
DEMO_PASSWORD = "demo-pakn-2026"  # noqa: S105  (sample accounts, printed by `make run`)

DEMO_ACCOUNTS = [
    # email, name, role, unit code
    ("tiepnhan@soctrang.example.vn", "Trần Thị Thu Hà", Role.INTAKE_OFFICER, "vp-ubnd"),
    ("xuly.tnmt@soctrang.example.vn", "Lâm Văn Phước", Role.HANDLER, "so-tnmt"),
    ("lanhdao.tnmt@soctrang.example.vn", "Nguyễn Hoàng Minh", Role.UNIT_LEAD, "so-tnmt"),
    ("xuly.tp@soctrang.example.vn", "Thạch Thị Sa Ri", Role.HANDLER, "so-tp"),
    ("giamsat@soctrang.example.vn", "Huỳnh Quốc Bảo", Role.SUPERVISOR, "vp-ubnd"),
    ("quantri@soctrang.example.vn", "Đỗ Thanh Tùng", Role.ADMIN, "vp-ubnd"),
]

# (days ago, kind, submitter, title, content, proposed solution, field code, procedure code)
SAMPLE_ITEMS = [
    (
        9,
        CaseKind.FEEDBACK,
        ("Nguyễn Văn An", "Ấp Phú Hữu, xã An Hiệp, huyện Châu Thành"),
        "Chậm cấp giấy chứng nhận quyền sử dụng đất lần đầu",
        "Tôi nộp hồ sơ cấp giấy chứng nhận quyền sử dụng đất lần đầu tại bộ phận một cửa huyện "
        "Châu Thành từ tháng 6 nhưng đến nay đã quá hẹn hơn 30 ngày vẫn chưa có kết quả, cũng "
        "không nhận được văn bản xin lỗi hay hẹn lại ngày trả kết quả.",
        None,
        "dat-dai",
        None,
    ),
    (
        6,
        CaseKind.PETITION,
        ("Trần Thị Bích Ngọc", "Số 12 Lê Lợi, Phường 6, TP Sóc Trăng"),
        "Đề nghị cho phép nộp bản sao điện tử giấy khai sinh khi đăng ký nhập học",
        "Khi đăng ký nhập học lớp 1 cho con, nhà trường yêu cầu nộp bản sao có chứng thực giấy "
        "khai sinh dù thông tin đã có trên Cơ sở dữ liệu quốc gia về dân cư.",
        "Đề nghị Sở Giáo dục và Đào tạo hướng dẫn các trường khai thác dữ liệu dân cư, không yêu "
        "cầu bản sao chứng thực giấy khai sinh.",
        "giao-duc",
        None,
    ),
    (
        5,
        CaseKind.FEEDBACK,
        ("Lý Minh Tâm", "Khóm 2, Phường 1, thị xã Vĩnh Châu"),
        "Yêu cầu thêm giấy tờ ngoài quy định khi đăng ký khai sinh",
        "Cán bộ tư pháp phường yêu cầu tôi nộp thêm bản photo sổ hộ khẩu và giấy xác nhận cư trú "
        "khi đăng ký khai sinh cho con, trong khi thủ tục không quy định các giấy tờ này.",
        None,
        "ho-tich",
        "1.001193",
    ),
    (
        4,
        CaseKind.PETITION,
        ("Thạch Sô Phol", "Ấp Bưng Tróp, xã Lịch Hội Thượng, huyện Trần Đề"),
        "Kiến nghị rút ngắn thời gian giải quyết trợ cấp thất nghiệp",
        "Thời gian chờ quyết định hưởng trợ cấp thất nghiệp kéo dài, người lao động không có thu "
        "nhập trong thời gian này.",
        "Đề nghị tiếp nhận và trả kết quả trực tuyến, gửi thông báo qua tin nhắn khi có quyết "
        "định.",
        "lao-dong",
        None,
    ),
    (
        3,
        CaseKind.FEEDBACK,
        ("Võ Thị Kim Loan", "Ấp Mỹ Hòa, xã Đại Hải, huyện Kế Sách"),
        "Cổng dịch vụ công báo lỗi khi nộp hồ sơ cấp giấy phép xây dựng",
        "Tôi nộp hồ sơ cấp giấy phép xây dựng nhà ở riêng lẻ trực tuyến nhưng hệ thống báo lỗi "
        "tải tệp bản vẽ, đã thử nhiều lần trong ba ngày.",
        None,
        "xay-dung",
        None,
    ),
    (
        2,
        CaseKind.FEEDBACK,
        ("Danh Thị Mỹ", "Số 45 Trần Hưng Đạo, Phường 3, TP Sóc Trăng"),
        "Không được hướng dẫn đầy đủ khi làm thủ tục chứng thực",
        "Tôi đến chứng thực bản sao nhưng không được hướng dẫn rõ phí và phải đi lại ba lần vì "
        "thiếu giấy tờ mà lần đầu không được thông báo.",
        None,
        "chung-thuc",
        None,
    ),
    (
        1,
        CaseKind.PETITION,
        ("Công ty TNHH Thủy sản Mỹ Xuyên", "Quốc lộ 1A, huyện Mỹ Xuyên"),
        "Kiến nghị đơn giản hóa hồ sơ thay đổi nội dung đăng ký doanh nghiệp",
        "Doanh nghiệp phải nộp lại nhiều giấy tờ đã có trong hồ sơ đăng ký trước đây khi thay đổi "
        "người đại diện theo pháp luật.",
        "Đề nghị chỉ yêu cầu các giấy tờ liên quan đến nội dung thay đổi.",
        "dang-ky-kinh-doanh",
        None,
    ),
    (
        0,
        CaseKind.FEEDBACK,
        ("Kim Thị Sóc Khà", "Ấp Hòa Trung, xã Long Đức, huyện Long Phú"),
        "Hẹn trả kết quả cấp đổi giấy phép lái xe nhiều lần",
        "Tôi nộp hồ sơ đổi giấy phép lái xe và được hẹn trả sau 5 ngày làm việc nhưng đã ba lần "
        "đến nhận vẫn chưa có.",
        None,
        "giao-thong",
        None,
    ),
]


def build_demo(now: datetime) -> str:
    """Load everything in the session (the CLI commits) and describe what was built."""
    report = import_org(DATA_DIR)
    _seed_deadline_policies()
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    for email, name, role, unit_code in DEMO_ACCOUNTS:
        user = User(email=email, full_name=name, role=role, unit=units[unit_code])
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
    db.session.flush()
    items = _submit_sample_items(now)
    return (
        "Sample province (Sóc Trăng, 2022 — SAMPLE DATA): "
        f"{report.units} units, {report.fields} fields, {report.procedures} procedures, "
        f"{items} sample items.\n{accounts_summary()}"
    )


def accounts_summary() -> str:
    lines = [f"Demo accounts (password: {DEMO_PASSWORD}):"]
    lines += [f"  {role.value:<15} {email:<36} {name}" for email, name, role, _ in DEMO_ACCOUNTS]
    return "\n".join(lines)


def _seed_deadline_policies() -> None:
    existing = db.session.scalar(sa.select(sa.func.count(DeadlinePolicy.id)))
    if existing:
        return
    for (step, priority), days in DEFAULT_WORKING_DAYS.items():
        db.session.add(DeadlinePolicy(step=step, priority=priority, working_days=days))


def _submit_sample_items(now: datetime) -> int:
    calendar = load_working_calendar()
    fields = {f.code: f.id for f in db.session.scalars(sa.select(Field))}
    procedures = {p.national_code: p.id for p in db.session.scalars(sa.select(Procedure))}
    for index, item in enumerate(SAMPLE_ITEMS):
        days_ago, kind, (name, address), title, content, solution, field_code, proc = item
        is_company = name.startswith("Công ty")
        submit_case(
            CaseSubmission(
                submitter_type=(
                    SubmitterType.ORGANISATION if is_company else SubmitterType.INDIVIDUAL
                ),
                organisation_name=name if is_company else None,
                tax_code="2200123456" if is_company else None,
                full_name="Phạm Văn Hậu" if is_company else name,
                address=address,
                phone=f"09{index + 1:02d}{123456 + index * 1111:06d}",
                email=f"nguoidan{index + 1}@example.com",
                title=title,
                content=content,
                kind=kind,
                proposed_solution=solution,
                field_id=fields.get(field_code),
                procedure_id=procedures.get(proc) if proc else None,
                consent_to_publish=index % 3 != 0,
                declared_truthful=True,
                channel=Channel.WEB if index % 4 else Channel.PHONE,
            ),
            actor="system",
            now=now - timedelta(days=days_ago, hours=index),
            calendar=calendar,
            secret_key=current_app.config["SECRET_KEY"],
            upload_dir="",
            max_attachment_bytes=0,
        )
    return len(SAMPLE_ITEMS)
