"""Following an item with its code and access key."""

import re

from tests.conftest import hidden_inputs

GENERIC = "Không tìm thấy phản ánh, kiến nghị với mã và mã tra cứu đã nhập."


def submitted(client, submit_form) -> tuple[str, str]:
    submit_form()
    receipt = client.get("/receipt").get_data(as_text=True)
    code = re.search(r'id="reference-code">([^<]+)<', receipt).group(1)
    key = re.search(r'id="access-key">([^<]+)<', receipt).group(1)
    return code, key


def track(client, code, key):
    form = hidden_inputs(client.get("/track").get_data(as_text=True))
    return client.post("/track", data={**form, "reference_code": code, "access_key": key})


def test_code_and_key_open_the_item(org, app, client, submit_form):
    code, key = submitted(client, submit_form)
    other = app.test_client()  # another browser: nothing in its session
    response = track(other, code.lower().replace("-", " "), key.lower())
    assert response.status_code == 303
    page = other.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã tiếp nhận, chờ phân loại" in page
    assert "Tiếp nhận phản ánh, kiến nghị" in page  # the public history
    assert "Hạn phân loại, chuyển xử lý" in page


def test_a_wrong_half_gets_one_generic_message(org, app, client, submit_form):
    code, key = submitted(client, submit_form)
    other = app.test_client()
    wrong_key = track(other, code, "AAAAA-AAAAA").get_data(as_text=True)
    wrong_code = track(other, "PAKN-2026-AAAA-AAAA", key).get_data(as_text=True)
    assert GENERIC in wrong_key and GENERIC in wrong_code
    strip = lambda html: re.sub(r'value="[^"]*"', "", html)  # noqa: E731  (typed values differ)
    assert strip(wrong_key) == strip(wrong_code)


def test_the_item_page_is_closed_without_the_key(org, app, client, submit_form):
    code, _ = submitted(client, submit_form)
    response = app.test_client().get(f"/track/{code}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/track")


def test_repeated_failures_on_one_item_are_refused(org, app, client, submit_form):
    code, key = submitted(client, submit_form)
    attacker = app.test_client()
    statuses = [track(attacker, code, f"AAAAA-AAAA{i}").status_code for i in range(7)]
    assert statuses[:5] == [422] * 5
    assert statuses[5:] == [429, 429]
    refused = track(attacker, code, key)  # even the right key waits now
    assert refused.status_code == 429
    assert "Quá nhiều lần thử" in refused.get_data(as_text=True)


def test_successful_lookups_do_not_count_as_failures(org, app, client, submit_form):
    code, key = submitted(client, submit_form)
    visitor = app.test_client()
    assert all(track(visitor, code, key).status_code == 303 for _ in range(8))


def test_forgetting_closes_the_item_on_this_device(org, client, submit_form):
    code, _ = submitted(client, submit_form)
    assert client.get(f"/track/{code}").status_code == 200
    form = hidden_inputs(client.get(f"/track/{code}").get_data(as_text=True))
    client.post("/track/forget", data=form)
    assert client.get(f"/track/{code}").status_code == 302


def test_many_failures_from_one_address_are_refused_too(org, app):
    app.config["TRACK_FAILURE_LIMIT"] = "8 per minute"
    visitor = app.test_client()
    statuses = [track(visitor, f"PAKN-2026-AAAA-AA{i:02d}", "AAAAA-AAAAA").status_code
                for i in range(10)]  # fmt: skip
    assert statuses[:8] == [422] * 8 and statuses[8:] == [429, 429]


def test_one_persons_typos_do_not_lock_out_another_item(org, app, client, submit_form):
    code, key = submitted(client, submit_form)
    shared_address = app.test_client()
    for i in range(6):
        track(shared_address, "PAKN-2026-BBBB-BBBB", f"AAAAA-AAAA{i}")
    assert track(shared_address, code, key).status_code == 303
