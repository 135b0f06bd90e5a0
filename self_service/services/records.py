"""The request row as every service writes it: locked for the change, saved by named fields, audited
against the employee it concerns."""

from people.audit import audit_record
from people.models import AuditEntry

from ..models import Request

S = Request.Status
# Saves name their fields, so a concurrent change to another column is never overwritten.
DATA_FIELDS = ["data", "summary", "amount", "start_date", "end_date", "start_half_day", "end_half_day", "days",
               "updated_at"]
ROUTE_FIELDS = ["approval_level", "current_approver", "current_approver_role", "awaiting_since", "reminded_at",
                "reminder_queued_at", "escalated_at", "updated_at"]
BANK_FIELDS = frozenset({"sort_code", "account_number"})


def request_audit(*, actor, action: str, request: Request, changes=None, channel=AuditEntry.Channel.ONLINE, note=""):
    audit_record(actor=actor, action=action, target=request, subject=request.employee, changes=changes or {},
                 channel=channel, note=note)


def request_locked(request: Request) -> Request:
    """The request again, row-locked until the caller's transaction ends, so two people acting at once
    cannot both change it (the second waits, then sees the first one's change)."""
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("type", "employee", "employee__line_manager", "current_approver")
        .get(pk=request.pk)
    )
