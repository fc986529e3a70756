"""The verb table (intake.cases.verbs) against the transition table, and the officers' door
against the verb table: generated from the same declarations the pages use, so a verb added
to the table is tested here without writing its test by hand.

The hand-written remit of tests/officer/test_permissions.py stays the independent oracle;
this file checks that the doors honour whatever the table says."""

from __future__ import annotations

import pytest

from intake.cases.verbs import CITIZEN, VERBS, Door, available_actions, verbs_for
from intake.core.states import TRANSITIONS, Action, State
from intake.extensions import db
from intake.officer.action_forms import ACTION_FORMS
from intake.officer.case_page import OWN_PAGE_VERBS, VERB_PATHS
from intake.public.forms import CITIZEN_FORMS
from tests.cases.factories import advance, make_staff, submit
from tests.conftest import hidden_inputs
from tests.officer.helpers import login

REACHABLE = [s for s in State]
ROLES = ("intake", "handler", "lead", "other_handler", "supervisor")


def test_every_verb_that_moves_an_item_is_allowed_only_where_the_transition_is():
    for verb in VERBS.values():
        if verb.action is not None:
            assert verb.states <= TRANSITIONS[verb.action][0], verb.name


def test_every_action_a_person_takes_has_a_verb():
    # Closing is the worker's (or follows a rating); submitting has its own pages.
    by_people = set(Action) - {Action.SUBMIT, Action.CLOSE}
    assert by_people == {v.action for v in VERBS.values() if v.action is not None}


def test_every_verb_has_exactly_one_form_at_its_door():
    officer = set(verbs_for(Door.OFFICER)) - {"reply_cooperation"}
    assert set(ACTION_FORMS) == officer
    assert set(CITIZEN_FORMS) == set(verbs_for(Door.CITIZEN))


@pytest.fixture
def world(org, app, now):
    staff = make_staff()
    db.session.commit()
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        login(clients[role], getattr(staff, role))
    tokens = {
        role: hidden_inputs(c.get("/account/password").get_data(as_text=True))["csrf_token"]
        for role, c in clients.items()
    }
    return staff, clients, tokens


def _post(client, token, case, verb_name):
    path = f"/officer/cases/{case.id}/{VERB_PATHS.get(verb_name, verb_name)}"
    return client.post(path, data={"csrf_token": token, "version": str(case.version)})


@pytest.mark.parametrize("state", REACHABLE)
def test_the_officers_door_offers_and_refuses_what_the_table_says(world, now, state):
    """For every officer verb and role: where the table says no, the door answers 403 or 404
    and the item is unchanged; where it says yes, the door takes the request (a redirect, or
    the form shown again for its missing inputs), never a 403, 404 or 500."""
    staff, clients, tokens = world
    case = advance(submit(now), state, staff, now)
    db.session.commit()
    for verb_name, verb in verbs_for(Door.OFFICER).items():
        if verb_name in OWN_PAGE_VERBS:
            continue
        for role in ROLES:
            user = getattr(staff, role)
            target = case
            available = verb.is_available(user, case)
            if available:
                target = advance(submit(now), state, staff, now)  # it may change: a fresh one
                db.session.commit()
            version = target.version
            status = _post(clients[role], tokens[role], target, verb_name).status_code
            where = (verb_name, role, state.value, status)
            assert status != 500, where
            if available:
                assert status in (303, 422), where
            else:
                assert status in (403, 404), where
                db.session.expire_all()
                assert db.session.get(type(target), target.id).version == version, where


@pytest.mark.parametrize("state", REACHABLE)
def test_the_citizens_page_shows_the_forms_of_the_available_verbs(app, client, now, state, org):
    staff = make_staff()
    case = advance(submit(now), state, staff, now)
    db.session.commit()
    with client.session_transaction() as session:
        session["tracked_case_ids"] = [case.id]
    html = client.get(f"/track/{case.reference_code}").get_data(as_text=True)
    offered = {
        name
        for name in CITIZEN_FORMS
        if f'action="/track/{case.reference_code}/{"info" if name == "provide_info" else name}"'
        in html
    }
    assert offered == set(available_actions(CITIZEN, case)), state


def test_each_operation_logs_one_line_without_personal_data(org, now, caplog):
    import logging

    staff = make_staff()
    case = submit(now)
    with caplog.at_level(logging.INFO, logger="intake.cases"):
        advance(case, State.ASSIGNED, staff, now)
    lines = [r.getMessage() for r in caplog.records if r.name == "intake.cases"]
    assert [line.split()[1] for line in lines] == ["kind=classify", "kind=assign"]
    assert f"case_id={case.id}" in lines[1] and "to=assigned" in lines[1]
    assert all(case.full_name not in line and case.phone not in line for line in lines)
