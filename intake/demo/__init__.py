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
from intake.cases import operations as ops
from intake.cases.labels import REJECT_REASON_TEMPLATES
from intake.cases.models import CaseKind, Channel, ContentClass, SubmitterType
from intake.cases.operations import CaseSubmission, submit_case
from intake.cases.operations.review import known_personal_data
from intake.core import redaction
from intake.core.deadlines import DEFAULT_WORKING_DAYS
from intake.core.reasons import RejectReason, ReturnReason
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
    ("xuly.xd@soctrang.example.vn", "Trương Minh Khoa", Role.HANDLER, "so-xd"),
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
    (
        12,
        CaseKind.FEEDBACK,
        ("Huỳnh Văn Lợi", "Ấp Tân Qui A, xã An Hiệp, huyện Châu Thành"),
        "Chưa được hướng dẫn hồ sơ tách thửa đất",
        "Tôi hỏi bộ phận một cửa về hồ sơ tách thửa đất nông nghiệp nhưng mỗi lần được hướng dẫn "
        "một kiểu, phải bổ sung giấy tờ ba lần.",
        None,
        "dat-dai",
        None,
    ),
    (
        8,
        CaseKind.FEEDBACK,
        ("Lê Thị Hồng", "Ấp Sóc Dong, xã Đại Hải, huyện Kế Sách"),
        "Tố cáo cán bộ địa chính xã nhận tiền",
        "Tôi tố cáo cán bộ địa chính xã đã nhận tiền của gia đình tôi để đo đạc nhưng không "
        "làm, đề nghị xử lý nghiêm.",
        None,
        "dat-dai",
        None,
    ),
    (
        7,
        CaseKind.FEEDBACK,
        ("Công ty TNHH Gạo Sóc Trăng Xanh", "Khu công nghiệp An Nghiệp"),
        "Chậm hoàn thuế giá trị gia tăng hàng xuất khẩu",
        "Doanh nghiệp nộp hồ sơ hoàn thuế giá trị gia tăng cho gạo xuất khẩu từ tháng 8 nhưng "
        "chưa được giải quyết.",
        None,
        "dang-ky-kinh-doanh",
        None,
    ),
    (
        6,
        CaseKind.FEEDBACK,
        ("Quách Thị Thu", "Khóm 4, Phường 2, TP Sóc Trăng"),
        "Yêu cầu giấy xác nhận tình trạng hôn nhân nhiều lần",
        "Khi đăng ký kết hôn, tôi bị yêu cầu nộp lại giấy xác nhận tình trạng hôn nhân dù đã "
        "nộp trước đó.",
        None,
        "ho-tich",
        None,
    ),
    (
        10,
        CaseKind.PETITION,
        ("Trịnh Quốc Việt", "Số 8 Hùng Vương, Phường 6, TP Sóc Trăng"),
        "Kiến nghị sửa quy định hạn mức tách thửa đất ở đô thị",
        "Quy định diện tích tối thiểu được tách thửa đất ở tại các phường hiện nay cao hơn nhiều "
        "tỉnh lân cận, gây khó khăn cho người dân chia đất cho con.",
        "Đề nghị nghiên cứu điều chỉnh diện tích tối thiểu tách thửa đất ở tại đô thị.",
        "dat-dai",
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
    """Submit every sample item, then walk each to a different state through the real
    operations, so that a newcomer can open an item in any state and read its history."""
    calendar = load_working_calendar()
    cases = []
    fields = {f.code: f.id for f in db.session.scalars(sa.select(Field))}
    procedures = {p.national_code: p.id for p in db.session.scalars(sa.select(Procedure))}
    for index, item in enumerate(SAMPLE_ITEMS):
        days_ago, kind, (name, address), title, content, solution, field_code, proc = item
        is_company = name.startswith("Công ty")
        result = submit_case(
            CaseSubmission(
                submitter_type=(
                    SubmitterType.ORGANISATION if is_company else SubmitterType.INDIVIDUAL
                ),
                organisation_name=name if is_company else None,
                tax_code="2200123456" if is_company else None,
                full_name="Phạm Văn Hậu" if is_company else name,
                address=address,
                # Every way of being reached (Art. 7): phone and e-mail; a mobile and a postal
                # address (SMS); only a postal address (letters in the print queue).
                phone=f"09{index + 1:02d}{123456 + index * 1111:06d}" if index % 3 < 2 else None,
                email=f"nguoidan{index + 1}@example.com" if index % 3 == 0 else None,
                postal_address=address if index % 3 else None,
                title=title,
                content=content,
                kind=kind,
                proposed_solution=solution,
                field_id=fields.get(field_code),
                procedure_id=procedures.get(proc) if proc else None,
                consent_to_publish=index % 3 != 0,
                declared_truthful=True,
                channel=(
                    Channel.PAPER if index % 3 == 2 else Channel.WEB if index % 4 else Channel.PHONE
                ),
            ),
            actor="system",
            now=now - timedelta(days=days_ago, hours=index),
            calendar=calendar,
            secret_key=current_app.config["SECRET_KEY"],
            upload_dir="",
            max_attachment_bytes=0,
        )
        cases.append((result.case, now - timedelta(days=days_ago, hours=index)))
    db.session.flush()
    _walk_sample_items(cases, calendar)
    return len(SAMPLE_ITEMS)


def _walk_sample_items(cases, calendar) -> None:
    users = {u.email.split("@")[0]: u for u in db.session.scalars(sa.select(User))}
    units = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    intake, tnmt, tnmt_lead = users["tiepnhan"], users["xuly.tnmt"], users["lanhdao.tnmt"]
    tp, xd = users["xuly.tp"], users["xuly.xd"]

    def steps(start):
        moment = start
        while True:
            moment += timedelta(hours=5)
            yield moment

    def route(case, t, unit, handler, content_class=ContentClass.BEHAVIOUR, cooperating=()):
        ops.classify_case(case, actor=intake, now=next(t), expected_version=None, kind=case.kind,
                          content_class=content_class, field_id=case.field_id,
                          procedure_id=case.procedure_id, priority=case.priority,
                          calendar=calendar)  # fmt: skip
        ops.assign_case(case, actor=intake, now=next(t), expected_version=None,
                        lead_unit=units[unit], cooperating_units=[units[c] for c in cooperating],
                        note="Đề nghị xem xét, giải quyết theo thẩm quyền.",
                        calendar=calendar)  # fmt: skip
        if handler is not None:
            ops.accept_case(case, actor=handler, now=next(t), expected_version=None,
                            calendar=calendar)  # fmt: skip

    def answer(case, t, handler, public_text, letter):
        ops.save_answer(case, actor=handler, now=next(t), expected_version=None,
                        public_text=public_text, letter=letter, upload=None, upload_dir="",
                        max_attachment_bytes=0)  # fmt: skip
        ops.submit_answer(case, actor=handler, now=next(t), expected_version=None,
                          calendar=calendar)  # fmt: skip

    def publish(case, t):
        known = known_personal_data(case)
        ops.publish_answer(case, actor=intake, now=next(t), expected_version=None,
                           published_title=redaction.mask(case.title, known=known),
                           published_content=redaction.mask(case.content, known=known),
                           published_answer=redaction.mask(case.answer_public_text,
                                                           known=known))  # fmt: skip

    (land, school, birth, jobless, permit, certify, _business, _licence,
     parcel, denunciation, tax, marriage, regulation) = cases  # fmt: skip

    # Answered and published, after a cooperation request to Sở Xây dựng.
    case, t = land[0], steps(land[1])
    route(case, t, "so-tnmt", tnmt, cooperating=["so-xd"])
    ops.add_note(
        case,
        actor=tnmt,
        now=next(t),
        text="Đã làm việc với Chi nhánh Văn phòng đăng ký đất đai huyện Châu Thành.",
    )
    ops.reply_cooperation(case.cooperation_requests[0], actor=xd, now=next(t),
                          reply="Thửa đất không vướng quy hoạch xây dựng.")  # fmt: skip
    answer(
        case,
        t,
        tnmt,
        "Sở đã chỉ đạo Chi nhánh Văn phòng đăng ký đất đai huyện Châu Thành hoàn thành việc "
        "cấp giấy chứng nhận trong 5 ngày làm việc và xin lỗi người dân vì trễ hẹn.",
        "Kính gửi ông Nguyễn Văn An, Sở Tài nguyên và Môi trường đã chỉ đạo hoàn thành việc "
        "cấp giấy chứng nhận cho ông; mời ông nhận kết quả tại bộ phận một cửa huyện.",
    )
    publish(case, t)

    # Closed after the citizen rated the answer.
    case, t = parcel[0], steps(parcel[1])
    route(case, t, "so-tnmt", tnmt)
    answer(
        case,
        t,
        tnmt,
        "Sở đã ban hành danh mục hồ sơ tách thửa thống nhất và niêm yết tại bộ phận một cửa.",
        "Kính gửi ông Huỳnh Văn Lợi, hồ sơ tách thửa gồm các giấy tờ theo danh mục gửi kèm.",
    )
    publish(case, t)
    # A satisfied rating closes the item (DOMAIN §3).
    ops.rate_answer(case, now=next(t), score=4, comment="Đã được hướng dẫn rõ ràng.")

    # Waiting for review at the intake office.
    case, t = school[0], steps(school[1])
    route(case, t, "so-tp", tp, content_class=ContentClass.REGULATION)
    answer(
        case,
        t,
        tp,
        "Sở Tư pháp đã đề nghị Sở Giáo dục và Đào tạo hướng dẫn các trường khai thác dữ liệu "
        "dân cư thay cho bản sao giấy khai sinh. Liên hệ: 0299 3822 456.",
        "Kính gửi bà Trần Thị Bích Ngọc, kiến nghị của bà đã được chuyển đến Sở Giáo dục và "
        "Đào tạo để hướng dẫn các trường.",
    )

    # In progress at Sở Tư pháp, with a cooperation request still open.
    case, t = birth[0], steps(birth[1])
    route(case, t, "so-tp", tp, cooperating=["so-xd"])

    # Assigned, waiting for the unit to accept.
    case, t = jobless[0], steps(jobless[1])
    route(case, t, "so-ldtbxh", None)

    # The intake office asked the citizen for more information.
    case, t = permit[0], steps(permit[1])
    ops.request_info(case, actor=intake, now=next(t), expected_version=None,
                     message="Đề nghị ông/bà cung cấp ảnh chụp màn hình thông báo lỗi và mã hồ "
                             "sơ trên Cổng Dịch vụ công.")  # fmt: skip

    # Returned by a unit that was not competent: back in the intake queue, bounced once.
    case, t = certify[0], steps(certify[1])
    route(case, t, "so-tnmt", tnmt)
    ops.return_to_intake(
        case, actor=tnmt, now=next(t), expected_version=None,
        reason=ReturnReason.NOT_COMPETENT,
        note="Chứng thực thuộc thẩm quyền của Sở Tư pháp và UBND cấp xã.",
    )  # fmt: skip

    # Refused: a denunciation, redirected to the inspectorate.
    case, t = denunciation[0], steps(denunciation[1])
    reason = RejectReason.COMPLAINT_OR_DENUNCIATION
    ops.reject_case(
        case, actor=intake, now=next(t), expected_version=None, reason=reason,
        message=str(REJECT_REASON_TEMPLATES[reason]),
    )  # fmt: skip

    # Transferred to an agency outside the province's competence.
    case, t = tax[0], steps(tax[1])
    ops.transfer_out(case, actor=intake, now=next(t), expected_version=None,
                     agency_unit=units["cuc-thue"],
                     letter_number="125/VP-KSTT")  # fmt: skip

    # Withdrawn by the citizen.
    case, t = marriage[0], steps(marriage[1])
    ops.withdraw_case(case, now=next(t), reason="Đã được giải quyết tại UBND phường.")

    # Kept for further study: a petition on the regulation itself.
    case, t = regulation[0], steps(regulation[1])
    route(case, t, "so-tnmt", tnmt_lead, content_class=ContentClass.REGULATION)
    ops.defer_case(
        case, actor=tnmt_lead, now=next(t), expected_version=None,
        reason="Chờ Luật Đất đai 2024 và nghị định hướng dẫn để rà soát quy định.",
    )  # fmt: skip
