"""Similar answers first: the citizen sees published answers that look like what they are
writing before sending it (no JavaScript), and sends anyway with nothing retyped; at triage the
officer sees items that look like duplicates and marks one in a click, and the duplicate's
submitter hears where to follow the original and when it is answered."""

from html.parser import HTMLParser

import sqlalchemy as sa

from intake.cases.models import Case
from intake.core.reasons import RejectReason
from intake.core.states import State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from tests.cases.factories import advance, make_staff, submit
from tests.conftest import hidden_inputs, valid_submission
from tests.officer.helpers import login


class _FormValues(HTMLParser):
    """What a browser sends for a form as the page shows it: inputs with their values,
    checked boxes and radios, textareas, selected options (files aside)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values, self._textarea, self._select = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("file", "submit"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value", "y")
            else:
                self.values[name] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea:  # browsers drop the newline that follows <textarea>
                text = self.values[self._textarea].removeprefix("\r\n")
                self.values[self._textarea] = text.removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None


def browser_values(html: str) -> dict[str, str]:
    form = html[html.index('<form method="post" action="/submit"') :]
    parser = _FormValues()
    parser.feed(form[: form.index("</form>")])
    return parser.values


def published_answer(now, staff, **fields):
    return advance(submit(now, **fields), State.ANSWERED, staff, now)


def test_similar_answers_are_shown_and_the_form_sent_anyway_without_retyping(org, client, now):
    staff = make_staff()
    alike = published_answer(now, staff, title="Chậm cấp giấy phép xây dựng nhà ở",
                             content="Nộp hồ sơ xin giấy phép xây dựng đã hai tháng.")  # fmt: skip
    unrelated = published_answer(now, staff, title="Đăng ký khai sinh cho con",
                                 content="Hỏi thủ tục khai sinh.")  # fmt: skip
    db.session.commit()
    typed = valid_submission(
        title="Giấy phép xây dựng cấp chậm",
        content="Tôi xin giấy phép xây dựng nhà ở từ tháng 3,\nđến nay chưa có kết quả.",
        proposed_solution="",
        consent_to_publish="y",
    )
    page = client.get("/submit").get_data(as_text=True)
    checked = client.post("/submit", data={**hidden_inputs(page), **typed, "check_similar": "1"},
                          content_type="multipart/form-data")  # fmt: skip
    assert checked.status_code == 200
    html = checked.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 2  # nothing was sent
    # The answer that looks alike is readable right there, with its page; the other is not.
    assert alike.reference_code in html and alike.published_answer in html
    assert f'href="/published/{alike.reference_code}"' in html
    assert unrelated.reference_code not in html
    assert 'class="errors"' not in html  # checking is not sending: no form errors
    # Everything typed is still in the form; one click on "send anyway" sends it.
    values = browser_values(html)
    assert {k: values.get(k) for k in typed if typed[k]} == {k: v for k, v in typed.items() if v}
    assert "Vẫn gửi phản ánh, kiến nghị" in html
    sent = client.post("/submit", data=values, content_type="multipart/form-data")
    assert sent.status_code == 303 and sent.headers["Location"].endswith("/receipt")
    case = db.session.scalar(sa.select(Case).order_by(Case.id.desc()))
    assert (case.title, case.content) == (typed["title"], typed["content"])
    assert case.consent_to_publish and case.full_name == "Nguyễn Văn An"


def test_the_similar_step_with_nothing_alike_or_nothing_typed(org, client, now):
    staff = make_staff()
    published_answer(now, staff, title="Đăng ký khai sinh cho con")
    db.session.commit()
    page = client.get("/submit").get_data(as_text=True)
    typed = valid_submission(title="Lệ phí trước bạ ô tô", content="Thu sai mức lệ phí.")
    html = client.post("/submit", data={**hidden_inputs(page), **typed, "check_similar": "1"},
                       content_type="multipart/form-data").get_data(as_text=True)  # fmt: skip
    assert "Chưa có câu trả lời nào đã công khai giống nội dung này." in html
    empty = client.post("/submit", data={**hidden_inputs(page), "check_similar": "1"},
                        content_type="multipart/form-data")  # fmt: skip
    assert empty.status_code == 200
    assert "Hãy nhập tiêu đề và nội dung để tìm" in empty.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 1


def test_duplicates_are_offered_at_triage_and_marked_in_one_click(org, app, now):
    staff = make_staff()
    original = submit(now, title="Chậm cấp giấy chứng nhận quyền sử dụng đất thửa 12",
                      phone="0912345678", email="an.nguyen@example.com")  # fmt: skip
    same_text = submit(now, full_name="Lê Thị Hoa", phone="0987000111", email="hoa@example.com",
                       title="Cấp giấy chứng nhận quyền sử dụng đất chậm",
                       content="Hồ sơ cấp giấy chứng nhận quyền sử dụng đất quá hạn.")  # fmt: skip
    unrelated = submit(now, full_name="Trần Văn Bé", phone="0977000222", email="be@example.com",
                       title="Lệ phí trước bạ ô tô", content="Thu sai mức lệ phí.")  # fmt: skip
    new = submit(now, title="Đề nghị xem lại hồ sơ sổ đỏ", content="Nộp đã lâu.",
                 phone="0912345678", email="an.nguyen+2@example.com")  # fmt: skip
    db.session.commit()
    officer = app.test_client()
    login(officer, staff.intake)
    page = officer.get(f"/officer/cases/{new.id}").get_data(as_text=True)
    listed = page[page.index('id="duplicates-title"') :]
    listed = listed[: listed.index("</section>")]
    assert original.reference_code in listed and "Cùng người gửi" in listed
    assert unrelated.reference_code not in listed and new.reference_code not in listed
    other_page = officer.get(f"/officer/cases/{same_text.id}").get_data(as_text=True)
    assert original.reference_code in other_page[other_page.index('id="duplicates-title"') :]
    assert "Nội dung tương tự" in other_page

    # The button beside the original: one click, the verb "duplicate" does the rest.
    start = listed.index(f'value="{original.reference_code}"')
    form = listed[listed.rindex("<form", 0, start) : listed.index("</form>", start)]
    response = officer.post(f"/officer/cases/{new.id}/duplicate", data=hidden_inputs(form))
    assert response.status_code == 303
    db.session.expire_all()
    marked = db.session.get(Case, new.id)
    assert marked.state is State.REJECTED and marked.duplicate_of_id == original.id
    notice = db.session.scalar(
        sa.select(OutboxMessage).where(
            OutboxMessage.recipient == "an.nguyen+2@example.com",
            OutboxMessage.template == "rejected",
        )
    )
    assert original.reference_code in notice.body_text
    assert f"/published/{original.reference_code}" in notice.body_text
    # A marked item offers no duplicates any more (the verb is no longer available).
    assert 'id="duplicates-title"' not in officer.get(f"/officer/cases/{new.id}").text


def test_when_the_original_is_answered_every_duplicate_submitter_is_told(org, app, now):
    from intake.cases import operations as ops

    staff = make_staff()
    original = submit(now)
    copies = [submit(now, email=f"copy{i}@example.com", phone=f"098700011{i}") for i in range(2)]
    for copy in copies:
        ops.mark_duplicate(copy, actor=staff.intake, now=now, expected_version=None,
                           original_code=original.reference_code)  # fmt: skip
    # A duplicate of a duplicate follows the original too.
    third = submit(now, email="copy9@example.com", phone="0987000119")
    ops.mark_duplicate(third, actor=staff.intake, now=now, expected_version=None,
                       original_code=copies[0].reference_code)  # fmt: skip
    assert third.duplicate_of_id == original.id
    advance(original, State.ANSWERED, staff, now)
    db.session.commit()
    told = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.template == "duplicate_answered")
    ).all()
    assert sorted(m.recipient for m in told) == [
        "copy0@example.com", "copy1@example.com", "copy9@example.com"
    ]  # fmt: skip
    for message in told:
        assert original.reference_code in message.subject
        assert original.published_answer in message.body_text
        assert f"/published/{original.reference_code}" in message.body_text
        assert "Kính gửi ông An" not in message.body_text  # never the original's own letter
    assert RejectReason.DUPLICATE.value == "duplicate"
