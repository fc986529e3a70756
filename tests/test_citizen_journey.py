"""One citizen, end to end, with CSRF on: submit, see the receipt, receive the e-mail at a real
SMTP server on loopback, and follow the item with the two codes from that e-mail."""

import re
from datetime import UTC, datetime

from intake.notifications.sender import deliver_due
from tests.conftest import body_text, hidden_inputs, valid_submission


def test_submit_receipt_email_track(org, app, client, smtp):
    page = client.get("/submit")
    assert page.status_code == 200
    form = {**hidden_inputs(page.get_data(as_text=True)), **valid_submission()}
    assert form["csrf_token"] and form["submission_token"]

    response = client.post("/submit", data=form, content_type="multipart/form-data")
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    code = re.search(r'id="reference-code">([^<]+)<', receipt).group(1)
    key = re.search(r'id="access-key">([^<]+)<', receipt).group(1)

    report = deliver_due(datetime.now(UTC))
    assert report.sent == 1
    [(recipients, message)] = smtp.messages
    assert recipients == ["an.nguyen@example.com"]
    assert code in message["subject"]
    text = body_text(message)
    assert code in text and key in text
    assert "http://pakn.test/track" in text
    assert message.get_body(preferencelist=("html",)) is not None

    # A different device: only what the e-mail says.
    phone = app.test_client()
    tracking = hidden_inputs(phone.get("/track").get_data(as_text=True))
    found = phone.post(
        "/track",
        data={**tracking, "reference_code": code, "access_key": key},
        follow_redirects=True,
    )
    html = found.get_data(as_text=True)
    assert found.status_code == 200
    assert code in html
    assert "Đã tiếp nhận, chờ phân loại" in html
    assert "Chậm cấp giấy chứng nhận quyền sử dụng đất" in html


def test_the_receipt_e_mail_is_in_the_language_the_citizen_used(org, app, client, smtp):
    client.get("/?lang=en")
    page = client.get("/submit").get_data(as_text=True)
    client.post("/submit", data={**hidden_inputs(page), **valid_submission()})
    deliver_due(datetime.now(UTC))
    [(_, message)] = smtp.messages
    assert message["subject"].startswith("Feedback or petition PAKN-")
    assert "Access key" in body_text(message)
