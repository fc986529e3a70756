"""Abuse controls on /submit that never lose a genuine item: what is refused is shown again
with everything typed, and a person who sends again gets their item logged."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake.cases.models import Case
from intake.extensions import db
from tests.cases.factories import make_staff
from tests.conftest import hidden_inputs, valid_submission
from tests.officer.helpers import login

TYPED = "Tôi nộp hồ sơ từ tháng 6 nhưng đến nay đã quá hẹn hơn 30 ngày vẫn chưa có kết quả."


def count_cases() -> int:
    return db.session.scalar(sa.select(sa.func.count(Case.id)))


def browser(app, address="198.51.100.10"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


class Clock:
    """The service's clock, standing still unless the test moves it."""

    def __init__(self, app, now):
        self.at = now
        app.config["CLOCK"] = lambda: self.at


@pytest.fixture
def frozen(app, now):
    yield Clock(app, now)
    app.config.pop("CLOCK", None)


def post(client, form, **overrides):
    return client.post("/submit", data={**form, **overrides}, content_type="multipart/form-data")


def open_form(client, **data) -> dict:
    return {**hidden_inputs(client.get("/submit").text), **valid_submission(**data)}


def kept(html: str) -> bool:
    """Everything typed is still in the form shown again."""
    return (
        'value="Nguyễn Văn An"' in html
        and 'value="an.nguyen@example.com"' in html
        and TYPED in html
        and 'value="Chậm cấp giấy chứng nhận quyền sử dụng đất"' in html
    )


def test_a_form_sent_too_fast_is_shown_again_and_goes_through_later(org, app, now, frozen):
    app.config["SUBMIT_MIN_FILL_SECONDS"] = 3
    client = browser(app)
    form = open_form(client)
    frozen.at = now + timedelta(seconds=1)
    refused = post(client, form)
    assert refused.status_code == 422
    assert "Biểu mẫu được gửi quá nhanh" in refused.text and kept(refused.text)
    assert count_cases() == 0
    # The person reads it again and sends the form as shown: the clock runs from the opening.
    again = {**hidden_inputs(refused.text), **valid_submission()}
    assert again["started"] == form["started"]
    frozen.at = now + timedelta(seconds=4)
    assert post(client, again).status_code == 303
    assert count_cases() == 1


def test_a_forged_or_missing_start_time_counts_as_too_fast(org, app, now, frozen):
    app.config["SUBMIT_MIN_FILL_SECONDS"] = 3
    client = browser(app)
    form = open_form(client)
    frozen.at = now + timedelta(minutes=5)
    stamp = form["started"].split(".")[0]
    forged = post(client, form, started=f"{int(stamp) - 3600}.{form['started'].split('.')[1]}")
    assert forged.status_code == 422 and "quá nhanh" in forged.text
    assert post(client, form, started="").status_code == 422
    assert count_cases() == 0


def test_the_honeypot_is_hidden_labelled_and_refuses_without_losing_anything(org, app):
    client = browser(app)
    page = client.get("/submit").text
    field = re.search(r'<div class="hp-field">(.*?)</div>', page, re.S).group(1)
    assert '<label for="homepage">Để trống ô này</label>' in field
    assert 'tabindex="-1"' in field and 'autocomplete="off"' in field
    css = (Path(app.root_path).parent / "static" / "css" / "site.css").read_text()
    assert ".hp-field { position: absolute; left: -10000px" in css
    form = open_form(client)
    refused = post(client, form, homepage="http://spam.example")
    assert refused.status_code == 422
    assert "phải để trống" in refused.text and kept(refused.text)
    assert 'value="http://spam.example"' not in refused.text  # emptied for the next try
    assert count_cases() == 0
    assert post(client, {**hidden_inputs(refused.text), **valid_submission()}).status_code == 303


def test_bursts_from_one_address_are_refused_as_typed(org, app):
    app.config["SUBMIT_ADDRESS_LIMIT"] = "3 per 10 minutes"
    client = browser(app, "203.0.113.9")
    for i in range(3):
        form = open_form(client, email=f"nguoi{i}@example.com", phone=f"091234567{i}")
        assert post(client, form).status_code == 303
    form = open_form(client, email="nguoi9@example.com", phone="0912345679")
    refused = post(client, form)
    assert refused.status_code == 429
    assert "Nội dung bạn nhập vẫn còn nguyên" in refused.text
    assert TYPED in refused.text and 'value="nguoi9@example.com"' in refused.text
    assert count_cases() == 3
    # Another address is not affected; the same form sent twice is never refused.
    other = browser(app, "198.51.100.77")
    assert (
        post(other, open_form(other, email="khac@example.com", phone="0987654321")).status_code
        == 303
    )


def test_bursts_from_one_contact_are_refused_from_any_address(org, app):
    app.config["SUBMIT_CONTACT_LIMIT"] = "2 per 10 minutes"
    for i in range(2):
        client = browser(app, f"198.51.100.{i + 1}")
        assert post(client, open_form(client)).status_code == 303
    client = browser(app, "198.51.100.9")
    assert post(client, open_form(client, email="khac@example.com")).status_code == 429  # phone
    assert post(client, open_form(client, phone="0987654321")).status_code == 429  # e-mail
    fresh = open_form(client, email="khac@example.com", phone="0987654321")
    assert post(client, fresh).status_code == 303


def test_a_double_click_is_never_refused(org, app):
    app.config["SUBMIT_CONTACT_LIMIT"] = "1 per 10 minutes"
    client = browser(app)
    form = open_form(client)
    assert post(client, form).status_code == 303
    assert post(client, form).status_code == 303  # the same item again, not a new one
    assert count_cases() == 1


def test_intake_officers_see_a_burst_warning(org, app):
    app.config["BURST_THRESHOLD"] = 3
    client = browser(app, "203.0.113.50")
    for i in range(3):
        assert post(client, open_form(client, email=f"a{i}@example.com",
                                      phone=f"091234500{i}")).status_code == 303  # fmt: skip
    single = browser(app, "198.51.100.99")
    assert (
        post(single, open_form(single, email="b@example.com", phone="0987000111")).status_code
        == 303
    )
    staff = make_staff()
    officer = app.test_client()
    login(officer, staff.intake)
    queue = officer.get("/officer/intake").text
    assert queue.count("3 phản ánh từ cùng thiết bị/mạng") == 3
    lone = db.session.scalar(sa.select(Case).where(Case.email == "b@example.com"))
    burst = db.session.scalar(sa.select(Case).where(Case.email == "a0@example.com"))
    assert "cùng thiết bị/mạng" not in officer.get(f"/officer/cases/{lone.id}").text
    assert "3 phản ánh từ cùng thiết bị/mạng" in officer.get(f"/officer/cases/{burst.id}").text
    # The address itself is never stored or shown.
    assert "203.0.113.50" not in queue
    assert "203.0.113.50" not in repr(
        db.session.execute(sa.text("SELECT * FROM submission_sources")).all()
    )
