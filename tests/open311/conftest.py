"""The spec-only client over the Flask test client, a client key, and an item's journey."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict

from tests.api.test_keys_and_problems import create_key
from tests.open311.client import GeoReportClient

DISCOVERY = "/open311/discovery"


def flask_transport(client):
    def send(method, url, params):
        if method == "POST":
            response = client.post(url, data=MultiDict(params))
        else:
            response = client.get(url, query_string=params)
        return response.status_code, response.content_type, response.get_data()

    return send


@pytest.fixture
def clocked(app, now):
    app.config["CLOCK"] = lambda: now
    return app


@pytest.fixture
def key(clocked, org):
    return create_key(clocked, "Open311 test")


@pytest.fixture(params=["json", "xml"])
def fmt(request):
    return request.param


@pytest.fixture
def georeport(client, key, fmt):
    return GeoReportClient(flask_transport(client), DISCOVERY, fmt=fmt, api_key=key)


@pytest.fixture
def anonymous(client, clocked, org, fmt):
    return GeoReportClient(flask_transport(client), DISCOVERY, fmt=fmt)


PERSON = {
    "first_name": "Văn An",
    "last_name": "Nguyễn",
    "email": "an.nguyen@example.com",
    "phone": "0912 345 678",
    "address_string": "Trụ sở UBND xã An Hiệp, huyện Châu Thành",
    "lat": "9.6025",
    "long": "105.9739",
    "description": "Hồ sơ cấp giấy chứng nhận nộp từ tháng 6, đến nay quá hẹn 30 ngày.",
}
ATTRIBUTES = {
    "submitter_type": "individual",
    "submitter_address": "Ấp Phú Hữu, xã An Hiệp, huyện Châu Thành",
    "kind": "phan_anh",
    "title": "Chậm cấp giấy chứng nhận quyền sử dụng đất",
    "declared_truthful": "true",
    "consent_to_publish": "true",
}
