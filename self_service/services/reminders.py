"""Reminders and escalation of requests waiting for a decision (called daily by Celery beat), for
people (line managers, heads of service, and their acting managers) and role queues (HR, Payroll)
alike."""

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.mail import MAIL_RETRY_WINDOW, after_sent
from people import roles
from people.models import AuditEntry, Employee

from .. import notify
from ..models import Request
from ..workdays import working_days_between
from .records import ROUTE_FIELDS, S, request_audit, request_locked

WAITING = Q(status=S.SUBMITTED)


def _waiting(today: dt.date, threshold: int, since) -> bool:
    return since is not None and working_days_between(timezone.localdate(since), today) >= threshold


def approval_reminders_send(*, today: dt.date | None = None, now: dt.datetime | None = None) -> int:
    """Remind whoever a request waits for (the approver and their acting manager, or everyone in the
    HR or Payroll queue) once it has waited the reminder threshold in working days (the type's own,
    else the setting), then again each threshold after the last reminder that was sent.

    A reminder counts as sent only when the mail server accepts it (`request_reminder_sent`, the
    core.mail on_sent hook); until then `reminder_queued_at` stops a second copy while the mail
    task is still retrying, and a reminder that never went is queued again by a later run.
    Returns how many were queued."""
    if now is None:  # a run for a given day (tests, a catch-up) is taken to run at midday of it
        now = timezone.now() if today is None else timezone.make_aware(dt.datetime.combine(today, dt.time(12)))
    today = today or timezone.localdate(now)
    queued = 0
    qs = Request.objects.filter(WAITING).filter(
        Q(reminder_queued_at__isnull=True) | Q(reminder_queued_at__lt=now - MAIL_RETRY_WINDOW),
    ).select_related("type", "employee", "current_approver")
    for r in qs.iterator():
        if r.current_approver_id is None and not r.current_approver_role:
            continue
        threshold = r.type.reminder_working_days or settings.SELF_SERVICE_REMINDER_WORKING_DAYS
        if not _waiting(today, threshold, r.awaiting_since):
            continue
        if r.reminded_at is not None and not _waiting(today, threshold, r.reminded_at):
            continue
        hook = after_sent("self_service.request_reminder_sent", r.pk, r.awaiting_since.isoformat(), now.isoformat())
        with transaction.atomic():
            Request.objects.filter(pk=r.pk).update(reminder_queued_at=now)
            if r.current_approver_id:
                notify.waiting_for_approval(r, r.current_approver, reminder=True, on_sent=hook)
            else:
                notify.waiting_for_role(r, r.current_approver_role, reminder=True, on_sent=hook)
        queued += 1
    return queued


@transaction.atomic
def request_reminder_sent(*, request_id: int, awaiting_since: str, queued_at: str) -> bool:
    """The mail server took a reminder: record it (audited) once for the round queued at
    `queued_at`, unless the request has since moved on (decided, or waiting for someone else since
    a later time). A role queue's reminder is one email per member: the first accepted records the
    round, the others find it recorded."""
    request = Request.objects.select_for_update().filter(
        pk=request_id, status=S.SUBMITTED, awaiting_since=dt.datetime.fromisoformat(awaiting_since),
        reminder_queued_at=dt.datetime.fromisoformat(queued_at),
    ).select_related("employee").first()
    if request is None:
        return False
    request.reminded_at, request.reminder_queued_at = timezone.now(), None
    request.save(update_fields=["reminded_at", "reminder_queued_at", "updated_at"])
    request_audit(actor=None, action="request.reminded", request=request, channel=AuditEntry.Channel.SYSTEM,
                  note=f"Reminder sent to {request.current_approver or request.current_approver_role}.")
    return True


def _successor(approver: Employee, request: Request) -> Employee | None:
    """Who takes over from an approver: their line manager, if still here and not the employee."""
    up = approver.line_manager
    if up is None or not up.is_active or up.pk == request.employee_id:
        return None
    return up


def approval_escalations_run(*, today: dt.date | None = None) -> int:
    """Move requests on. An approver who has left is replaced at once by their own line manager, or
    by HR when they have none (a request never waits for someone who is not here). A request waiting
    longer than the escalation threshold (working days) goes to the approver's line manager (never
    the employee; with nobody above, it stays); in a role queue it is escalated once, telling the
    queue and its members' managers. Returns how many moved or were escalated."""
    today = today or timezone.localdate()
    moved = 0
    qs = Request.objects.filter(WAITING).select_related("type", "employee", "current_approver__line_manager")
    for r in qs.iterator():
        approver = r.current_approver
        if (approver is not None and not approver.is_active) or (approver is None and not r.current_approver_role):
            up = _successor(approver, r) if approver is not None else None
            request_escalate(request=r, to=up, note="The approver has left." if approver else "Nobody to decide it.")
            moved += 1
            continue
        if not _waiting(today, settings.SELF_SERVICE_ESCALATION_WORKING_DAYS, r.awaiting_since):
            continue
        if approver is not None:
            up = _successor(approver, r)
            if up is None:
                continue
            request_escalate(request=r, to=up)
            moved += 1
        elif r.escalated_at is None:
            request_queue_escalate(request=r)
            moved += 1
    return moved


def _overdue_note() -> str:
    return f"No decision within {settings.SELF_SERVICE_ESCALATION_WORKING_DAYS} working days."


@transaction.atomic
def request_escalate(*, request: Request, to: Employee | None, note: str = "") -> Request:
    """Point a waiting request at `to`, or at the HR queue when `to` is None; audited, and whoever
    now decides it is told."""
    request = request_locked(request)
    if request.status != S.SUBMITTED:
        return request
    before = request.current_approver or request.current_approver_role or None
    request.current_approver = to
    request.current_approver_role = "" if to is not None else roles.HR
    request.awaiting_since = request.escalated_at = timezone.now()
    request.reminded_at = request.reminder_queued_at = None
    request.save(update_fields=ROUTE_FIELDS)
    request_audit(actor=None, action="request.escalated", request=request, channel=AuditEntry.Channel.SYSTEM,
                  changes={"current_approver": [str(before) if before else None, str(to or roles.HR)]},
                  note=note or _overdue_note())
    if to is not None:
        notify.waiting_for_approval(request, to, escalated=True)
    else:
        notify.waiting_for_role(request, roles.HR, escalated=True)
    return request


@transaction.atomic
def request_queue_escalate(*, request: Request) -> Request:
    """A request left in the HR or Payroll queue past the escalation threshold: marked escalated
    (it shows as overdue in the queue), audited, and the queue and its members' managers are told.
    Once: the queue stays the one to decide it."""
    request = request_locked(request)
    if request.status != S.SUBMITTED or request.current_approver_id or request.escalated_at:
        return request
    request.escalated_at = timezone.now()
    request.save(update_fields=["escalated_at", "updated_at"])
    request_audit(actor=None, action="request.escalated", request=request, channel=AuditEntry.Channel.SYSTEM,
                  note=f"{_overdue_note()} Waiting in the {request.current_approver_role} queue.")
    notify.waiting_for_role(request, request.current_approver_role, escalated=True)
    return request
