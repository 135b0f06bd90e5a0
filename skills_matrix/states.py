"""The self-assessment and evidence state machines, each one `core.states.TransitionTable`.

A self-assessment is filled in (saved as you go) while in progress, submitted once, and validated
by a manager once; evidence waits for the manager, who accepts or declines it once. Services call
`check()` before any change; pages ask `can()` to decide what to offer."""

from core.states import TransitionTable

from .models import Assessment, Evidence

A = Assessment.Status
E = Evidence.Status

_SUBMITTED_ALREADY = "This self-assessment has already been submitted."
_NOT_EDITABLE = "This self-assessment has been submitted and can no longer be changed."
_NOT_SUBMITTED = "Only a submitted self-assessment can be validated."

ASSESSMENT = TransitionTable(
    {
        "save": ({A.DRAFT}, A.DRAFT),
        "submit": ({A.DRAFT}, A.SUBMITTED),
        "validate": ({A.SUBMITTED}, A.VALIDATED),
    },
    noun="self-assessment",
    describe=lambda status: A(status).label.lower(),
    messages={
        **{(state, "save"): _NOT_EDITABLE for state in (A.SUBMITTED, A.VALIDATED)},
        **{(state, "submit"): _SUBMITTED_ALREADY for state in (A.SUBMITTED, A.VALIDATED)},
        **{(state, "validate"): _NOT_SUBMITTED for state in (A.DRAFT, A.VALIDATED)},
    },
)

EVIDENCE = TransitionTable(
    {"accept": ({E.PENDING}, E.ACCEPTED), "reject": ({E.PENDING}, E.REJECTED)},
    noun="evidence",
    describe=lambda status: E(status).label.lower(),
    messages={
        (state, action): "This evidence has already been decided."
        for state in (E.ACCEPTED, E.REJECTED) for action in ("accept", "reject")
    },
)
