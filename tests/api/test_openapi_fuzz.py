"""Schemathesis over the API's own OpenAPI document: every operation of it (the officers'
too, once they are in the document), with data drawn from its schemas, valid and not. Whatever
is sent, the answer is never a 500, and its status, content type and body are the ones the
document promises. Tracking operations are given real codes and access keys part of the time,
so that the fuzzer gets past the 404 into the verbs.

``make test`` draws a few examples per operation (``INTAKE_FUZZ_EXAMPLES`` draws more, like
tests/fuzz)."""

from __future__ import annotations

import os
from collections import Counter

import pytest
import schemathesis
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from intake import clock
from intake.api_keys.models import KeyKind
from intake.api_keys.operations import create_key as new_key
from intake.cases.models import Case
from intake.core.states import State
from intake.extensions import db
from tests.api.helpers import bearer, item
from tests.cases.factories import advance, make_staff

EXAMPLES = int(os.environ.get("INTAKE_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=not os.environ.get("INTAKE_FUZZ_EXAMPLES"),  # the suite is repeatable
    suppress_health_check=list(HealthCheck),
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def api(app, client, org, now):
    """The document as the app serves it, a client key, an officer's token, and items in the
    states the citizen's verbs need, with their codes and access keys."""
    # Failed look-ups are throttled per address: the fuzzer's are nearly all failures, and it
    # would spend its examples on 429 (tests/api/test_client_api.py checks the throttle).
    app.config.update(TRACK_FAILURE_LIMIT="100000/minute", TRACK_CODE_FAILURE_LIMIT="100000/minute")
    staff = make_staff()
    many = "100000/minute"  # the keys' own limits would answer 429 to most of a long run
    client_key = new_key(kind=KeyKind.CLIENT, name="Fuzz", now=now, rate_limit=many)[1]
    officer_token = new_key(
        kind=KeyKind.PERSONAL, name="Fuzz", now=now, user=staff.intake, rate_limit=many
    )[1]
    db.session.commit()
    items = {}
    for state in (State.RECEIVED, State.NEEDS_INFO, State.ANSWERED):
        answer = client.post("/api/v1/items", json=item(), headers=bearer(client_key))
        assert answer.status_code == 201, answer.json
        code, key = answer.json["reference_code"], answer.json["access_key"]
        case = db.session.scalar(sa.select(Case).where(Case.reference_code == code))
        advance(case, state, staff, clock.now())
        db.session.commit()
        items[code] = key
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return schema, client_key, officer_token, items


def _credentials(operation, client_key: str, officer_token: str) -> dict:
    schemes = {name for requirement in operation.definition.raw.get("security", [])
               for name in requirement}  # fmt: skip
    if "officerToken" in schemes and "clientKey" not in schemes:
        return bearer(officer_token)
    return bearer(client_key)


def test_every_operation_answers_as_its_document_says(api):
    schema, client_key, officer_token, items = api
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    seen: dict[str, Counter] = {}
    for operation in operations:
        _fuzz(operation, _credentials(operation, client_key, officer_token), items, seen)
    # It got past the refusals: items were logged, followed and acted on.
    assert seen["POST /api/v1/items"][201] and seen["GET /api/v1/items/{code}"][200], seen


def _fuzz(operation, headers: dict, items: dict, seen: dict[str, Counter]) -> None:
    has_code = any(p.name == "code" for p in operation.path_parameters)

    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
        *operation.get_strategies_from_examples(),  # the document's own examples
    ]

    @FUZZ
    @given(case=st.one_of(strategies), data=st.data())
    def run(case, data):
        if has_code and data.draw(st.booleans()):
            code = data.draw(st.sampled_from(sorted(items)))
            case.path_parameters = {**(case.path_parameters or {}), "code": code}
            case.headers = {**(case.headers or {}), "X-Access-Key": items[code]}
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        seen.setdefault(operation.label, Counter())[response.status_code] += 1

    run()
