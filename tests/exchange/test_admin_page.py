"""The administrator's page of the exchange: upload a batch, download an export, the runs."""

from __future__ import annotations

import io
import json
import re
from html import unescape

import pytest
import sqlalchemy as sa

from intake.cases.models import Case
from intake.exchange.models import ExchangeRun
from intake.extensions import db
from tests.cases.factories import make_staff
from tests.conftest import hidden_inputs
from tests.exchange.helpers import item, item_lines, json_batch, xlsx_batch
from tests.officer.helpers import login

PAGE = "/admin/exchange"


@pytest.fixture
def staff(org):
    return make_staff()


@pytest.fixture
def admin(staff, app, clock):
    client = app.test_client()
    login(client, staff.admin)
    return client


def _upload(client, name: str, data: bytes):
    token = hidden_inputs(client.get(PAGE).get_data(as_text=True))["csrf_token"]
    return client.post(
        f"{PAGE}/import",
        data={"csrf_token": token, "batch": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _problems(html: str) -> list[str]:
    return [unescape(p) for p in re.findall(r"<li><code>(.*?)</code></li>", html)]


def test_upload_a_batch_then_see_it_among_the_runs(admin):
    response = _upload(admin, "lo-0311.json", json_batch(item("W-1"), item("W-2")))
    assert response.status_code == 303
    page = admin.get(PAGE).get_data(as_text=True)
    assert "Đã nhập 2 hồ sơ; 0 hồ sơ đã có từ trước nên bỏ qua." in page
    assert "lo-0311.json" in page and "2 mục: 2 đã nhập, 0 đã có" in page
    again = _upload(admin, "lo-0311.xlsx", xlsx_batch(item("W-1")))
    assert again.status_code == 303
    assert "Đã nhập 0 hồ sơ; 1 hồ sơ đã có" in admin.get(PAGE).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 2
    run = db.session.scalar(sa.select(ExchangeRun).order_by(ExchangeRun.id).limit(1))
    assert run.actor is not None and run.actor.email == "quantri@test.vn"


def test_a_batch_with_errors_is_shown_line_by_line_and_writes_nothing(admin):
    data = json_batch(item("V-1"), item("V-2", submitter={"address": ""}))
    response = _upload(admin, "loi.json", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    problems = _problems(html)
    assert len(problems) == 1
    assert problems[0].startswith(f"loi.json:{item_lines(data)[1]}: submitter.address: ")
    assert "chưa nhập mục nào" in html
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
    assert "Không nhập: 1 lỗi" in admin.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize(
    "name, data",
    [
        ("rac.json", b"\x00\xff\xfe"),
        ("rac.xlsx", b"PK\x03\x04\x00\x00garbage"),
        ("", b"{}"),
        ("../../etc/passwd", b'{"format": "pakn-national/1", "items": [{}]}'),
    ],
)
def test_garbage_uploads_get_a_message_not_a_500(admin, name, data):
    response = _upload(admin, name, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert _problems(html) or "Vui lòng chọn tệp" in html
    assert all(not p.startswith("../") for p in _problems(html))


def test_no_file_is_a_form_error(admin):
    token = hidden_inputs(admin.get(PAGE).get_data(as_text=True))["csrf_token"]
    response = admin.post(f"{PAGE}/import", data={"csrf_token": token})
    assert response.status_code == 422
    assert "Vui lòng chọn tệp lô hồ sơ." in response.get_data(as_text=True)


def test_download_an_export(admin, clock):
    _upload(admin, "lo.json", json_batch(item("U-1")))
    clock.advance(minutes=10)  # not an hour: the session would have ended
    token = hidden_inputs(admin.get(PAGE).get_data(as_text=True))["csrf_token"]
    response = admin.post(f"{PAGE}/export", data={"csrf_token": token, "since": "2026-03-01T00:00"})
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert (
        "pakn-national-export-20260301T000000+0700.json" in response.headers["Content-Disposition"]
    )
    document = json.loads(response.get_data())
    assert document["since"] == "2026-03-01T00:00:00+07:00"
    assert [e["national_code"] for e in document["events"]] == ["U-1"]
    page = admin.get(PAGE).get_data(as_text=True)
    assert "1 thay đổi, từ" in page
    # The next export starts where this one ended.
    assert 'value="2026-03-10T09:40"' in page
    bad = admin.post(f"{PAGE}/export", data={"csrf_token": token, "since": "hôm qua"})
    assert bad.status_code == 422


@pytest.mark.parametrize("role", ["intake", "handler", "lead", "supervisor"])
def test_only_administrators_get_in(app, staff, role):
    client = app.test_client()
    login(client, getattr(staff, role))
    assert client.get(PAGE).status_code == 404
    assert client.post(f"{PAGE}/import", data={}).status_code in (400, 404)
    assert client.post(f"{PAGE}/export", data={}).status_code in (400, 404)


def test_the_anonymous_are_sent_to_sign_in(app, staff):
    response = app.test_client().get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_page_in_english_and_from_the_index(admin):
    assert 'href="/admin/exchange"' in admin.get("/admin/").get_data(as_text=True)
    page = admin.get(f"{PAGE}?lang=en").get_data(as_text=True)
    assert "Exchange with the national PAKN system" in page and "Import a batch" in page
