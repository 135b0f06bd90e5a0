"""The request state machine: the one place that says which status may follow which.

    draft ──submit──▶ submitted ──approve (last level)──▶ approved ──process──▶ processed
      │                  │  ├──approve (more levels)──▶ submitted (next level)
      │                  │  ├──reject──▶ rejected
      │                  │  └──return──▶ returned ──submit──▶ submitted
      └──withdraw──▶ withdrawn ◀──withdraw── submitted / returned   (only before a decision)

Services call `check(request, action)` before changing anything; an action not allowed from the
current status raises IllegalTransition (a 409 in the API, a clear message on pages).
"""

from core.errors import IllegalTransition

from .models import Request

S = Request.Status

# action -> (statuses it may start from, status it leads to). "approve" leads to APPROVED only at
# the last level of the chain; earlier levels keep the request SUBMITTED at the next level.
TRANSITIONS: dict[str, tuple[frozenset, str]] = {
    "submit": (frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED),
    "approve": (frozenset({S.SUBMITTED}), S.APPROVED),
    "reject": (frozenset({S.SUBMITTED}), S.REJECTED),
    "return": (frozenset({S.SUBMITTED}), S.RETURNED),
    "withdraw": (frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}), S.WITHDRAWN),
    "process": (frozenset({S.APPROVED}), S.PROCESSED),
}

# The same rules as a status graph, for documentation, the API and tests.
ALLOWED: dict[str, frozenset] = {
    status: frozenset(to for (froms, to) in TRANSITIONS.values() if status in froms) for status in S.values
}

ACTION_LABELS = {
    "submit": "submit",
    "approve": "approve",
    "reject": "reject",
    "return": "return for changes",
    "withdraw": "withdraw",
    "process": "mark as processed",
}


def can(request: Request, action: str) -> bool:
    froms, _ = TRANSITIONS[action]
    return request.status in froms


def check(request: Request, action: str) -> str:
    """The status `action` leads to from the request's current status, or IllegalTransition."""
    if action not in TRANSITIONS:
        raise IllegalTransition(f"Unknown action “{action}”.")
    froms, to = TRANSITIONS[action]
    if request.status not in froms:
        current = Request.Status(request.status).label.lower()
        raise IllegalTransition(
            f"You cannot {ACTION_LABELS[action]} this request because it is {current}."
        )
    return to
