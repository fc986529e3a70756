"""GeoReport v2 as a client written from the specification sees it, in JSON and in XML."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intake.cases.models import Case, Channel
from intake.core.states import State
from intake.extensions import db
from intake.notifications.models import OutboxMessage
from tests.cases.factories import advance, make_staff
from tests.officer.helpers import login
from tests.open311.client import SPECIFICATION, GeoReportError
from tests.open311.conftest import ATTRIBUTES, PERSON

PERSONAL = [
    "Nguyễn", "Văn An", "an.nguyen@example.com", "0912", "345 678", "Ấp Phú Hữu",
    "An Hiệp", "9.6025", "105.9739", "quá hẹn 30 ngày", "Chậm cấp",
]  # fmt: skip


def post(georeport, service_code="dat-dai", attributes=None, **fields):
    return georeport.post_request(
        service_code, {**ATTRIBUTES, **(attributes or {})}, **{**PERSON, **fields}
    )


def test_discovery_names_the_georeport_v2_endpoint_in_both_formats(anonymous):
    document = anonymous.discover()
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(document)
    (endpoint,) = document["endpoints"]
    assert endpoint["specification"] == SPECIFICATION
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] in ("production", "test")
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert anonymous.endpoint == "/open311/v2"


def test_services_are_our_fields_grouped_by_the_department_that_leads_them(anonymous):
    services = anonymous.services()
    land = next(s for s in services if s["service_code"] == "dat-dai")
    assert land["service_name"] == "Đất đai" and land["metadata"] is True
    assert land["type"] == "realtime" and "Đất đai" in land["keywords"]
    assert land["group"] == next(s for s in services if s["service_code"] == "moi-truong")["group"]
    assert "Tài nguyên" in land["group"]
    assert all(s["description"] and s["group"] for s in services)
    assert len({s["service_code"] for s in services}) == len(services) > 30


def test_a_definition_carries_the_art_7_content_as_attributes(anonymous, fmt):
    definition = anonymous.service_definition("ho-tich")
    assert definition["service_code"] == "ho-tich"
    attributes = {a["code"]: a for a in definition["attributes"]}
    for code in ("submitter_type", "submitter_address", "kind", "title", "declared_truthful"):
        assert attributes[code]["required"] is True and attributes[code]["variable"] is True
    for code in ("organisation_name", "tax_code", "proposed_solution", "consent_to_publish",
                 "postal_address", "procedure", "concerned_unit"):  # fmt: skip
        assert attributes[code]["required"] is False
    assert {v["key"] for v in attributes["kind"]["values"]} == {"phan_anh", "kien_nghi"}
    assert attributes["proposed_solution"]["datatype"] == "text"
    assert attributes["title"]["datatype"] == "string"
    procedures = {v["key"]: v["name"] for v in attributes["procedure"]["values"]}
    assert procedures["1.001193"] == "Đăng ký khai sinh"
    orders = [a["order"] for a in definition["attributes"]]
    assert orders == sorted(orders) and len(set(orders)) == len(orders) and orders[0] == 1
    assert attributes["access_key_notice"]["variable"] is False
    assert "Người gửi" in attributes["submitter_type"]["description"]


def test_descriptions_follow_accept_language(client, clocked, org):
    english = client.get("/open311/v2/services/dat-dai.json", headers={"Accept-Language": "en"})
    kind = next(a for a in english.json["attributes"] if a["code"] == "kind")
    assert "petition" in kind["description"].lower()
    services = client.get("/open311/v2/services.json", headers={"Accept-Language": "en"}).json
    assert any(s["service_name"] == "Land" for s in services)


def test_a_posted_request_is_an_ordinary_item(georeport, app, client, now):
    created = post(georeport)
    code = created["service_request_id"]
    assert code.startswith("PAKN-") and created["service_notice"] and "token" not in created
    assert created.get("account_id") is None
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    assert case.channel is Channel.APP and case.client_key_id is not None
    assert case.full_name == "Nguyễn Văn An" and case.address.startswith("Ấp Phú Hữu")
    assert case.field.code == "dat-dai" and case.consent_to_publish and case.declared_truthful
    assert "Trụ sở UBND xã An Hiệp" in case.content and "9.6025" in case.content
    assert case.state is State.RECEIVED and case.overall_due_at is not None
    # The receipt notice is queued for the submitter, with the access key it alone receives.
    receipt = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.case_id == case.id))
    receipt = receipt.all()
    assert receipt and all(m.recipient in ("an.nguyen@example.com", "84912345678") for m in receipt)
    # It waits in the intake officers' queue like any other item…
    staff = make_staff()
    login(client, staff.intake)
    assert "Chậm cấp giấy chứng nhận" in client.get("/officer/intake").get_data(as_text=True)
    # …and the reports count it among the received, by its channel.
    from intake.core.periods import PeriodKind, report_period
    from intake.reports.figures import build_report

    report = build_report(report_period(PeriodKind.QUARTER, 2026, 1), now=now + timedelta(days=1))
    assert report.total.received == 1 and report.received_by["channel"] == {"app": 1}


def test_the_request_is_followed_open_then_closed_and_described_once_published(georeport, now):
    code = post(georeport)["service_request_id"]
    seen = georeport.request(code)
    assert seen["service_request_id"] == code and seen["status"] == "open"
    assert seen["status_notes"] == "Đã tiếp nhận, chờ phân loại"
    assert seen["service_code"] == "dat-dai" and seen["service_name"] == "Đất đai"
    assert seen["description"] is None and seen["agency_responsible"] is None
    assert seen["requested_datetime"] == "2026-03-10T09:30:00+07:00"
    assert seen["expected_datetime"].endswith("+07:00")
    assert georeport.token(code)["service_request_id"] == code

    staff = make_staff()
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    advance(case, State.IN_PROGRESS, staff, now)
    db.session.commit()
    handled = georeport.request(code)
    assert handled["status"] == "open" and handled["status_notes"] == "Đang xử lý"
    assert handled["agency_responsible"] == staff.lead_unit.name
    assert handled["description"] is None

    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    advance_from_progress_to_answered(case, staff, now)
    answered = georeport.request(code)
    assert answered["status"] == "closed"
    assert answered["status_notes"] == "Đã trả lời, công khai"
    assert answered["description"] == "Hồ sơ nộp từ tháng 6, quá hẹn."  # the redacted text
    assert answered["service_notice"] == "Sở đã chỉ đạo giải quyết hồ sơ trong tháng."
    assert answered["updated_datetime"].endswith("+07:00")
    assert [r["service_request_id"] for r in georeport.requests(status="closed")] == [code]
    assert georeport.requests(status="open") == []


def advance_from_progress_to_answered(case, staff, now):
    from intake.cases import operations as ops
    from tests.cases.factories import CALENDAR

    later = now + timedelta(days=2)
    ops.save_answer(case, actor=staff.handler, now=later, expected_version=None,
                    public_text="Sở đã chỉ đạo giải quyết hồ sơ trong tháng.",
                    letter="Kính gửi ông An.", upload=None, upload_dir="/nonexistent",
                    max_attachment_bytes=0)  # fmt: skip
    ops.submit_answer(case, actor=staff.handler, now=later, expected_version=None,
                      calendar=CALENDAR)  # fmt: skip
    ops.publish_answer(case, actor=staff.intake, now=later, expected_version=None,
                       published_title=case.title,
                       published_content="Hồ sơ nộp từ tháng 6, quá hẹn.",
                       published_answer=case.answer_public_text)  # fmt: skip
    db.session.commit()


def test_no_get_shows_personal_data(georeport, client, now, fmt):
    code = post(georeport)["service_request_id"]
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    advance(case, State.ANSWERED, make_staff(), now)
    db.session.commit()
    for path in (f"/open311/v2/requests/{code}.{fmt}", f"/open311/v2/requests.{fmt}",
                 f"/open311/v2/requests.{fmt}?service_request_id={code}",
                 f"/open311/v2/tokens/{code}.{fmt}"):  # fmt: skip
        body = client.get(path).get_data(as_text=True)
        assert code in body
        for text in PERSONAL:
            assert text not in body, (path, text)
    (seen,) = georeport.requests(service_request_id=[code])
    assert all(seen[name] is None for name in ("address", "lat", "long", "media_url"))


@pytest.mark.parametrize("status", ["open", "closed"])
def test_filters_of_get_requests(georeport, now, status):
    first = post(georeport)["service_request_id"]
    second = post(georeport, "ho-tich")["service_request_id"]
    assert {r["service_request_id"] for r in georeport.requests()} == {first, second}
    assert [r["service_request_id"] for r in georeport.requests(service_code="ho-tich")] == [second]
    both = georeport.requests(service_code=["ho-tich", "dat-dai"])
    assert len(both) == 2
    ids = georeport.requests(service_request_id=[first, "PAKN-2026-0000-0000"])
    assert [r["service_request_id"] for r in ids] == [first]
    inside = georeport.requests(start_date="2026-03-10T00:00:00+07:00",
                                end_date="2026-03-11T00:00:00Z")  # fmt: skip
    assert len(inside) == 2
    before = georeport.requests(start_date="2026-01-01T00:00:00Z", end_date="2026-03-01T00:00:00Z")
    assert before == []
    expected = 2 if status == "open" else 0
    assert len(georeport.requests(status=status)) == expected
    assert len(georeport.requests(page_size="1")) == 1


def test_the_default_window_is_the_last_90_days(georeport, clocked, now):
    code = post(georeport)["service_request_id"]
    clocked.config["CLOCK"] = lambda: now + timedelta(days=91)
    assert georeport.requests() == []
    assert [r["service_request_id"] for r in georeport.requests(service_request_id=code)] == [code]
    assert georeport.request(code)["service_request_id"] == code


def errors_of(call) -> GeoReportError:
    with pytest.raises(GeoReportError) as raised:
        call()
    return raised.value


def test_a_missing_or_wrong_api_key_is_403(anonymous, georeport, app):
    refused = errors_of(lambda: post(anonymous))
    assert refused.status == 403 and refused.errors[0]["code"] == 403
    assert "api_key" in refused.errors[0]["description"]
    anonymous.api_key = "pakn_" + "x" * 43
    assert errors_of(lambda: post(anonymous)).status == 403
    from tests.api.test_keys_and_problems import run

    assert run(app, "api-key", "revoke", georeport.api_key[:12]).exit_code == 0
    assert errors_of(lambda: post(georeport)).status == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_unknown_services_and_requests_are_404(georeport):
    assert errors_of(lambda: georeport.service_definition("khong-co")).status == 404
    assert errors_of(lambda: post(georeport, "khong-co")).status == 404
    assert errors_of(lambda: georeport.request("PAKN-2026-0000-0000")).status == 404
    assert errors_of(lambda: georeport.token("abc")).status == 404


def test_bad_input_is_400_with_one_error_per_problem(georeport):
    missing = errors_of(lambda: post(georeport, attributes={"title": "", "kind": "kien_nghi"}))
    assert missing.status == 400
    described = " | ".join(e["description"] for e in missing.errors)
    assert "attribute[title]" in described and "attribute[proposed_solution]" in described
    assert all(e["code"] == 400 for e in missing.errors)
    no_place = errors_of(lambda: post(georeport, address_string="", lat="", long=""))
    assert "address_string" in no_place.errors[0]["description"]
    bad = errors_of(lambda: post(georeport, attributes={"kind": "khac", "colour": "x"}, lat="91"))
    described = " | ".join(e["description"] for e in bad.errors)
    assert "attribute[kind]" in described and "attribute[colour]" in described
    assert "lat" in described
    bad_dates = errors_of(lambda: georeport.requests(start_date="hôm qua", status="maybe"))
    assert bad_dates.status == 400 and len(bad_dates.errors) == 2
    too_long = errors_of(lambda: georeport.requests(start_date="2026-01-01T00:00:00Z",
                                                    end_date="2026-06-01T00:00:00Z"))  # fmt: skip
    assert too_long.status == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_an_organisation_gives_its_name_and_tax_code(georeport):
    attributes = {"submitter_type": "organisation", "organisation_name": "Công ty TNHH Phú Hữu",
                  "tax_code": "0301234567", "kind": "kien_nghi",
                  "proposed_solution": "Niêm yết thời hạn tại bộ phận một cửa."}  # fmt: skip
    code = post(georeport, attributes=attributes, lat="", long="")["service_request_id"]
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    assert case.organisation_name == "Công ty TNHH Phú Hữu" and case.tax_code == "0301234567"
    assert case.kind.value == "kien_nghi" and case.proposed_solution.startswith("Niêm yết")


def test_errors_anywhere_under_open311_are_georeport_lists(client, clocked, org):
    xml = client.get("/open311/v2/nothing-here.xml")
    assert xml.status_code == 404 and xml.content_type.startswith("text/xml")
    assert b"<errors><error><code>404</code>" in xml.get_data()
    as_json = client.get("/open311/v2/services.json", method="DELETE")
    wrong = client.delete("/open311/v2/services.json")
    assert wrong.status_code == 405 and wrong.json[0]["code"] == 405 and as_json
    assert "GET" in wrong.headers["Allow"]


def test_the_key_s_rate_limit_applies(app, client, clocked, org):
    from tests.api.test_keys_and_problems import create_key

    app.config["RATELIMIT_ENABLED"] = True
    slow = create_key(app, "Slow", "--rate-limit", "2/minute")
    codes = [client.post("/open311/v2/requests.json", data={"api_key": slow}).status_code
             for _ in range(3)]  # fmt: skip
    assert codes == [400, 400, 429]
    limited = client.post("/open311/v2/requests.xml", data={"api_key": slow})
    assert limited.status_code == 429 and b"<code>429</code>" in limited.get_data()


def test_the_access_key_reaches_the_submitter_by_the_receipt_alone(client, key, fmt):
    import re

    from intake.cases.operations.tracking import key_matches
    from tests.open311.conftest import flask_transport

    bodies = []

    def send(method, url, params):
        answer = flask_transport(client)(method, url, params)
        bodies.append(answer[2].decode())
        return answer

    from tests.open311.client import GeoReportClient

    georeport = GeoReportClient(send, "/open311/discovery", fmt=fmt, api_key=key)
    code = post(georeport)["service_request_id"]
    georeport.request(code), georeport.requests(), georeport.token(code)
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    receipt = db.session.scalar(
        sa.select(OutboxMessage.body_text).where(
            OutboxMessage.case_id == case.id, OutboxMessage.template == "receipt")
    )  # fmt: skip
    access_key = re.search(r"[0-9A-Z]{5}-[0-9A-Z]{5}", receipt).group(0)
    assert key_matches(case.access_key_hash, access_key)
    assert all(access_key not in body for body in bodies)


def test_a_personal_token_cannot_post(app, georeport):
    from intake.accounts.models import User
    from intake.api_keys.models import KeyKind
    from intake.api_keys.operations import create_key
    from intake.clock import now

    staff = make_staff()
    _key, raw = create_key(kind=KeyKind.PERSONAL, name="Cán bộ", now=now(),
                           user=db.session.get(User, staff.handler.id))  # fmt: skip
    db.session.commit()
    georeport.api_key = raw
    assert errors_of(lambda: post(georeport)).status == 403


def test_a_reopened_item_is_open_again_and_its_description_withdrawn(georeport, now):
    from intake.cases import operations as ops
    from tests.cases.factories import CALENDAR

    code = post(georeport)["service_request_id"]
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    advance(case, State.ANSWERED, make_staff(), now)
    db.session.commit()
    assert georeport.request(code)["description"] is not None
    case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
    ops.request_reconsideration(case, now=now + timedelta(hours=2), reason="Chưa thỏa đáng.",
                                calendar=CALENDAR)  # fmt: skip
    db.session.commit()
    reopened = georeport.request(code)
    assert reopened["status"] == "open" and reopened["status_notes"] == "Đang xử lý"
    assert reopened["description"] is None and reopened["service_notice"] is None


def test_a_body_too_large_is_413_in_the_path_s_format(app, client, clocked, org):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    app.config["RATELIMIT_ENABLED"] = True  # the limiter reads api_key from the body first
    answer = client.post("/open311/v2/requests.xml", data={"description": "x" * 5000})
    assert answer.status_code == 413 and b"<code>413</code>" in answer.get_data()
