"""Every officer route × every role × own unit / other unit: nobody sees or changes what is
not theirs (a 404, so existence is not revealed), nothing answers with a 500."""

import pytest

from intake.core.states import State
from intake.extensions import db
from tests.cases.factories import advance, make_staff, submit
from tests.officer.helpers import login

GET_ROUTES = ["/officer/cases/{id}", "/officer/cases/{id}/review"]
POST_ACTIONS = [
    "classify", "assign", "reject", "transfer", "request-info", "duplicate", "accept", "return",
    "assign-handler", "note", "cooperate", "defer", "resume", "answer", "publish", "rework",
    "extension", "extension/decision",
]  # fmt: skip
ROLES = [
    "anonymous", "intake", "handler", "lead", "other_handler", "other_lead", "coop_handler",
    "supervisor", "admin",
]  # fmt: skip


@pytest.fixture
def world(org, app, now):
    staff = make_staff()
    cases = {
        state: advance(submit(now), state, staff, now)
        for state in (State.RECEIVED, State.IN_PROGRESS, State.ANSWER_REVIEW)
    }
    db.session.commit()
    clients = {}
    for role in ROLES:
        clients[role] = app.test_client()
        if role != "anonymous":
            login(clients[role], getattr(staff, role))
    return staff, cases, clients


SEES = {
    # who may open a case led by the handler's unit (so-tnmt); the cooperating unit has no
    # request on these cases, so it sees nothing either
    "intake": True, "supervisor": True, "handler": True, "lead": True,
    "other_handler": False, "other_lead": False, "coop_handler": False, "admin": False,
}  # fmt: skip


def test_case_pages(world):
    staff, cases, clients = world
    case = cases[State.IN_PROGRESS]
    for role in ROLES:
        status = clients[role].get(f"/officer/cases/{case.id}").status_code
        if role == "anonymous":
            assert status == 302, role
        else:
            assert status == (200 if SEES[role] else 404), role


def test_review_page_only_for_intake(world):
    _, cases, clients = world
    case = cases[State.ANSWER_REVIEW]
    expected = {"intake": 200, "supervisor": 403, "handler": 403, "lead": 403}
    for role in ROLES[1:]:
        status = clients[role].get(f"/officer/cases/{case.id}/review").status_code
        assert status == expected.get(role, 404), role


def sees(role: str, state: State) -> bool:
    """Before assignment no unit holds the case: only intake and supervisors see it."""
    if state is State.RECEIVED:
        return role in ("intake", "supervisor")
    return SEES[role]


TRIAGE = {"classify", "assign", "reject", "transfer", "duplicate"}
#: The state each unit action belongs to (the world's in-progress item is a regulation-content
#: item, so it may be kept for study; nobody has asked for an extension yet).
UNIT = {
    "accept": {State.ASSIGNED},
    "return": {State.ASSIGNED, State.IN_PROGRESS},
    "answer": {State.IN_PROGRESS},
    "cooperate": {State.IN_PROGRESS},
    "defer": {State.IN_PROGRESS},
    "resume": {State.DEFERRED},
    "extension": {State.IN_PROGRESS},
}


def permitted(role: str, action: str, state: State) -> bool:
    """The expected remit, written out by hand from DOMAIN.md §1 and §3 (not from the code):
    who may do it, and in which state it is offered at all. Anything else is a 403."""
    if action == "note":
        return role in ("intake", "handler", "lead")
    if action in TRIAGE:
        return role == "intake" and state is State.RECEIVED
    if action in ("publish", "rework"):
        return role == "intake" and state is State.ANSWER_REVIEW
    if action == "request-info":
        return (role == "intake" and state is State.RECEIVED) or (
            role in ("handler", "lead") and state is State.IN_PROGRESS
        )
    if action == "assign-handler":
        return role == "lead" and state in (State.ASSIGNED, State.IN_PROGRESS, State.DEFERRED)
    if action == "extension/decision":
        return False  # only once a handler has asked
    if action in UNIT:
        return role in ("handler", "lead") and state in UNIT[action]
    raise AssertionError(action)


def test_actions_matrix(world):
    """Every action × role × case (own unit, other unit): with a valid CSRF token and the
    current version, those who cannot see the case get a 404, those who see it but may not
    act a 403, and the case is unchanged; the permitted get a redirect or a form error.
    Nothing answers with a 500."""
    from tests.conftest import hidden_inputs

    _, cases, clients = world
    tokens = {
        role: hidden_inputs(
            client.get("/login" if role == "anonymous" else "/account/password").get_data(
                as_text=True
            )
        )["csrf_token"]
        for role, client in clients.items()
    }
    for action in POST_ACTIONS:
        for state, case in cases.items():
            for role in ROLES:
                db.session.expire_all()
                before = db.session.get(type(case), case.id).version
                status = (
                    clients[role]
                    .post(
                        f"/officer/cases/{case.id}/{action}",
                        data={"csrf_token": tokens[role], "version": str(before)},
                    )
                    .status_code
                )
                where = (role, action, state.value, status)
                assert status != 500, where
                if role == "anonymous":
                    assert status == 302, where
                elif not sees(role, state):
                    assert status == 404, where
                elif not permitted(role, action, state):
                    assert status == 403, where
                else:
                    assert status in (303, 422), where
                if status in (302, 403, 404):
                    db.session.expire_all()
                    assert db.session.get(type(case), case.id).version == before, where


def test_forbidden_actions_with_valid_forms_change_nothing(world):
    """With a valid CSRF token and version, a supervisor still cannot assign, a handler cannot
    publish, another unit cannot accept."""
    from tests.conftest import hidden_inputs

    staff, cases, clients = world
    attempts = [
        ("supervisor", State.RECEIVED, "assign", {"lead_unit_id": str(staff.lead_unit.id)}),
        ("handler", State.ANSWER_REVIEW, "publish", {"published_title": "x",
                                                      "published_answer": "x",
                                                      "confirm_redaction": "y"}),
        ("other_handler", State.IN_PROGRESS, "note", {"text": "xin chào"}),
        ("intake", State.IN_PROGRESS, "answer", {"public_text": "x", "letter": "y"}),
    ]  # fmt: skip
    for role, state, action, data in attempts:
        case = cases[state]
        client = clients[role]
        token = hidden_inputs(client.get("/officer/").get_data(as_text=True)).get("csrf_token")
        token = (
            token
            or hidden_inputs(client.get("/account/password").get_data(as_text=True))["csrf_token"]
        )
        before = db.session.get(type(case), case.id).version
        status = client.post(
            f"/officer/cases/{case.id}/{action}",
            data={"csrf_token": token, "version": str(before), **data},
        ).status_code
        assert status in (403, 404), (role, action, status)
        db.session.expire_all()
        assert db.session.get(type(case), case.id).version == before


def test_queues_show_only_what_the_officer_may_see(world):
    _, cases, clients = world
    code = cases[State.IN_PROGRESS].reference_code
    assert code in clients["handler"].get("/officer/unit?tab=in_progress").get_data(as_text=True)
    assert code not in clients["other_handler"].get("/officer/unit?tab=in_progress").get_data(
        as_text=True
    )
    assert code in clients["intake"].get("/officer/intake?tab=all").get_data(as_text=True)
    assert clients["handler"].get("/officer/intake").status_code == 404
    assert clients["intake"].get("/officer/unit").status_code == 404
    assert clients["admin"].get("/officer/").headers["Location"].endswith("/admin/")
    assert clients["admin"].get("/officer/intake").status_code == 404
    assert clients["anonymous"].get("/officer/").status_code == 302
