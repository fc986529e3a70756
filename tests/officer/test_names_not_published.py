"""The submitter's own name and address never reach /published: the review page finds them in
the public texts (any case, with or without diacritics, after a form of address), masks them
in the texts it proposes, and refuses to publish a text that still carries them."""

import html
import re
from datetime import timedelta

from intake.cases import operations as ops
from intake.cases.models import Case, SubmitterType
from intake.core.states import State
from intake.extensions import db
from tests.cases.factories import advance, make_staff, submit
from tests.officer.helpers import form_fields, login

ANSWER = (
    "Trả lời bà Nguyễn Thị Hoa, ngụ tại so 12 duong Le Loi, phuong 3, TP Soc Trang: Sở Tài "
    "nguyên và Môi trường đã chỉ đạo Chi nhánh Văn phòng đăng ký đất đai cấp giấy chứng nhận "
    "trong tháng 4. Mọi thắc mắc xin liên hệ anh Trần Minh Tuấn, chuyên viên phụ trách."
)
CONTENT = (
    "Tôi là NGUYEN THI HOA, nộp hồ sơ cấp giấy chứng nhận từ tháng 6 nhưng đến nay vẫn chưa "
    "có kết quả. Mã số thuế hộ kinh doanh của tôi: 2200 123 456."
)


def answered_for_review(now):
    staff = make_staff()
    case = submit(
        now,
        submitter_type=SubmitterType.ORGANISATION,
        organisation_name="Hộ kinh doanh Sen Vàng",
        full_name="Nguyễn Thị Hoa",
        address="Số 12 đường Lê Lợi, Phường 3, TP Sóc Trăng",
        tax_code="2200123456",
        content=CONTENT,
    )
    advance(case, State.IN_PROGRESS, staff, now)
    later = now + timedelta(hours=2)
    ops.save_answer(case, actor=staff.handler, now=later, expected_version=None,
                    public_text=ANSWER, letter="Kính gửi bà Hoa.", upload=None,
                    upload_dir="/nonexistent", max_attachment_bytes=0)  # fmt: skip
    ops.submit_answer(case, actor=staff.handler, now=later, expected_version=None)
    db.session.commit()
    return staff, case


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(match.group(1).strip())


def test_the_submitters_name_and_address_are_found_masked_and_never_published(
    org, app, client, now
):
    staff, case = answered_for_review(now)
    login(client, staff.intake)
    review = client.get(f"/officer/cases/{case.id}/review").get_data(as_text=True)
    # Found in the originals, whatever the case or diacritics, and shown to the reviewer.
    for marked in ("Nguyễn Thị Hoa", "so 12 duong Le Loi, phuong 3, TP Soc Trang",
                   "NGUYEN THI HOA", "2200 123 456", "Trần Minh Tuấn"):  # fmt: skip
        assert f'">{marked}</mark>' in review, marked

    # The texts proposed for publication have them masked, the rest intact.
    answer, content = textarea(review, "published_answer"), textarea(review, "published_content")
    assert answer.startswith("Trả lời bà [họ tên đã ẩn], ngụ tại [địa chỉ đã ẩn]: Sở Tài")
    assert "liên hệ anh [họ tên đã ẩn], chuyên viên" in answer
    assert content.startswith("Tôi là [họ tên đã ẩn], nộp hồ sơ")
    assert "[mã số thuế đã ẩn]" in content

    # Publishing the raw texts is refused, even with the reviewer's confirmation ticked.
    path = f"/officer/cases/{case.id}/publish"
    fields = form_fields(review, path)
    raw = client.post(path, data={**fields, "published_title": case.title,
                                  "published_content": content,
                                  "published_answer": ANSWER.lower(),
                                  "confirm_redaction": "y"})  # fmt: skip
    assert raw.status_code == 422
    assert db.session.get(Case, case.id).state is State.ANSWER_REVIEW

    # The masked texts still need the confirmation: the reviewer decides, not the program.
    unconfirmed = client.post(path, data={**fields, "published_title": case.title,
                                          "published_content": content,
                                          "published_answer": answer})  # fmt: skip
    assert unconfirmed.status_code == 422
    done = client.post(path, data={**fields, "published_title": case.title,
                                   "published_content": content, "published_answer": answer,
                                   "confirm_redaction": "y"})  # fmt: skip
    assert done.status_code == 303
    public = app.test_client().get(f"/published/{case.reference_code}").get_data(as_text=True)
    assert "bà [họ tên đã ẩn]" in public
    for personal in ("Hoa", "HOA", "Le Loi", "Lê Lợi", "2200 123 456", "Tuấn"):
        assert personal not in public, personal
