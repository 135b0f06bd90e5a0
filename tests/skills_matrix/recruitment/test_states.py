"""The invitation and attempt state machines are core.states tables, with their own messages."""

import pytest

from core.errors import IllegalTransition
from core.states import TransitionTable
from skills_matrix.recruitment import states
from skills_matrix.recruitment.models import Attempt, Invitation

INV, ATT = Invitation.State, Attempt.State


def test_both_machines_are_transition_tables_with_the_documented_moves():
    assert isinstance(states.INVITATION, TransitionTable) and isinstance(states.ATTEMPT, TransitionTable)
    assert states.INVITATION.graph == {
        INV.ISSUED: {INV.STARTED, INV.REVOKED, INV.ISSUED},
        INV.STARTED: {INV.COMPLETED, INV.REVOKED},
        INV.REVOKED: {INV.ISSUED},
        INV.COMPLETED: set(),
    }
    assert states.ATTEMPT.graph == {ATT.IN_PROGRESS: {ATT.SUBMITTED, ATT.TIMED_OUT, ATT.STOPPED},
                                    ATT.SUBMITTED: set(), ATT.TIMED_OUT: set(), ATT.STOPPED: set()}


@pytest.mark.parametrize(("state", "to", "message"), [
    (INV.STARTED, INV.ISSUED, "The applicant has already started this test, so the link cannot be re-issued."),
    (INV.COMPLETED, INV.ISSUED, "The applicant has completed this test, so the link cannot be re-issued."),
    (INV.COMPLETED, INV.REVOKED, "The applicant has completed this test; there is no link left to revoke."),
    (INV.REVOKED, INV.REVOKED, "This link has already been revoked."),
    (INV.REVOKED, INV.STARTED, "This link has been revoked."),
    (INV.ISSUED, INV.COMPLETED, "An invitation that is invited cannot become completed."),
    (INV.COMPLETED, INV.STARTED, "An invitation that is completed cannot become in progress."),
])
def test_an_illegal_invitation_move_says_why(state, to, message):
    invitation = Invitation(state=state)
    with pytest.raises(IllegalTransition) as raised:
        states.invitation_move(invitation, to)
    assert str(raised.value) == message and invitation.state == state


@pytest.mark.parametrize("state", [ATT.SUBMITTED, ATT.TIMED_OUT, ATT.STOPPED])
@pytest.mark.parametrize("to", list(ATT))
def test_a_finished_attempt_takes_no_more_moves(state, to):
    with pytest.raises(IllegalTransition, match="^This test has already finished; no more answers can be given.$"):
        states.attempt_move(Attempt(state=state), to)


def test_legal_moves_change_the_state():
    invitation, attempt = Invitation(state=INV.ISSUED), Attempt(state=ATT.IN_PROGRESS)
    states.invitation_move(invitation, INV.STARTED)
    states.attempt_move(attempt, ATT.TIMED_OUT)
    assert (invitation.state, attempt.state) == (INV.STARTED, ATT.TIMED_OUT)
