"""The officers' API against the verb table, generated like tests/cases/test_verbs.py: for
every state × officer verb × role the API does exactly what the case page offers
(``available_actions``) — with a body built from the verb's schema and real ids, the
operation runs (200) — refuses the others without changing anything, and hides a case the
officer may not see (404)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from intake.cases import permissions as perms
from intake.cases.models import Case
from intake.cases.verbs import Door, available_actions, verbs_for
from intake.core.states import State
from intake.extensions import db
from intake.org.models import Unit, UnitKind
from tests.api.officer_helpers import API, bearer, schema_valid_body, token_for
from tests.cases.factories import advance, make_staff, submit

ROLES = ("intake", "handler", "lead", "other_handler", "coop_handler", "supervisor")


@pytest.fixture
def world(org, app, now):
    staff = make_staff()
    tokens = {role: bearer(token_for(getattr(staff, role))) for role in ROLES}
    submit(now, title="Bản gốc của phản ánh trùng")  # the original a duplicate names
    db.session.commit()
    return staff, tokens


def known_values(staff, case: Case) -> dict:
    """Real values for the fields that name something, so that the operations run."""
    other_unit = db.session.scalar(sa.select(Unit.id).where(Unit.code == "so-xd"))
    request_ids = [r.id for r in case.cooperation_requests]
    return {
        "lead_unit_id": staff.lead_unit.id,
        "unit_ids": [other_unit],
        "handler_id": staff.handler.id,
        "request_id": request_ids[0] if request_ids else 1,
        "working_days": 5,
        "decision": "approve",
        "public_text": "Sở đã giải quyết.",
        "agency_unit_id": db.session.scalar(
            sa.select(Unit.id).where(Unit.kind == UnitKind.EXTERNAL, Unit.valid_to.is_(None))
        ),
        "original_code": db.session.scalar(
            sa.select(Case.reference_code).where(Case.title == "Bản gốc của phản ánh trùng")
        ),
    }


def test_every_officer_verb_has_its_operation_and_named_body_in_the_document(client):
    document = client.get("/api/v1/openapi.json").json
    for verb in verbs_for(Door.OFFICER):
        operation = document["paths"][f"{API}/cases/{{code}}/actions/{verb}"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]
        name = "".join(p.capitalize() for p in verb.split("_")) + "Action"
        assert body == {"$ref": f"#/components/schemas/{name}"}, verb
        assert operation["security"] == [{"officerToken": []}]
        assert {"401", "403", "404", "409", "422"} <= set(operation["responses"]), verb
        schema = document["components"]["schemas"][name]
        assert "version" in schema["properties"], verb
    triage = document["components"]["schemas"]["TriageAction"]
    assert set(triage["required"]) == {"version", "lead_unit_id", "kind", "priority"}
    assert "null" in triage["properties"]["field_id"]["type"]  # optional: left as classified
    assert triage["properties"]["note"]["maxLength"] == 5000


@pytest.mark.parametrize("state", list(State))
def test_the_api_takes_exactly_what_the_page_offers(world, client, now, state):
    staff, tokens = world
    case = advance(submit(now), state, staff, now)
    db.session.commit()
    for verb_name, verb in verbs_for(Door.OFFICER).items():
        for role in ROLES:
            user = getattr(staff, role)
            target = case
            available = verb_name in available_actions(user, case)
            if available:
                target = advance(submit(now), state, staff, now)  # it may change: a fresh one
                db.session.commit()
            version, code = target.version, target.reference_code
            answer = client.post(
                f"{API}/cases/{code}/actions/{verb_name}",
                json=schema_valid_body(verb_name, version, known_values(staff, target)),
                headers=tokens[role],
            )
            where = (verb_name, role, state.value, answer.status_code, answer.get_json())
            assert answer.status_code != 500, where
            assert answer.mimetype in ("application/json", "application/problem+json"), where
            if available:  # done, through the same operation as the page
                assert answer.status_code == 200, where
                assert answer.json["verb"] == verb_name, where
                continue
            if not perms.can_view(user, target):
                assert answer.status_code == 404, where
            elif verb.allowed(user, target):
                assert answer.status_code == 409, where  # allowed, not in this state
            else:
                assert answer.status_code == 403, where
            db.session.expire_all()
            assert db.session.get(Case, target.id).version == version, where


def test_a_case_of_another_unit_is_not_found_through_every_door(world, client, now):
    staff, tokens = world
    case = advance(submit(now), State.IN_PROGRESS, staff, now)
    db.session.commit()
    base = f"{API}/cases/{case.reference_code}"
    for role in ("other_handler", "coop_handler"):
        assert client.get(base, headers=tokens[role]).status_code == 404
        for verb in ("note", "answer", "accept"):
            body = schema_valid_body(verb, case.version)
            answer = client.post(f"{base}/actions/{verb}", json=body, headers=tokens[role])
            assert answer.status_code == 404 and answer.json["detail"], (role, verb)
    missing = client.get(f"{API}/cases/PAKN-0000-000000", headers=tokens["intake"])
    assert missing.status_code == 404
