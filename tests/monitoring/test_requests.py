"""The request id and the one log line per request, which must never carry citizens' data."""

from __future__ import annotations

import logging
import re

import pytest

from tests.conftest import hidden_inputs, valid_submission

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def request_log(caplog):
    caplog.set_level(logging.INFO, logger="intake.requests")

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == "intake.requests"]

    return lines


def test_a_sane_incoming_request_id_is_echoed(client):
    for sane in ["abc", "req-42_x.Y", "a" * 64]:
        response = client.get("/healthz", headers={"X-Request-ID": sane})
        assert response.headers["X-Request-ID"] == sane


@pytest.mark.parametrize(
    "insane", ["", "a" * 65, "two words", "<script>", "id;drop", "ngày", "a\tb", "x=1"]
)
def test_any_other_request_id_is_replaced_by_a_generated_one(client, insane):
    returned = client.get("/healthz", headers={"X-Request-ID": insane}).headers["X-Request-ID"]
    assert HEX_ID.fullmatch(returned)


def test_an_id_is_generated_for_every_request_and_on_every_page(client):
    ids = {client.get(path).headers["X-Request-ID"] for path in ["/", "/healthz", "/nowhere"]}
    assert len(ids) == 3
    assert all(HEX_ID.fullmatch(i) for i in ids)


def test_one_log_line_per_request_with_the_endpoint_status_duration_and_id(client, request_log):
    client.get("/healthz", headers={"X-Request-ID": "probe-1"})
    client.get("/no/such/page")
    first, second = request_log()
    duration = r"duration_ms=\d+\.\d"
    assert re.fullmatch(
        rf"method=GET endpoint=monitoring\.healthz status=200 {duration} request_id=probe-1", first
    )
    assert re.fullmatch(rf"method=GET endpoint=- status=404 {duration} request_id=\w{{32}}", second)


def test_the_log_line_has_no_path_query_string_or_form_data(client, org, request_log):
    client.get("/track?code=PAKN-2026-000123&key=0912345678")
    form = {**hidden_inputs(client.get("/submit").get_data(as_text=True)), **valid_submission()}
    response = client.post("/submit", data=form)
    assert response.status_code == 303  # submitted: the receipt follows
    lines = request_log()
    assert len(lines) == 3
    assert "endpoint=public.submit" in lines[-1]
    text = "\n".join(lines)
    for secret in ["PAKN-2026", "0912345678", "track?", "Nguyễn", "an.nguyen", "/submit"]:
        assert secret not in text


def test_a_failed_csrf_check_is_still_timed_and_logged(another_app, request_log):
    strict = another_app(WTF_CSRF_ENABLED=True, TESTING=False)
    response = strict.test_client().post("/submit", data={"full_name": "Nguyễn Văn An"})
    assert response.status_code == 400
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])
    (line,) = request_log()
    assert "endpoint=public.submit status=400" in line
    assert "Nguyễn" not in line


def test_the_request_log_can_be_turned_off(app, another_app, request_log):
    quiet = another_app(REQUEST_LOG=False)
    assert quiet.test_client().get("/healthz").headers["X-Request-ID"]
    assert request_log() == []
    another_app()  # the next app logs again
    app.test_client().get("/healthz")
    assert len(request_log()) == 1
