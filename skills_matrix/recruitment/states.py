"""The invitation and attempt state machines, in one place (core.states.TransitionTable). An illegal
move raises IllegalTransition, which pages show as a message and the API returns as 409.

Each action is named after the state it leads to (`INVITATION.check(state, "revoked")`)."""

from core.states import TransitionTable

from .models import Attempt, Invitation

INV = Invitation.State
ATT = Attempt.State

INVITATION_GRAPH: dict[str, set[str]] = {
    INV.ISSUED: {INV.STARTED, INV.REVOKED, INV.ISSUED},  # ISSUED -> ISSUED is a re-issue (new link)
    INV.STARTED: {INV.COMPLETED, INV.REVOKED},
    INV.REVOKED: {INV.ISSUED},
    INV.COMPLETED: set(),
}

ATTEMPT_GRAPH: dict[str, set[str]] = {
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


def _illegal(graph: dict[str, set[str]], sentence) -> dict[tuple[str, str], str]:
    """A message for every move the graph does not allow."""
    return {(s, to): sentence(s, to) for s in graph for to in graph if to not in graph[s]}


INVITATION = TransitionTable.from_graph(
    INVITATION_GRAPH,
    noun="invitation",
    describe=lambda s: INV(s).label.lower(),
    messages={
        **_illegal(INVITATION_GRAPH, lambda s, to: f"An invitation that is {INV(s).label.lower()} cannot become "
                                                   f"{INV(to).label.lower()}."),
        **_INVITATION_MESSAGES,
    },
)

ATTEMPT = TransitionTable.from_graph(
    ATTEMPT_GRAPH,
    noun="test",
    describe=lambda s: ATT(s).label.lower(),
    messages=_illegal(ATTEMPT_GRAPH, lambda s, to: "This test has already finished; no more answers can be given."),
)


def invitation_move(invitation: Invitation, to: str) -> None:
    invitation.state = INVITATION.check(invitation.state, to)


def attempt_move(attempt: Attempt, to: str) -> None:
    attempt.state = ATTEMPT.check(attempt.state, to)
