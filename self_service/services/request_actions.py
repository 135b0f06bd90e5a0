"""Running a request action by its name (`actions.TRANSITIONS`), for the page POST and the API alike:
the one table from an action's name to the service that does it. Each service checks the action's
rule again on the locked row, so nothing here decides who may do what."""

from people.models import AuditEntry

from ..models import Request
from .approvals import request_approve, request_process, request_reject, request_return
from .bank_details import bank_details_verify
from .requests import request_submit, request_withdraw

_RUN = {
    "submit": lambda actor, request, comment, channel, rekeyed: request_submit(
        actor=actor, request=request, channel=channel),
    "approve": lambda actor, request, comment, channel, rekeyed: request_approve(
        actor=actor, request=request, comment=comment, channel=channel),
    "reject": lambda actor, request, comment, channel, rekeyed: request_reject(
        actor=actor, request=request, comment=comment, channel=channel),
    "return": lambda actor, request, comment, channel, rekeyed: request_return(
        actor=actor, request=request, comment=comment, channel=channel),
    "withdraw": lambda actor, request, comment, channel, rekeyed: request_withdraw(
        actor=actor, request=request, channel=channel),
    "process": lambda actor, request, comment, channel, rekeyed: request_process(
        actor=actor, request=request, comment=comment, channel=channel),
    "verify": lambda actor, request, comment, channel, rekeyed: bank_details_verify(
        actor=actor, request=request, channel=channel, sort_code=rekeyed.get("sort_code", ""),
        account_number=rekeyed.get("account_number", "")),
}


def request_action_run(*, action: str, actor, request: Request, comment: str = "", channel: str | None = None,
                       rekeyed: dict | None = None) -> Request:
    """Do `action` (a name in `actions.TRANSITIONS`) to the request; KeyError for any other name.
    `comment` goes with the decisions and processing; `rekeyed` ({"sort_code", "account_number"})
    with verify, the second payroll check; the other actions take neither. Without a `channel`,
    sending a request keeps the request's own (a paper form stays paper) and the rest are online."""
    if action != "submit":
        channel = channel or AuditEntry.Channel.ONLINE
    return _RUN[action](actor, request, comment, channel, rekeyed or {})
