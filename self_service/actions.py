"""What may be done to a request, by whom and from which status: one rule per operation.

Each action's `check(actor, request)` raises the error a person can act on (PermissionDenied when it
is not theirs to do, IllegalTransition or another DomainError when the request's status or type does
not allow it) and, for a change of status, returns the status it leads to. The services call it on
the row they have locked before they change anything; the detail page asks `allowed()` to show a
button; the page POST and the API run `services.request_action_run(...)`, whose service checks again.
Nothing else restates these rules (as `wagtail/actions/`: the operation owns its permission check).

`permissions.py` holds the questions the rules are made of (is it their own? are they its approver?);
`workflow.py` the status table.
"""

from django.core.exceptions import PermissionDenied, ValidationError

from core.errors import DomainError

from . import permissions, selectors, workflow
from .models import Request, RequestType

S = Request.Status
CLOSED = (S.PROCESSED, S.REJECTED)


class RequestAction:
    """One operation on a request. `name` is its address in page and API URLs."""

    name: str = ""
    done: str = ""  # what the page says once it is done
    transition: bool = False  # posted to .../action/<name>/ on pages and /requests/<id>/<name>/ in the API

    def check(self, actor, request: Request):
        raise NotImplementedError

    def reason(self, actor, request: Request) -> str | None:
        """Why `actor` may not do this now, or None when they may."""
        try:
            self.check(actor, request)
        except (PermissionDenied, DomainError) as exc:
            return str(exc)
        except ValidationError as exc:
            return "; ".join(exc.messages)
        return None

    def allowed(self, actor, request: Request) -> bool:
        return self.reason(actor, request) is None

    def __repr__(self):
        return f"<RequestAction {self.name}>"


class Submit(RequestAction):
    name, transition = "submit", True
    done = "Request sent for approval."

    def check(self, actor, request):
        to = workflow.check(request, "submit")
        if not permissions.can_edit(actor, request):
            raise PermissionDenied("You can only submit your own requests.")
        return to


class Decide(RequestAction):
    """Approve, reject or return: the request's current approver (or their acting manager, or the
    role it waits for), never the person it is about. Reject and return also need a comment, which
    the service asks for: that is about what was typed, not about who may decide."""

    transition = True

    def __init__(self, name: str, done: str):
        self.name, self.done = name, done

    def check(self, actor, request):
        to = workflow.check(request, self.name)
        if not permissions.can_approve(actor, request):
            if permissions.is_own(actor, request):
                raise PermissionDenied("You cannot decide your own request.")
            raise PermissionDenied("This request is not waiting for your decision.")
        return to


class Withdraw(RequestAction):
    name, transition = "withdraw", True
    done = "Request withdrawn."

    def check(self, actor, request):
        to = workflow.check(request, "withdraw")
        if not permissions.can_withdraw(actor, request):
            raise PermissionDenied("Only the employee (or whoever made the request for them) can withdraw it.")
        return to


class Process(RequestAction):
    """Payroll-affecting changes are processed by whoever runs the payroll export (even those HR
    looks after, such as a change of name); the rest by their processing team, on the request page."""

    name, transition = "process", True
    done = "Request marked as processed."

    def check(self, actor, request, *, by_export: bool = False):
        to = workflow.check(request, "process")
        allowed = permissions.can_use_payroll(actor) if by_export else permissions.can_process(actor, request)
        if not allowed:
            raise PermissionDenied("Only the team that processes this type of request can mark it processed.")
        if request.type.affects_payroll and not by_export:
            raise DomainError("Payroll changes are processed by the payroll export for their pay period.")
        return to


class Verify(RequestAction):
    """The second payroll check of a bank details change, before it goes in an export."""

    name, transition = "verify", True
    done = "Bank details verified. They will go in the next export."

    def check(self, actor, request):
        if not permissions.can_verify_bank_details(actor, request):
            if request.status != S.APPROVED:
                raise DomainError("Bank details can be verified once payroll has approved the change.")
            raise PermissionDenied("A second payroll officer, not the one who approved it, must verify this change.")


class Edit(RequestAction):
    name = "edit"
    done = "Your changes have been saved."

    def check(self, actor, request):
        if not permissions.can_edit(actor, request):
            raise PermissionDenied("You can only change your own requests while they are drafts or returned.")
        if request.type.kind == RequestType.Kind.BANK_DETAILS:
            raise DomainError("To change bank details again, withdraw this request and make a new one.")


class Attach(RequestAction):
    name = "attach"
    done = "File uploaded."

    def check(self, actor, request):
        open_to_them = permissions.can_edit(actor, request) or (
            request.status == S.SUBMITTED
            and (permissions.is_own(actor, request) or request.submitted_by_id == actor.pk))
        if not open_to_them:
            raise PermissionDenied("You can add files only to your own open requests.")
        if not request.type.attachments_allowed:
            raise ValidationError({"file": "This type of request does not take attachments."})


class Comment(RequestAction):
    """Anyone who may open the request may comment on it, whatever its status."""

    name = "comment"
    done = "Comment added."

    def check(self, actor, request):
        if not selectors.requests_visible_to(actor).filter(pk=request.pk).exists():
            raise PermissionDenied("You cannot comment on this request.")


class Rate(RequestAction):
    """The one-question satisfaction rating: given once, by the employee, when the request is closed."""

    name = "rate"
    done = "Thank you for your feedback."

    def check(self, actor, request):
        if not permissions.is_own(actor, request):
            raise PermissionDenied("Only the employee can rate their request.")
        if request.status not in CLOSED:
            raise DomainError("You can rate a request once it is closed.")
        if request.rating is not None:
            raise DomainError("You have already rated this request.")


SUBMIT = Submit()
APPROVE = Decide("approve", "Request approved.")
REJECT = Decide("reject", "Request rejected.")
RETURN = Decide("return", "Request returned to the employee for changes.")
WITHDRAW = Withdraw()
PROCESS = Process()
VERIFY = Verify()
EDIT = Edit()
ATTACH = Attach()
COMMENT = Comment()
RATE = Rate()

ACTIONS: dict[str, RequestAction] = {
    a.name: a for a in (SUBMIT, APPROVE, REJECT, RETURN, WITHDRAW, PROCESS, VERIFY, EDIT, ATTACH, COMMENT, RATE)
}
TRANSITIONS: dict[str, RequestAction] = {name: a for name, a in ACTIONS.items() if a.transition}


def available(actor, request: Request) -> dict[str, bool]:
    """Every action by name: may `actor` do it now? What the request page shows."""
    return {name: action.allowed(actor, request) for name, action in ACTIONS.items()}
