"""The invitation and attempt state machines, in one place. An illegal move raises IllegalTransition,
which pages show as a message and the API returns as 409."""

from core.errors import IllegalTransition

from .models import Attempt, Invitation

INV = Invitation.State
ATT = Attempt.State

INVITATION_TRANSITIONS: dict[str, set[str]] = {
    INV.ISSUED: {INV.STARTED, INV.REVOKED, INV.ISSUED},  # ISSUED -> ISSUED is a re-issue (new link)
    INV.STARTED: {INV.COMPLETED, INV.REVOKED},
    INV.REVOKED: {INV.ISSUED},
    INV.COMPLETED: set(),
}

ATTEMPT_TRANSITIONS: dict[str, set[str]] = {
    ATT.IN_PROGRESS: {ATT.SUBMITTED, ATT.TIMED_OUT, ATT.STOPPED},
    ATT.SUBMITTED: set(),
    ATT.TIMED_OUT: set(),
    ATT.STOPPED: set(),
}

_INVITATION_MESSAGES = {
    (INV.STARTED, INV.ISSUED): "The applicant has already started this test, so the link cannot be re-issued.",
    (INV.COMPLETED, INV.ISSUED): "The applicant has completed this test, so the link cannot be re-issued.",
    (INV.COMPLETED, INV.REVOKED): "The applicant has completed this test; there is no link left to revoke.",
    (INV.REVOKED, INV.REVOKED): "This link has already been revoked.",
    (INV.REVOKED, INV.STARTED): "This link has been revoked.",
}


def invitation_move(invitation: Invitation, to: str) -> None:
    if to not in INVITATION_TRANSITIONS[invitation.state]:
        raise IllegalTransition(
            _INVITATION_MESSAGES.get(
                (invitation.state, to),
                f"An invitation that is {invitation.get_state_display().lower()} cannot become "
                f"{INV(to).label.lower()}.",
            )
        )
    invitation.state = to


def attempt_move(attempt: Attempt, to: str) -> None:
    if to not in ATTEMPT_TRANSITIONS[attempt.state]:
        raise IllegalTransition("This test has already finished; no more answers can be given.")
    attempt.state = to
