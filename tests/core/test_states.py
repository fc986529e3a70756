"""The transition table, exhaustively: every (state, action) pair is either the documented move
or an InvalidTransition, never a silent no-op."""

import pytest

from intake.core.states import (
    FINAL_STATES,
    OPEN_STATES,
    TRANSITIONS,
    Action,
    InvalidTransition,
    State,
    allowed_actions,
    initial_state,
    next_state,
)

EXPECTED = {
    (State.RECEIVED, Action.REQUEST_INFO): State.NEEDS_INFO,
    (State.IN_PROGRESS, Action.REQUEST_INFO): State.NEEDS_INFO,
    (State.RECEIVED, Action.ASSIGN): State.ASSIGNED,
    (State.RECEIVED, Action.REJECT): State.REJECTED,
    (State.NEEDS_INFO, Action.REJECT): State.REJECTED,
    (State.RECEIVED, Action.MARK_DUPLICATE): State.REJECTED,
    (State.RECEIVED, Action.TRANSFER_OUT): State.TRANSFERRED_OUT,
    (State.ASSIGNED, Action.ACCEPT): State.IN_PROGRESS,
    (State.ASSIGNED, Action.RETURN_TO_INTAKE): State.RECEIVED,
    (State.IN_PROGRESS, Action.RETURN_TO_INTAKE): State.RECEIVED,
    (State.IN_PROGRESS, Action.DEFER): State.DEFERRED,
    (State.DEFERRED, Action.RESUME): State.IN_PROGRESS,
    (State.IN_PROGRESS, Action.SUBMIT_ANSWER): State.ANSWER_REVIEW,
    (State.ANSWER_REVIEW, Action.RETURN_FOR_REWORK): State.IN_PROGRESS,
    (State.ANSWER_REVIEW, Action.PUBLISH_ANSWER): State.ANSWERED,
    (State.ANSWERED, Action.REOPEN): State.IN_PROGRESS,
    (State.ANSWERED, Action.CLOSE): State.CLOSED,
    **{(s, Action.WITHDRAW): State.WITHDRAWN for s in OPEN_STATES},
}

PAIRS = [(s, a) for s in State for a in Action if a not in (Action.SUBMIT, Action.PROVIDE_INFO)]


@pytest.mark.parametrize(("state", "action"), PAIRS)
def test_transition_matrix(state, action):
    expected = EXPECTED.get((state, action))
    if expected is None:
        with pytest.raises(InvalidTransition):
            next_state(state, action)
    else:
        assert next_state(state, action) is expected
        assert action in allowed_actions(state)


@pytest.mark.parametrize("origin", [State.RECEIVED, State.IN_PROGRESS])
def test_provide_info_returns_to_where_the_item_came_from(origin):
    assert next_state(State.NEEDS_INFO, Action.PROVIDE_INFO, origin=origin) is origin


@pytest.mark.parametrize("state", [s for s in State if s is not State.NEEDS_INFO])
def test_provide_info_only_from_needs_info(state):
    with pytest.raises(InvalidTransition):
        next_state(state, Action.PROVIDE_INFO, origin=State.RECEIVED)


@pytest.mark.parametrize("origin", [None, State.NEEDS_INFO, State.CLOSED])
def test_provide_info_needs_an_open_origin(origin):
    with pytest.raises(InvalidTransition):
        next_state(State.NEEDS_INFO, Action.PROVIDE_INFO, origin=origin)


@pytest.mark.parametrize("state", list(State))
def test_submit_is_never_a_transition(state):
    with pytest.raises(InvalidTransition):
        next_state(state, Action.SUBMIT)


def test_final_states_have_no_way_out():
    for state in FINAL_STATES:
        assert allowed_actions(state) == frozenset()
    assert initial_state() is State.RECEIVED
    assert OPEN_STATES.isdisjoint(FINAL_STATES)
    assert set(TRANSITIONS) == set(Action) - {Action.SUBMIT}


def test_every_action_records_an_event_kind_of_its_own_name():
    from intake.core.states import EventKind

    for action in Action:
        assert EventKind.of(action).value == action.value
