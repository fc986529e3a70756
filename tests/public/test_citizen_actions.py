"""What a citizen does on the tracking page: add information when asked, withdraw, rate the
answer and ask once for reconsideration; and what /published shows."""

import io
from datetime import timedelta

import sqlalchemy as sa

from intake.cases.models import Attachment, Case
from intake.core.states import State
from intake.extensions import db
from tests.cases.factories import advance, make_staff
from tests.conftest import hidden_inputs, valid_submission
from tests.core.test_filetypes import EXE, PDF
from tests.officer.helpers import form_fields


def submitted_case(client, submit_form) -> Case:
    submit_form(valid_submission(consent_to_publish="y"))
    client.get("/receipt")
    return db.session.scalar(sa.select(Case).order_by(Case.id.desc()))


def post(client, case, action, **data):
    page = client.get(f"/track/{case.reference_code}").get_data(as_text=True)
    path = f"/track/{case.reference_code}/{action}"
    return client.post(path, data={**form_fields(page, path), **data},
                       content_type="multipart/form-data")  # fmt: skip


def test_adding_information_when_asked(org, client, submit_form, now):
    staff = make_staff()
    case = submitted_case(client, submit_form)
    advance(case, State.NEEDS_INFO, staff, now)
    db.session.commit()
    page = client.get(f"/track/{case.reference_code}").get_data(as_text=True)
    assert "Đề nghị cung cấp số giấy hẹn trả kết quả." in page  # the officer's question

    refused = post(client, case, "info", text="", attachments=[(io.BytesIO(EXE), "x.pdf")])
    assert refused.status_code == 422
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is State.NEEDS_INFO

    done = post(client, case, "info", text="Số giấy hẹn: 123/GH.",
                attachments=[(io.BytesIO(PDF), "giay-hen.pdf")])  # fmt: skip
    assert done.status_code == 303
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state is State.RECEIVED
    assert db.session.scalar(sa.select(Attachment.original_name)) == "giay-hen.pdf"
    assert "Người gửi bổ sung thông tin" in client.get(f"/track/{case.reference_code}").get_data(
        as_text=True
    )


def test_withdrawing_needs_a_confirmation(org, client, submit_form):
    case = submitted_case(client, submit_form)
    assert post(client, case, "withdraw", reason="Đã xong.").status_code == 422
    assert post(client, case, "withdraw", reason="Đã xong.", confirm="y").status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is State.WITHDRAWN
    page = client.get(f"/track/{case.reference_code}").get_data(as_text=True)
    assert "Người gửi rút" in page and f"/track/{case.reference_code}/withdraw" not in page


def test_rating_once_and_reconsideration_once(org, client, submit_form, now):
    staff = make_staff()
    case = submitted_case(client, submit_form)
    advance(case, State.ANSWERED, staff, now)
    case.answered_at = case.published_at = now.replace(year=2099)  # within the window
    db.session.commit()
    page = client.get(f"/track/{case.reference_code}").get_data(as_text=True)
    assert "Kính gửi ông An" in page  # the answer letter
    assert post(client, case, "rate", score="9").status_code == 422
    assert post(client, case, "rate", score="2", comment="Chưa rõ.").status_code == 303
    page = client.get(f"/track/{case.reference_code}").get_data(as_text=True)
    assert f"/track/{case.reference_code}/rate" not in page  # no second rating offered
    again = client.post(f"/track/{case.reference_code}/rate", data={**hidden_inputs(page),
                                                                     "score": "5"})  # fmt: skip
    assert again.status_code == 303  # refused, with a message
    db.session.expire_all()
    assert db.session.get(Case, case.id).rating_score == 2

    assert post(client, case, "reconsider", reason="Chưa nêu thời hạn.").status_code == 303
    db.session.expire_all()
    case = db.session.get(Case, case.id)
    assert case.state is State.IN_PROGRESS and case.reconsideration_count == 1


def test_reconsideration_closed_after_the_window(org, client, submit_form, now):
    staff = make_staff()
    case = submitted_case(client, submit_form)
    advance(case, State.ANSWERED, staff, now)
    case.answered_at = now - timedelta(days=60)
    db.session.commit()
    page = client.get(f"/track/{case.reference_code}").get_data(as_text=True)
    assert "/reconsider" not in page
    response = client.post(
        f"/track/{case.reference_code}/reconsider",
        data={**hidden_inputs(page), "reason": "Muộn."},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is State.ANSWERED


def test_someone_elses_item_cannot_be_acted_on(org, app, client, submit_form):
    case = submitted_case(client, submit_form)
    stranger = app.test_client()
    token = hidden_inputs(stranger.get("/track").get_data(as_text=True))
    response = stranger.post(
        f"/track/{case.reference_code}/withdraw", data={**token, "confirm": "y"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/track")
    db.session.expire_all()
    assert db.session.get(Case, case.id).state is State.RECEIVED


def test_published_answers_are_searchable_and_carry_no_personal_data(org, client, now):
    from tests.cases.factories import submit

    staff = make_staff()
    case = advance(submit(now), State.ANSWERED, staff, now)
    hidden = advance(submit(now, title="Chưa công khai"), State.ANSWER_REVIEW, staff, now)
    db.session.commit()
    listing = client.get("/published?q=cham+cap+giay").get_data(as_text=True)
    assert case.reference_code in listing and hidden.reference_code not in listing
    nothing = client.get("/published?q=khong+co+tu+nay").get_data(as_text=True)
    assert case.reference_code not in nothing and "Chưa có kết quả nào phù hợp." in nothing
    detail = client.get(f"/published/{case.reference_code}").get_data(as_text=True)
    assert "Sở đã chỉ đạo giải quyết hồ sơ trong tháng." in detail
    for personal in ("Nguyễn Văn An", "0912345678", "an.nguyen@example.com", "Phú Hữu"):
        assert personal not in detail
    assert client.get(f"/published/{hidden.reference_code}").status_code == 404
    unknown = client.get("/published?field_id=abc&unit_id=%00", follow_redirects=True)
    assert unknown.status_code == 200 and case.reference_code in unknown.get_data(as_text=True)


def test_the_published_list_is_newest_first_counted_and_paged(org, client, now):
    """What /published counts and pages is what it lists: answered or closed items with a
    publication, newest first, twenty a page; an answer still in review is in neither."""
    import re

    from tests.cases.factories import submit

    staff = make_staff()
    published = []
    for i in range(21):
        at = now + timedelta(hours=i)
        target = State.CLOSED if i == 3 else State.ANSWERED
        published.append(advance(submit(at, title=f"Công khai số {i:02d}"), target, staff, at))
    advance(submit(now, title="Chưa công khai"), State.ANSWER_REVIEW, staff, now)
    db.session.commit()

    def codes(page: str) -> list[str]:
        return re.findall(r'href="/published/([^"?]+)"', page)

    first = client.get("/published").get_data(as_text=True)
    assert "21 kết quả" in first
    newest_first = [c.reference_code for c in reversed(published)]
    assert codes(first) == newest_first[:20]
    second = client.get("/published?page=2").get_data(as_text=True)
    assert "21 kết quả" in second and codes(second) == newest_first[20:]


def test_a_client_searching_faster_than_any_reader_is_told_to_wait(org, app, client, now):
    """A search with words is never kept, so each is the database's work: past the limit per
    address the page says to wait and searches nothing; the list itself stays open."""
    from tests.cases.factories import submit

    app.config["PUBLIC_SEARCH_LIMIT"] = "3 per minute"
    case = advance(submit(now), State.ANSWERED, make_staff(), now)
    db.session.commit()
    for _ in range(3):
        found = client.get("/published?q=cham+cap+giay")
        assert found.status_code == 200 and case.reference_code in found.get_data(as_text=True)
    refused = client.get("/published?q=cham+cap+giay")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
    assert "Vui lòng thử lại sau một phút." in page and case.reference_code not in page
    assert 'value="cham cap giay"' in page  # the words stay in the box, to try again
    listing = client.get("/published")  # no words: the kept list, never counted
    assert listing.status_code == 200 and case.reference_code in listing.get_data(as_text=True)
