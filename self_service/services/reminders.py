"""Reminders and escalation of requests waiting for a decision (called daily by Celery beat)."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from people.models import AuditEntry, Employee

from .. import notify
from ..models import Request
from ..workdays import working_days_between
from .records import S, request_audit, request_locked


def _waiting(today: dt.date, threshold: int, since) -> bool:
    return since is not None and working_days_between(timezone.localdate(since), today) >= threshold


def approval_reminders_send(*, today: dt.date | None = None) -> int:
    """Remind approvers of requests waiting more than the reminder threshold in working days (the
    type's own, else the setting), at most once per threshold. Returns how many were reminded."""
    today = today or timezone.localdate()
    sent = 0
    qs = Request.objects.filter(status=S.SUBMITTED, current_approver__isnull=False).select_related(
        "type", "employee", "current_approver")
    for r in qs.iterator():
        threshold = r.type.reminder_working_days or settings.SELF_SERVICE_REMINDER_WORKING_DAYS
        if _waiting(today, threshold, r.awaiting_since) and (r.reminded_at is None or _waiting(today, threshold, r.reminded_at)):
            with transaction.atomic():
                Request.objects.filter(pk=r.pk).update(reminded_at=timezone.now())
                notify.waiting_for_approval(r, r.current_approver, reminder=True)
            sent += 1
    return sent


def approval_escalations_run(*, today: dt.date | None = None) -> int:
    """Move requests waiting longer than the escalation threshold (working days) to the approver's
    own line manager, never to the employee themselves. Returns how many moved."""
    today = today or timezone.localdate()
    moved = 0
    qs = Request.objects.filter(status=S.SUBMITTED, current_approver__isnull=False).select_related(
        "type", "employee", "current_approver__line_manager")
    for r in qs.iterator():
        if not _waiting(today, settings.SELF_SERVICE_ESCALATION_WORKING_DAYS, r.awaiting_since):
            continue
        up = r.current_approver.line_manager
        if up is None or not up.is_active or up.pk == r.employee_id:
            continue
        request_escalate(request=r, to=up)
        moved += 1
    return moved


@transaction.atomic
def request_escalate(*, request: Request, to: Employee) -> Request:
    request = request_locked(request)
    if request.status != S.SUBMITTED:
        return request
    before = request.current_approver
    request.current_approver = to
    request.awaiting_since = request.escalated_at = timezone.now()
    request.reminded_at = None
    request.save(update_fields=["current_approver", "awaiting_since", "escalated_at", "reminded_at", "updated_at"])
    request_audit(actor=None, action="request.escalated", request=request, channel=AuditEntry.Channel.SYSTEM,
                  changes={"current_approver": [str(before), str(to)]},
                  note=f"No decision within {settings.SELF_SERVICE_ESCALATION_WORKING_DAYS} working days.")
    notify.waiting_for_approval(request, to, escalated=True)
    return request
