"""Making a request, changing it while it is a draft or returned, sending it and withdrawing it."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from people.audit import diff
from people.models import AuditEntry, Employee
from people.selectors import employee_for

from .. import actions, permissions
from ..models import Channel, Request, RequestType
from ..validation import request_data_clean
from .leave import leave_apply
from .records import BANK_FIELDS, DATA_FIELDS, ROUTE_FIELDS, S, request_audit, request_locked
from .routing import approver_notify, route_to_level


def _summary(request_type: RequestType, data: dict) -> str:
    if request_type.kind == RequestType.Kind.ANNUAL_LEAVE:
        start, end = (dt.date.fromisoformat(data[k]) for k in ("start_date", "end_date"))
        return f"{start:%-d %b %Y}" if start == end else f"{start:%-d %b %Y} to {end:%-d %b %Y}"
    parts = [str(v) for k, v in data.items() if v not in ("", None, False) and k not in BANK_FIELDS]
    return "; ".join(parts)[:300]


def _apply_data(request: Request, data: dict) -> None:
    request.data = data
    request.summary = _summary(request.type, data)
    amount = data.get("amount", data.get("hours"))
    request.amount = Decimal(amount) if amount not in (None, "") else None
    if request.type.kind == RequestType.Kind.ANNUAL_LEAVE:
        leave_apply(request, data)


def _check_may_create_for(actor, employee: Employee, channel: str) -> str:
    me = employee_for(actor)
    if me is not None and me.pk == employee.pk:
        return channel if channel in Channel.values else Channel.ONLINE
    if not permissions.can_submit_on_behalf(actor):
        raise PermissionDenied("Only HR and digital champions can make a request for someone else.")
    if channel not in (Channel.ASSISTED, Channel.PAPER):
        raise ValidationError({"channel": "Say whether you are helping them (assisted) or keying in a paper form."})
    return channel


@transaction.atomic
def request_create(*, actor, request_type: RequestType, employee: Employee, data: dict,
                   channel: str = Channel.ONLINE, submit: bool = False) -> Request:
    """A new request (a draft unless `submit`). HR and digital champions may create one for someone
    else with channel assisted or paper."""
    if not request_type.is_active:
        raise DomainError("This type of request is no longer available.")
    if request_type.kind == RequestType.Kind.BANK_DETAILS:
        raise DomainError("Bank details changes have their own form, which asks for your password.")
    channel = _check_may_create_for(actor, employee, channel)
    request = Request(type=request_type, employee=employee, submitted_by=actor, channel=channel)
    _apply_data(request, request_data_clean(request_type, data))
    request.save()
    request_audit(actor=actor, action="request.created", request=request, channel=channel,
                  changes={"status": [None, S.DRAFT], **diff({}, request.data, masked=BANK_FIELDS)})
    if submit:
        request = request_submit(actor=actor, request=request)
    return request


@transaction.atomic
def request_update(*, actor, request: Request, data: dict, channel: str | None = None) -> Request:
    request = request_locked(request)
    actions.EDIT.check(actor, request)
    before = dict(request.data)
    _apply_data(request, request_data_clean(request.type, data))
    changes = diff(before, request.data, masked=BANK_FIELDS)
    if changes:
        request.save(update_fields=DATA_FIELDS)
        request_audit(actor=actor, action="request.updated", request=request, changes=changes,
                      channel=channel or request.channel)
    return request


@transaction.atomic
def request_submit(*, actor, request: Request, channel: str | None = None) -> Request:
    request = request_locked(request)
    to = actions.SUBMIT.check(actor, request)
    if request.type.kind == RequestType.Kind.ANNUAL_LEAVE:
        leave_apply(request, request.data)  # the balance may have changed since the draft
    if request.type.attachment_required and not request.attachments.exists():
        raise ValidationError({"file": f"Attach {request.type.attachment_hint or 'the evidence this request needs'} "
                                       "before you submit."})
    before = request.status
    request.status = to
    now = timezone.now()
    request.submitted_at = request.submitted_at or now
    if request.type.decision_deadline_days and not request.decision_due:
        request.decision_due = timezone.localdate() + dt.timedelta(days=request.type.decision_deadline_days)
    route_to_level(request, 1)
    request.save(update_fields=["status", "submitted_at", "decision_due", *DATA_FIELDS, *ROUTE_FIELDS])
    request_audit(actor=actor, action="request.submitted", request=request, channel=channel or request.channel,
                  changes={"status": [before, to]})
    approver_notify(request)
    return request


@transaction.atomic
def request_withdraw(*, actor, request: Request, channel: str = AuditEntry.Channel.ONLINE) -> Request:
    request = request_locked(request)
    to = actions.WITHDRAW.check(actor, request)
    before = request.status
    request.status = to
    request.current_approver, request.current_approver_role = None, ""
    request.save(update_fields=["status", "current_approver", "current_approver_role", "updated_at"])
    request_audit(actor=actor, action="request.withdrawn", request=request, channel=channel,
                  changes={"status": [before, to]})
    return request
