"""Whatever a client sends to GeoReport's parameters, the answer is never a 500, and an error is
always a GeoReport error list in the format the path asked for."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.core.states import State
from intake.extensions import db
from tests.cases.factories import advance, make_staff, submit
from tests.fuzz.test_every_route import EDGE_NUMBERS, FUZZ
from tests.open311.conftest import ATTRIBUTES, PERSON

PARAMETERS = [
    "api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id",
    "email", "device_id", "account_id", "first_name", "last_name", "phone", "description",
    "media_url", "service_request_id", "start_date", "end_date", "status", "page", "page_size",
    "attribute[", "attribute[]", "attribute[[x]]", "attribute[kind][]",
    *(f"attribute[{code}]" for code in ATTRIBUTES),
    "attribute[procedure]", "attribute[concerned_unit]", "attribute[language]",
]  # fmt: skip
ODD = ["2026-02-30T00:00:00Z", "0001-01-01", "9999-12-31T23:59:59+14:00", "2026-03-10",
       "2026-03-10T09:30:00", "open,closed", "open,,", "true", "organisation", "kien_nghi",
       "1.001193", "dat-dai,ho-tich", "http://example.com/a.jpg", "javascript:alert(1)",
       "\x00\x01\x1f", "\ud7ff\ufffe", "<![CDATA[x]]>", "&amp;", "]]>", "nan", "-91", "1e999",
       "an@example.com", "0912345678"]  # fmt: skip
PATHS = ["discovery", "v2/services", "v2/services/dat-dai", "v2/services/{text}",
         "v2/requests", "v2/requests/{code}", "v2/requests/{text}", "v2/tokens/{code}",
         "v2/tokens/{text}", "v2/nothing"]  # fmt: skip


@pytest.fixture
def target(app, org, now, client):
    from tests.api.test_keys_and_problems import create_key

    app.config["CLOCK"] = lambda: now
    key = create_key(app, "Fuzz")
    staff = make_staff()
    cases = [advance(submit(now), s, staff, now) for s in (State.RECEIVED, State.ANSWERED)]
    db.session.commit()
    return {"key": key, "codes": [c.reference_code for c in cases], "client": client}


def _value(draw, target, name: str) -> str:
    choice = draw(st.integers(0, 7))
    if name == "api_key" and choice < 5:
        return target["key"]
    if choice < 2:
        merged = {**PERSON, **{f"attribute[{k}]": v for k, v in ATTRIBUTES.items()}}
        return merged.get(name, draw(st.sampled_from(ODD)))
    if choice == 2:
        return draw(st.sampled_from(EDGE_NUMBERS + target["codes"]))
    if choice == 3:
        return draw(st.sampled_from(ODD))
    if choice == 4:
        return "Nội dung " * draw(st.integers(50, 800))
    return draw(st.text(max_size=60))


def _check(response, fmt: str):
    assert response.status_code < 500, response.get_data()[:500]
    body = response.get_data()
    if fmt == "json":
        assert response.content_type == "application/json; charset=utf-8"
        value = json.loads(body)
    else:
        assert response.content_type == "text/xml; charset=utf-8"
        value = ET.fromstring(body)  # noqa: S314 — our own answer, on loopback
    if response.status_code >= 400:
        if fmt == "json":
            assert value and all({"code", "description"} == set(e) for e in value)
        else:
            assert value.tag == "errors" and value.find("error/description") is not None


@FUZZ
@given(data=st.data())
def test_no_parameters_answer_500(target, data):
    fmt = data.draw(st.sampled_from(["json", "xml"]))
    path = data.draw(st.sampled_from(PATHS)).format(
        code=data.draw(st.sampled_from(target["codes"])),
        text=data.draw(
            st.text(st.characters(blacklist_characters="/?#%"), min_size=1, max_size=40)
        ),  # fmt: skip
    )
    names = data.draw(st.lists(st.sampled_from(PARAMETERS), max_size=14, unique=True))
    params = {name: _value(data.draw, target, name) for name in names}
    client = target["client"]
    url = f"/open311/{path}.{fmt}"
    if data.draw(st.booleans()):
        response = client.post(url, data=params)
    else:
        response = client.get(url, query_string=params)
    if (
        path.startswith("v2/requests")
        or path.startswith("v2/tokens")
        or response.status_code != 404
    ):
        _check(response, fmt)
    else:
        assert response.status_code < 500
