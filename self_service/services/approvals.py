"""Deciding a request (approve, reject, return; one by one or in bulk) and marking it processed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from people.models import AuditEntry
from people.selectors import employee_for

from .. import actions, notify, selectors
from ..models import Approval, Comment, PayrollExport, Request
from .record_updates import employee_record_update
from .records import ROUTE_FIELDS, S, request_audit, request_locked
from .routing import approver_notify, route_to_level


def _decide(*, actor, request: Request, action: str, comment: str, channel: str) -> Request:
    """One level's decision. At a level before the last, approving moves the request on to the next
    approver (skipping one who already decided); otherwise the request takes the decision's status."""
    request = request_locked(request)
    to = actions.ACTIONS[action].check(actor, request)
    if action in ("reject", "return") and not comment.strip():
        raise ValidationError({"comment": "Say why, so the employee knows what to do next."})
    me = employee_for(actor)
    acting_for = request.current_approver if request.current_approver and (me is None or me.pk != request.current_approver_id) else None
    Approval.objects.create(request=request, level=request.approval_level, decided_by=actor, acting_for=acting_for,
                            decision=Approval.Decision(to), comment=comment)
    if comment.strip():
        Comment.objects.create(request=request, author=actor, body=comment, status_at_time=request.status)
    before_status, before_level = request.status, request.approval_level
    previous = request.current_approver
    note = f"acting for {acting_for}" if acting_for else ""
    if action == "approve" and route_to_level(request, request.approval_level + 1, previous=previous):
        request.save(update_fields=ROUTE_FIELDS)
        request_audit(actor=actor, action="request.approved_level", request=request, channel=channel, note=note,
                      changes={"approval_level": [before_level, request.approval_level]})
        approver_notify(request)
        return request
    request.status = to
    request.decided_at = timezone.now()
    request.current_approver, request.current_approver_role = None, ""
    if to == S.APPROVED and request.type.affects_payroll:
        request.pay_period = selectors.period_for_approval(timezone.localdate())
    request.save(update_fields=["status", "decided_at", "current_approver", "current_approver_role", "pay_period",
                                "updated_at"])
    request_audit(actor=actor, action=f"request.{to}", request=request, channel=channel, note=note,
                  changes={"status": [before_status, to]})
    if to == S.APPROVED:
        employee_record_update(actor=actor, request=request, channel=channel)
    notify.decided(request, S(to).label.lower())
    return request


@transaction.atomic
def request_approve(*, actor, request: Request, comment: str = "", channel: str = AuditEntry.Channel.ONLINE):
    return _decide(actor=actor, request=request, action="approve", comment=comment, channel=channel)


@transaction.atomic
def request_reject(*, actor, request: Request, comment: str, channel: str = AuditEntry.Channel.ONLINE):
    return _decide(actor=actor, request=request, action="reject", comment=comment, channel=channel)


@transaction.atomic
def request_return(*, actor, request: Request, comment: str, channel: str = AuditEntry.Channel.ONLINE):
    return _decide(actor=actor, request=request, action="return", comment=comment, channel=channel)


def requests_bulk_approve(*, actor, request_ids: list[int], channel: str = AuditEntry.Channel.ONLINE):
    """Approve each request in its own transaction: one that cannot be approved (decided meanwhile,
    not theirs to decide) is reported and does not stop the others. Returns (approved, {id: reason})."""
    approved, failed = [], {}
    found = {r.pk: r for r in Request.objects.filter(pk__in=request_ids)}
    for pk in request_ids:
        req = found.get(pk)
        if req is None:
            failed[pk] = "Request not found."
            continue
        try:
            approved.append(request_approve(actor=actor, request=req, channel=channel))
        except (DomainError, PermissionDenied, ValidationError) as exc:
            failed[pk] = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    return approved, failed


@transaction.atomic
def request_process(*, actor, request: Request, comment: str = "", channel: str = AuditEntry.Channel.ONLINE,
                    _export: PayrollExport | None = None) -> Request:
    """Mark an approved request processed. `_export` is for `payroll_export` only: the export
    processes payroll-affecting changes, and records which export carried them."""
    request = request_locked(request)
    to = actions.PROCESS.check(actor, request, by_export=_export is not None)
    before = request.status
    request.status = to
    request.processed_at, request.processed_by = timezone.now(), actor
    request.exported_in = _export
    request.save(update_fields=["status", "processed_at", "processed_by", "exported_in", "updated_at"])
    if comment.strip():
        Comment.objects.create(request=request, author=actor, body=comment, status_at_time=before)
    request_audit(actor=actor, action="request.processed", request=request, channel=channel,
                  changes={"status": [before, to]}, note=f"payroll export {_export.pk}" if _export else "")
    notify.decided(request, "processed")
    return request
