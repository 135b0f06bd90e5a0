"""The request state machine: the one place that says which status may follow which.

    draft ──submit──▶ submitted ──approve (last level)──▶ approved ──process──▶ processed
      │                  │  ├──approve (more levels)──▶ submitted (next level)
      │                  │  ├──reject──▶ rejected
      │                  │  └──return──▶ returned ──submit──▶ submitted
      └──withdraw──▶ withdrawn ◀──withdraw── submitted / returned   (only before a decision)

Who may take each step is `actions.py`, which asks this table for the status part; services call
the action's check before changing anything. An action not allowed from the current status raises
IllegalTransition (a 409 in the API, a clear message on pages).
"""

from core.states import TransitionTable

from .models import Request

S = Request.Status

ACTION_LABELS = {
    "submit": "submit",
    "approve": "approve",
    "reject": "reject",
    "return": "return for changes",
    "withdraw": "withdraw",
    "process": "mark as processed",
}

# action -> (statuses it may start from, status it leads to). "approve" leads to APPROVED only at
# the last level of the chain; earlier levels keep the request SUBMITTED at the next level.
REQUEST = TransitionTable(
    {
        "submit": ({S.DRAFT, S.RETURNED}, S.SUBMITTED),
        "approve": ({S.SUBMITTED}, S.APPROVED),
        "reject": ({S.SUBMITTED}, S.REJECTED),
        "return": ({S.SUBMITTED}, S.RETURNED),
        "withdraw": ({S.DRAFT, S.SUBMITTED, S.RETURNED}, S.WITHDRAWN),
        "process": ({S.APPROVED}, S.PROCESSED),
    },
    noun="request",
    describe=lambda status: Request.Status(status).label.lower(),
    action_labels=ACTION_LABELS,
)

TRANSITIONS = REQUEST.actions  # action -> (frozenset of statuses it starts from, status it leads to)
ALLOWED = REQUEST.graph  # the same rules as a status graph, for documentation, the API and tests


def can(request: Request, action: str) -> bool:
    return REQUEST.can(request.status, action)


def check(request: Request, action: str) -> str:
    """The status `action` leads to from the request's current status, or IllegalTransition."""
    return REQUEST.check(request.status, action)
