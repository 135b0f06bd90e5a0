"""Writes for self-service. Each function is one atomic change with its audit entry; permission
checks live in `permissions.py` and are repeated here so the API and pages cannot skip them.

Locks: transitions take a row lock on the request (`_locked`) so two approvers clicking at once
cannot both decide it; callers need do nothing.
"""

import calendar
import csv
import datetime as dt
import io
import re
import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from core.exports import spreadsheet_safe
from people import roles
from people.audit import audit_record, diff, mask_value
from people.models import AuditEntry, Employee, OrgUnit
from people.selectors import employee_for

from . import crypto, notify, permissions, selectors, workflow
from .models import (
    WEEKDAY_FIELDS,
    Approval,
    Attachment,
    BankAccount,
    BankDetailsChange,
    Channel,
    Comment,
    Delegation,
    LeaveEntitlement,
    PayPeriod,
    PayrollExport,
    PayrollImport,
    Payslip,
    Request,
    RequestType,
    WorkingPattern,
)
from .validation import request_data_clean
from .workdays import MONDAY_TO_FRIDAY, is_working_day, working_days_between, working_days_in

S = Request.Status
# Saves name their fields, so a concurrent change to another column is never overwritten.
DATA_FIELDS = ["data", "summary", "amount", "start_date", "end_date", "start_half_day", "end_half_day", "days",
               "updated_at"]
ROUTE_FIELDS = ["approval_level", "current_approver", "current_approver_role", "awaiting_since", "reminded_at",
                "escalated_at", "updated_at"]
BANK_FIELDS = frozenset({"sort_code", "account_number"})


def _audit(*, actor, action: str, request: Request, changes=None, channel=AuditEntry.Channel.ONLINE, note=""):
    audit_record(actor=actor, action=action, target=request, subject=request.employee, changes=changes or {},
                 channel=channel, note=note)


def _locked(request: Request) -> Request:
    return (
        Request.objects.select_for_update(of=("self",))
        .select_related("type", "employee", "employee__line_manager", "current_approver")
        .get(pk=request.pk)
    )


def _summary(request_type: RequestType, data: dict) -> str:
    if request_type.kind == RequestType.Kind.ANNUAL_LEAVE:
        start, end = (dt.date.fromisoformat(data[k]) for k in ("start_date", "end_date"))
        return f"{start:%-d %b %Y}" if start == end else f"{start:%-d %b %Y} to {end:%-d %b %Y}"
    parts = [str(v) for k, v in data.items() if v not in ("", None, False) and k not in BANK_FIELDS]
    return "; ".join(parts)[:300]


# --- annual leave --------------------------------------------------------------------------------

def leave_days(start: dt.date, end: dt.date, *, start_half_day=False, end_half_day=False,
               weekdays: frozenset[int] = MONDAY_TO_FRIDAY) -> Decimal:
    """Working days of leave between two dates inclusive, less half days. Only the `weekdays` the
    person works count (Monday to Friday unless their working pattern says otherwise), less England
    bank holidays that fall on them."""
    days = working_days_in(start, end, weekdays)
    total = Decimal(len(days))
    if start_half_day and days and days[0] == start:
        total -= Decimal("0.5")
    if end_half_day and days and days[-1] == end and not (start == end and start_half_day):
        total -= Decimal("0.5")
    return total


def _n(days: Decimal) -> str:
    return f"{days.normalize():f}"


def _not_working_day_message(which: str, day: dt.date, weekdays: frozenset[int]) -> str:
    if weekdays == MONDAY_TO_FRIDAY or day.weekday() in weekdays:
        return (f"The {which} day of leave is a weekend or a bank holiday. "
                "Start and end your leave on working days.")
    worked = ", ".join(calendar.day_name[d] for d in sorted(weekdays))
    return (f"The {which} day of leave ({day:%A %-d %B %Y}) is not a working day in this working pattern "
            f"({worked}). Start and end your leave on days that are worked.")


def _apply_leave(request: Request, data: dict) -> None:
    """Check a leave booking and copy its dates onto the request's columns. Raises ValidationError
    naming the field when the dates overlap other leave, exceed the balance or are not working days."""
    start = dt.date.fromisoformat(data["start_date"])
    end = dt.date.fromisoformat(data["end_date"])
    start_half, end_half = bool(data.get("start_half_day")), bool(data.get("end_half_day"))
    if end < start:
        raise ValidationError({"end_date": "The last day of leave must be the same as or after the first day."})
    if start.year != end.year:
        raise ValidationError({"end_date": f"Leave must end in the leave year it starts in ({start.year}). "
                                           "Book the days after 31 December as a second request."})
    if start == end and start_half and end_half:
        raise ValidationError({"end_half_day": "For a half day on one date, choose morning or afternoon, not both."})
    weekdays = selectors.working_weekdays(request.employee)
    for which, field, day in (("first", "start_date", start), ("last", "end_date", end)):
        if not is_working_day(day, weekdays):
            raise ValidationError({field: _not_working_day_message(which, day, weekdays)})
    days = leave_days(start, end, start_half_day=start_half, end_half_day=end_half, weekdays=weekdays)
    # Serialise leave bookings per employee (row lock until the caller's transaction ends), so two
    # requests sent at once cannot both fit into the same remaining balance.
    list(Employee.objects.select_for_update().filter(pk=request.employee_id).values_list("pk", flat=True))
    if days <= 0:
        raise ValidationError({"start_date": "These dates are all weekends or bank holidays. Choose working days."})
    clash = selectors.overlapping_leave(request.employee, start, end, exclude_request_id=request.pk).first()
    if clash is not None:
        raise ValidationError({"start_date": f"You already have leave from {clash.start_date:%-d %B %Y} to "
                                             f"{clash.end_date:%-d %B %Y} ({clash.reference}). "
                                             "Choose dates that do not overlap it."})
    balance = selectors.leave_balance(request.employee, start.year, exclude_request_id=request.pk)
    if days > balance["remaining"]:
        raise ValidationError({"end_date": f"This leave is {_n(days)} days but you have {_n(balance['remaining'])} "
                                           f"days left for {start.year}."})
    request.start_date, request.end_date = start, end
    request.start_half_day, request.end_half_day, request.days = start_half, end_half, days


def _apply_data(request: Request, data: dict) -> None:
    request.data = data
    request.summary = _summary(request.type, data)
    amount = data.get("amount", data.get("hours"))
    request.amount = Decimal(amount) if amount not in (None, "") else None
    if request.type.kind == RequestType.Kind.ANNUAL_LEAVE:
        _apply_leave(request, data)


# --- creating and editing -------------------------------------------------------------------------

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
    _audit(actor=actor, action="request.created", request=request, channel=channel,
           changes={"status": [None, S.DRAFT], **diff({}, request.data, masked=BANK_FIELDS)})
    if submit:
        request = request_submit(actor=actor, request=request)
    return request


@transaction.atomic
def request_update(*, actor, request: Request, data: dict, channel: str | None = None) -> Request:
    request = _locked(request)
    if not permissions.can_edit(actor, request):
        raise PermissionDenied("You can only change your own requests while they are drafts or returned.")
    if request.type.kind == RequestType.Kind.BANK_DETAILS:
        raise DomainError("To change bank details again, withdraw this request and make a new one.")
    before = dict(request.data)
    _apply_data(request, request_data_clean(request.type, data))
    changes = diff(before, request.data, masked=BANK_FIELDS)
    if changes:
        request.save(update_fields=DATA_FIELDS)
        _audit(actor=actor, action="request.updated", request=request, changes=changes,
               channel=channel or request.channel)
    return request


# --- approval chain ---------------------------------------------------------------------------------

def _level_applies(level: dict, data: dict) -> bool:
    cond = level.get("when")
    if not cond:
        return True
    try:
        return Decimal(str(data.get(cond["field"]) or 0)) > Decimal(str(cond["over"]))
    except (InvalidOperation, KeyError):
        return True  # a mis-configured condition errs towards more approval, not less


def levels_for(request: Request) -> list[dict]:
    chain = request.type.approval_chain or [{"approver": request.type.processing_team}]
    return [lvl for lvl in chain if _level_applies(lvl, request.data)]


def _head_of_service(employee: Employee) -> Employee | None:
    """The head of the employee's department (nearest unit led by someone else), else their
    manager's manager."""
    if employee.org_unit_id:
        units = employee.org_unit.get_ancestors(ascending=True, include_self=True).filter(
            kind=OrgUnit.Kind.DEPARTMENT, head__isnull=False,
        ).exclude(head=employee).select_related("head")
        for unit in units:
            if unit.head.is_active:
                return unit.head
    manager = employee.line_manager
    return manager.line_manager if manager and manager.line_manager_id != employee.pk else None


def _resolve(level: dict, request: Request) -> tuple[Employee | None, str]:
    kind = level.get("approver", "line_manager")
    if kind in permissions.TEAM_ROLES:
        return None, permissions.TEAM_ROLES[kind]
    emp = request.employee
    person = emp.line_manager if kind == "line_manager" else _head_of_service(emp)
    if person is None or not person.is_active or person.pk == emp.pk:
        return None, roles.HR  # nobody recorded to decide: HR decides, never the employee
    return person, ""


def _route(request: Request, level_index: int, previous: Employee | None = None) -> bool:
    """Point the request at the approver of level `level_index` (1-based), skipping a level whose
    approver already decided. False when no levels remain."""
    levels = levels_for(request)
    while level_index <= len(levels):
        person, role = _resolve(levels[level_index - 1], request)
        if person is not None and previous is not None and person.pk == previous.pk:
            level_index += 1
            continue
        request.approval_level = level_index
        request.current_approver, request.current_approver_role = person, role
        request.awaiting_since = timezone.now()
        request.reminded_at = request.escalated_at = None
        return True
    return False


@transaction.atomic
def request_submit(*, actor, request: Request, channel: str | None = None) -> Request:
    request = _locked(request)
    to = workflow.check(request, "submit")
    if not permissions.can_edit(actor, request):
        raise PermissionDenied("You can only submit your own requests.")
    if request.type.kind == RequestType.Kind.ANNUAL_LEAVE:
        _apply_leave(request, request.data)  # the balance may have changed since the draft
    if request.type.attachment_required and not request.attachments.exists():
        raise ValidationError({"file": f"Attach {request.type.attachment_hint or 'the evidence this request needs'} "
                                       "before you submit."})
    before = request.status
    request.status = to
    now = timezone.now()
    request.submitted_at = request.submitted_at or now
    if request.type.decision_deadline_days and not request.decision_due:
        request.decision_due = timezone.localdate() + dt.timedelta(days=request.type.decision_deadline_days)
    _route(request, 1)
    request.save(update_fields=["status", "submitted_at", "decision_due", *DATA_FIELDS, *ROUTE_FIELDS])
    _audit(actor=actor, action="request.submitted", request=request, channel=channel or request.channel,
           changes={"status": [before, to]})
    _notify_approver(request)
    return request


def _notify_approver(request: Request) -> None:
    if request.current_approver_id:
        notify.waiting_for_approval(request, request.current_approver)
    elif request.current_approver_role:
        notify.waiting_for_role(request, request.current_approver_role)


def _decide(*, actor, request: Request, action: str, comment: str, channel: str) -> Request:
    request = _locked(request)
    to = workflow.check(request, action)
    if not permissions.can_approve(actor, request):
        if permissions.is_own(actor, request):
            raise PermissionDenied("You cannot decide your own request.")
        raise PermissionDenied("This request is not waiting for your decision.")
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
    if action == "approve" and _route(request, request.approval_level + 1, previous=previous):
        request.save(update_fields=ROUTE_FIELDS)
        _audit(actor=actor, action="request.approved_level", request=request, channel=channel, note=note,
               changes={"approval_level": [before_level, request.approval_level]})
        _notify_approver(request)
        return request
    request.status = to
    request.decided_at = timezone.now()
    request.current_approver, request.current_approver_role = None, ""
    if to == S.APPROVED and request.type.affects_payroll:
        request.pay_period = selectors.period_for_approval(timezone.localdate())
    request.save(update_fields=["status", "decided_at", "current_approver", "current_approver_role", "pay_period",
                                "updated_at"])
    _audit(actor=actor, action=f"request.{to}", request=request, channel=channel, note=note,
           changes={"status": [before_status, to]})
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
def request_withdraw(*, actor, request: Request, channel: str = AuditEntry.Channel.ONLINE) -> Request:
    request = _locked(request)
    to = workflow.check(request, "withdraw")
    if not permissions.can_withdraw(actor, request):
        raise PermissionDenied("Only the employee (or whoever made the request for them) can withdraw it.")
    before = request.status
    request.status = to
    request.current_approver, request.current_approver_role = None, ""
    request.save(update_fields=["status", "current_approver", "current_approver_role", "updated_at"])
    _audit(actor=actor, action="request.withdrawn", request=request, channel=channel, changes={"status": [before, to]})
    return request


@transaction.atomic
def request_process(*, actor, request: Request, comment: str = "", channel: str = AuditEntry.Channel.ONLINE,
                    _export: PayrollExport | None = None) -> Request:
    request = _locked(request)
    to = workflow.check(request, "process")
    # Payroll-affecting changes are processed by whoever runs the payroll export (even those HR
    # looks after, such as a change of name); the rest by their processing team.
    allowed = permissions.can_use_payroll(actor) if _export else permissions.can_process(actor, request)
    if not allowed:
        raise PermissionDenied("Only the team that processes this type of request can mark it processed.")
    if request.type.affects_payroll and _export is None:
        raise DomainError("Payroll changes are processed by the payroll export for their pay period.")
    before = request.status
    request.status = to
    request.processed_at, request.processed_by = timezone.now(), actor
    request.exported_in = _export
    request.save(update_fields=["status", "processed_at", "processed_by", "exported_in", "updated_at"])
    if comment.strip():
        Comment.objects.create(request=request, author=actor, body=comment, status_at_time=before)
    _audit(actor=actor, action="request.processed", request=request, channel=channel,
           changes={"status": [before, to]}, note=f"payroll export {_export.pk}" if _export else "")
    notify.decided(request, "processed")
    return request


# --- comments, attachments, ratings ---------------------------------------------------------------

@transaction.atomic
def comment_add(*, actor, request: Request, body: str, channel: str = AuditEntry.Channel.ONLINE) -> Comment:
    if not selectors.requests_visible_to(actor).filter(pk=request.pk).exists():
        raise PermissionDenied("You cannot comment on this request.")
    if not body.strip():
        raise ValidationError({"body": "Enter a comment."})
    comment = Comment.objects.create(request=request, author=actor, body=body.strip(), status_at_time=request.status)
    _audit(actor=actor, action="request.commented", request=request, channel=channel)
    return comment


ATTACHMENT_TYPES = {
    ".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ATTACHMENTS = 10
_MAGIC = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8", ".jpeg": b"\xff\xd8", ".docx": b"PK", ".xlsx": b"PK"}


@transaction.atomic
def attachment_add(*, actor, request: Request, upload, channel: str = AuditEntry.Channel.ONLINE) -> Attachment:
    if not (permissions.can_edit(actor, request) or (
            request.status == S.SUBMITTED and (permissions.is_own(actor, request) or request.submitted_by_id == actor.pk))):
        raise PermissionDenied("You can add files only to your own open requests.")
    if not request.type.attachments_allowed:
        raise ValidationError({"file": "This type of request does not take attachments."})
    name = upload.name.rsplit("/", 1)[-1][:200]
    ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        raise ValidationError({"file": "The selected file must be a PDF, JPG, PNG, Word (.docx) or Excel (.xlsx) file."})
    limit = settings.SELF_SERVICE_ATTACHMENT_MAX_MB * 1024 * 1024
    if upload.size > limit:
        raise ValidationError({"file": f"The selected file must be smaller than {settings.SELF_SERVICE_ATTACHMENT_MAX_MB} MB."})
    if upload.size == 0:
        raise ValidationError({"file": "The selected file is empty."})
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(_MAGIC[ext]):
        raise ValidationError({"file": f"The selected file is not a real {ext[1:].upper()} file."})
    if request.attachments.count() >= MAX_ATTACHMENTS:
        raise ValidationError({"file": f"A request can have at most {MAX_ATTACHMENTS} files."})
    att = Attachment(request=request, original_name=name, content_type=ATTACHMENT_TYPES[ext], size=upload.size,
                     uploaded_by=actor)
    # A random stored name as well as private storage (never served by the reverse proxy): should the
    # private volume ever be exposed by mistake, a guessable path would still not open fit notes.
    att.file.save(f"{secrets.token_urlsafe(24)}{ext}", upload, save=False)
    att.save()
    _audit(actor=actor, action="request.attachment_added", request=request, channel=channel,
           changes={"attachment": [None, name]})
    return att


@transaction.atomic
def rating_record(*, actor, request: Request, rating: int) -> Request:
    """The one-question satisfaction rating, given by the employee once the request is closed."""
    request = _locked(request)
    if not permissions.is_own(actor, request):
        raise PermissionDenied("Only the employee can rate their request.")
    if request.status not in (S.PROCESSED, S.REJECTED):
        raise DomainError("You can rate a request once it is closed.")
    if rating not in range(1, 6):
        raise ValidationError({"rating": "Choose a rating from 1 to 5."})
    before = request.rating
    request.rating = rating
    request.save(update_fields=["rating", "updated_at"])
    _audit(actor=actor, action="request.rated", request=request, changes={"rating": [before, rating]})
    return request


# --- request types (configured by HR) -------------------------------------------------------------

TYPE_FIELDS = ("name", "description", "fields", "approval_chain", "processing_team", "affects_payroll",
               "attachments_allowed", "attachment_required", "attachment_hint", "decision_deadline_days",
               "reminder_working_days", "is_active", "order")


@transaction.atomic
def request_type_save(*, actor, request_type: RequestType, data: dict) -> RequestType:
    """Create or change a request type (HR only). Requests already made keep the data they were made
    with; a changed approval chain applies to requests submitted from now on."""
    if not roles.has_role(actor, roles.HR):
        raise PermissionDenied("Only HR can configure request types.")
    before = {f: getattr(request_type, f) for f in TYPE_FIELDS} if request_type.pk else {}
    for key, value in data.items():
        if key in TYPE_FIELDS or (key == "code" and not request_type.pk):
            setattr(request_type, key, value)
    request_type.full_clean()
    request_type.save()
    audit_record(actor=actor, action="request_type.saved", target=request_type,
                 changes=diff(before, {f: getattr(request_type, f) for f in TYPE_FIELDS}))
    return request_type


# --- working patterns ------------------------------------------------------------------------------

@transaction.atomic
def working_pattern_set(*, actor, employee: Employee, weekdays, hours_per_day=None) -> WorkingPattern:
    """Record the weekdays an employee works (HR, or an intranet admin in the Django admin). `weekdays` are `date.weekday()` numbers or
    day names. Entitlements for this year and later whose FTE followed the old pattern follow the new
    one, so entitlement and the days charged stay in step; an FTE HR set differently is left alone."""
    if not roles.has_role(actor, roles.HR, roles.INTRANET_ADMIN):
        raise PermissionDenied("Only HR can change a working pattern.")
    try:
        days = frozenset(d if isinstance(d, int) else WEEKDAY_FIELDS.index(str(d).lower()) for d in weekdays)
    except ValueError:
        raise ValidationError({"weekdays": "Choose days of the week, Monday to Sunday."}) from None
    if not days or not days <= frozenset(range(7)):
        raise ValidationError({"weekdays": "Choose at least one day of the week that they work."})
    if hours_per_day in ("", None):
        hours_per_day = None
    else:
        try:
            hours_per_day = Decimal(str(hours_per_day))
        except InvalidOperation:
            raise ValidationError({"hours_per_day": "Enter hours a day as a number, like 7.5."}) from None
        if not hours_per_day.is_finite() or not Decimal("0") < hours_per_day <= Decimal("24"):
            raise ValidationError({"hours_per_day": "Hours a day must be more than 0 and at most 24."})
    pattern = WorkingPattern.objects.select_for_update().filter(employee=employee).first()
    old_days = pattern.weekdays if pattern else MONDAY_TO_FRIDAY
    before = ({f: getattr(pattern, f) for f in (*WEEKDAY_FIELDS, "hours_per_day")} if pattern
              else {f: i in MONDAY_TO_FRIDAY for i, f in enumerate(WEEKDAY_FIELDS)} | {"hours_per_day": None})
    pattern = pattern or WorkingPattern(employee=employee)
    for i, field in enumerate(WEEKDAY_FIELDS):
        setattr(pattern, field, i in days)
    pattern.hours_per_day = hours_per_day
    pattern.full_clean()
    pattern.save()
    after = {f: getattr(pattern, f) for f in (*WEEKDAY_FIELDS, "hours_per_day")}
    old_fte, new_fte = WorkingPattern.fte_for(old_days), WorkingPattern.fte_for(days)
    moved = []
    if new_fte != old_fte:
        following = LeaveEntitlement.objects.filter(employee=employee, year__gte=timezone.localdate().year,
                                                    fte=old_fte)
        moved = sorted(following.values_list("year", flat=True))
        following.update(fte=new_fte)
    changes = diff(before, after)
    if moved:
        changes["entitlement_fte"] = [str(old_fte), str(new_fte)]
    audit_record(actor=actor, action="working_pattern.saved", target=pattern, subject=employee, changes=changes,
                 note=f"Entitlement FTE updated for {', '.join(map(str, moved))}." if moved else "")
    return pattern


# --- delegation ------------------------------------------------------------------------------------

@transaction.atomic
def delegation_create(*, actor, manager: Employee, delegate: Employee, starts_on: dt.date, ends_on: dt.date) -> Delegation:
    me = employee_for(actor)
    if not (me is not None and me.pk == manager.pk) and not roles.has_role(actor, roles.HR):
        raise PermissionDenied("You can only name an acting manager for yourself.")
    if delegate.pk == manager.pk:
        raise ValidationError({"delegate": "Choose someone other than the manager."})
    if not delegate.is_active:
        raise ValidationError({"delegate": "Choose someone who still works here."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "The end date must be the same as or after the start date."})
    if ends_on < timezone.localdate():
        raise ValidationError({"ends_on": "The end date must be today or in the future."})
    d = Delegation.objects.create(manager=manager, delegate=delegate, starts_on=starts_on, ends_on=ends_on,
                                  created_by=actor)
    audit_record(actor=actor, action="delegation.created", target=d, subject=manager,
                 changes={"delegate": [None, str(delegate)], "dates": [None, f"{starts_on} to {ends_on}"]})
    return d


@transaction.atomic
def delegation_end(*, actor, delegation: Delegation) -> Delegation:
    me = employee_for(actor)
    if not (me is not None and me.pk == delegation.manager_id) and not roles.has_role(actor, roles.HR):
        raise PermissionDenied("You can only end your own delegations.")
    today = timezone.localdate()
    before = delegation.ends_on
    if delegation.starts_on >= today:
        # Not started yet: cancelling it leaves nothing to keep.
        audit_record(actor=actor, action="delegation.cancelled", target=delegation, subject=delegation.manager)
        delegation.delete()
        return delegation
    delegation.ends_on = today - dt.timedelta(days=1)
    delegation.save(update_fields=["ends_on"])
    audit_record(actor=actor, action="delegation.ended", target=delegation, subject=delegation.manager,
                 changes={"ends_on": [str(before), str(delegation.ends_on)]})
    return delegation


# --- bank details -----------------------------------------------------------------------------------

def _digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


BANK_PASSWORD_ATTEMPTS = 5
BANK_PASSWORD_WINDOW = dt.timedelta(minutes=15)


def bank_details_request_submit(*, actor, employee: Employee, account_name: str, sort_code: str,
                                account_number: str, password: str, channel: str = Channel.ONLINE) -> Request:
    """A bank details change: only by the employee, after re-entering their password. The details
    are encrypted at rest; the audit and pages only ever see the last four digits; the email already
    on the record is told; payroll approves and a second payroll officer verifies before export.

    Not atomic itself: a wrong password is audited (and counted towards a short lock-out) even though
    the request is refused; the change itself is written in one transaction."""
    me = employee_for(actor)
    if me is None or me.pk != employee.pk:
        raise PermissionDenied("Only the employee can change their own bank details.")
    failures = AuditEntry.objects.filter(actor=actor, action="bank_details.password_failed",
                                         created_at__gte=timezone.now() - BANK_PASSWORD_WINDOW).count()
    if failures >= BANK_PASSWORD_ATTEMPTS:
        raise ValidationError({"password": "You have entered a wrong password too many times. Try again in 15 "
                                           "minutes, or contact Payroll."})
    if not password or not actor.check_password(password):
        audit_record(actor=actor, action="bank_details.password_failed", target=employee, subject=employee,
                     channel=channel)
        raise ValidationError({"password": "The password is not correct."})
    return _bank_details_request_create(actor=actor, employee=employee, account_name=account_name,
                                        sort_code=sort_code, account_number=account_number, channel=channel)


@transaction.atomic
def _bank_details_request_create(*, actor, employee: Employee, account_name: str, sort_code: str,
                                 account_number: str, channel: str) -> Request:
    errors = {}
    sort_code, account_number = _digits(sort_code), _digits(account_number)
    if not re.fullmatch(r"\d{6}", sort_code):
        errors["sort_code"] = "Enter a valid sort code like 309430. It must be 6 digits."
    if not re.fullmatch(r"\d{8}", account_number):
        errors["account_number"] = "Enter a valid account number like 00733445. It must be 8 digits."
    if not (account_name or "").strip():
        errors["account_name"] = "Enter the name on the account."
    elif not account_name.strip()[0].isalnum():
        # It goes into the payroll export CSV: a leading = + - @ would run as a spreadsheet formula.
        errors["account_name"] = "The name on the account must start with a letter or a number."
    if errors:
        raise ValidationError(errors)
    rtype = RequestType.objects.filter(kind=RequestType.Kind.BANK_DETAILS, is_active=True).first()
    if rtype is None:
        raise DomainError("Bank details changes are not available. Contact Payroll.")
    data = {"account_name": account_name.strip(), "sort_code": mask_value(sort_code),
            "account_number": mask_value(account_number)}
    request = Request.objects.create(type=rtype, employee=employee, submitted_by=actor, channel=channel, data=data,
                                     summary=f"New account {mask_value(account_number)}")
    BankDetailsChange.objects.create(
        request=request, account_name=account_name.strip(), sort_code_encrypted=crypto.encrypt(sort_code),
        account_number_encrypted=crypto.encrypt(account_number), account_last4=account_number[-4:],
    )
    _audit(actor=actor, action="request.created", request=request, channel=channel,
           changes={"status": [None, S.DRAFT], **diff({}, {"account_name": data["account_name"], "sort_code": sort_code,
                                                           "account_number": account_number}, masked=BANK_FIELDS)})
    request = request_submit(actor=actor, request=request)
    notify.bank_details_change_requested(request, employee.email)
    return request


@transaction.atomic
def bank_details_verify(*, actor, request: Request, channel: str = AuditEntry.Channel.ONLINE) -> Request:
    request = _locked(request)
    if not permissions.can_verify_bank_details(actor, request):
        if request.status != S.APPROVED:
            raise DomainError("Bank details can be verified once payroll has approved the change.")
        raise PermissionDenied("A second payroll officer, not the one who approved it, must verify this change.")
    details = BankDetailsChange.objects.select_for_update().get(request=request)
    details.verified_by, details.verified_at = actor, timezone.now()
    details.save(update_fields=["verified_by", "verified_at"])
    _audit(actor=actor, action="bank_details.verified", request=request, channel=channel,
           changes={"verified_by": [None, actor.get_username()]})
    return request


# --- payroll import and export --------------------------------------------------------------------

PAYSLIP_COLUMNS = ["employee_number", "tax_code", "gross_pay", "income_tax", "national_insurance", "pension",
                   "other_deductions", "net_pay"]
MONEY_COLUMNS = PAYSLIP_COLUMNS[2:]


def payroll_import(*, actor, period: PayPeriod, content: bytes | str, filename: str = "payslips.csv") -> PayrollImport:
    """Import a pay period's payslips from CSV: all or nothing.

    Format (UTF-8, comma separated, a header row then one row per employee)::

        employee_number,tax_code,gross_pay,income_tax,national_insurance,pension,other_deductions,net_pay
        E000123,1257L,2500.00,291.80,129.00,162.50,0.00,1916.70

    Money in pounds with up to 2 decimal places, no currency sign or thousands separators. net_pay
    must equal gross_pay less the four deductions. Each employee appears once. Re-importing a period
    replaces its payslips. Errors name the row (as a spreadsheet shows it: the header is row 1) and
    the column; when there is any error nothing is written.
    """
    if not permissions.can_use_payroll(actor):
        raise PermissionDenied("Only payroll can import payslips.")
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": ["The file must be a UTF-8 CSV file."]}) from exc
    # newline=None: files saved with old Mac line endings (a bare CR) read like any other.
    reader = csv.DictReader(io.StringIO(content, newline=None))
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
        missing = [c for c in PAYSLIP_COLUMNS if c not in header]
        if missing:
            raise ValidationError({"file": [f"Row 1: the header is missing the column(s) {', '.join(missing)}."]})
        reader.fieldnames = header
        rows = list(reader)
    except csv.Error as exc:  # e.g. a value longer than the csv module's field limit
        raise ValidationError({"file": [f"Row {reader.line_num + 1}: this is not a readable CSV file ({exc})."]}) from exc
    if not rows:
        raise ValidationError({"file": ["The file has no payslip rows."]})
    numbers = {(r.get("employee_number") or "").strip() for r in rows}
    employees = {e.employee_number: e for e in Employee.objects.filter(employee_number__in=numbers)}
    errors, payslips, seen = [], [], {}
    for i, row in enumerate(rows, start=2):
        number = (row.get("employee_number") or "").strip()
        if None in row:
            errors.append(f"Row {i}: has more values than the header has columns.")
            continue
        emp = employees.get(number)
        if not number:
            errors.append(f"Row {i}, column employee_number: enter the employee number.")
        elif emp is None:
            errors.append(f"Row {i}, column employee_number: no employee has the number {number}.")
        elif number in seen:
            errors.append(f"Row {i}, column employee_number: {number} is already on row {seen[number]}.")
        seen.setdefault(number, i)
        tax_code = (row.get("tax_code") or "").strip().upper()
        if not re.fullmatch(r"[A-Z0-9]{1,10}", tax_code):
            errors.append(f"Row {i}, column tax_code: enter a tax code like 1257L.")
        money = {}
        for col in MONEY_COLUMNS:
            raw = (row.get(col) or "").strip()
            try:
                value = Decimal(raw)
                if not value.is_finite() or value < 0 or value.as_tuple().exponent < -2 or value >= Decimal("1e8"):
                    raise InvalidOperation
                money[col] = value
            except InvalidOperation:
                errors.append(f"Row {i}, column {col}: “{raw}” is not an amount in pounds like 1234.56.")
        if len(money) == len(MONEY_COLUMNS):
            expected = money["gross_pay"] - sum(money[c] for c in ("income_tax", "national_insurance", "pension",
                                                                   "other_deductions"))
            if expected != money["net_pay"]:
                errors.append(f"Row {i}, column net_pay: {money['net_pay']} does not equal gross pay less "
                              f"deductions ({expected}).")
        if emp is not None and len(money) == len(MONEY_COLUMNS):
            payslips.append(Payslip(employee=emp, period=period, tax_code=tax_code, **money))
    if errors:
        raise ValidationError({"file": errors})
    with transaction.atomic():
        replaced = Payslip.objects.filter(period=period).delete()[0]
        batch = PayrollImport.objects.create(period=period, filename=filename[:200], row_count=len(payslips),
                                             imported_by=actor)
        for p in payslips:
            p.payroll_import = batch
        Payslip.objects.bulk_create(payslips, batch_size=1000)
        audit_record(actor=actor, action="payroll.imported", target=batch, channel=AuditEntry.Channel.ONLINE,
                     changes={"payslips": [replaced, len(payslips)]}, note=f"{period.code} from {filename}")
    return batch


EXPORT_COLUMNS = ["period", "employee_number", "last_name", "first_name", "change_type", "reference", "approved_on",
                  "effective_date", "hours", "amount", "details", "account_name", "sort_code", "account_number"]
_EXPORT_SKIP = {"effective_date", "date", "hours", "amount", "account_name", "sort_code", "account_number"}


def export_held(period: PayPeriod):
    """Bank details changes held back from the export until a second payroll officer verifies them."""
    return [r for r in selectors.export_candidates(period)
            if r.type.kind == RequestType.Kind.BANK_DETAILS and not r.bank_details.verified_by_id]


@transaction.atomic
def payroll_export(*, actor, period: PayPeriod) -> PayrollExport:
    """Export approved payroll-affecting changes approved by the period's cut-off (later ones wait
    for the next period) and mark them processed. Unverified bank details are held back."""
    if not permissions.can_use_payroll(actor):
        raise PermissionDenied("Only payroll can export changes.")
    candidates = list(selectors.export_candidates(period).select_for_update(of=("self",)))
    export = PayrollExport.objects.create(period=period, created_by=actor, content_encrypted=b"")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    included = []
    for r in candidates:
        bank = {"account_name": "", "sort_code": "", "account_number": ""}
        if r.type.kind == RequestType.Kind.BANK_DETAILS:
            d = r.bank_details
            if not d.verified_by_id:
                continue
            bank = {"account_name": d.account_name, "sort_code": crypto.decrypt(d.sort_code_encrypted),
                    "account_number": crypto.decrypt(d.account_number_encrypted)}
        details = "; ".join(f"{k}={v}" for k, v in r.data.items() if k not in _EXPORT_SKIP and v not in ("", None))
        writer.writerow([
            period.code, r.employee.employee_number or "", spreadsheet_safe(r.employee.last_name),
            spreadsheet_safe(r.employee.first_name), r.type.code,
            r.reference, timezone.localtime(r.decided_at).date().isoformat(),
            r.data.get("effective_date") or r.data.get("date") or "", r.data.get("hours", ""),
            r.data.get("amount", ""), spreadsheet_safe(details), bank["account_name"], bank["sort_code"], bank["account_number"],
        ])
        included.append((r, bank))
    export.row_count = len(included)
    export.content_encrypted = crypto.encrypt(out.getvalue())
    export.save(update_fields=["row_count", "content_encrypted"])
    for r, bank in included:
        if r.type.kind == RequestType.Kind.BANK_DETAILS:
            BankAccount.objects.update_or_create(employee=r.employee, defaults={
                "account_name": bank["account_name"], "sort_code_encrypted": r.bank_details.sort_code_encrypted,
                "account_number_encrypted": r.bank_details.account_number_encrypted,
                "account_last4": r.bank_details.account_last4})
        request_process(actor=actor, request=r, _export=export)
    audit_record(actor=actor, action="payroll.exported", target=export, changes={"rows": [None, len(included)]},
                 note=period.code)
    return export


def export_csv(export: PayrollExport) -> str:
    return crypto.decrypt(export.content_encrypted)


@transaction.atomic
def payroll_export_open(*, actor, export: PayrollExport) -> str:
    """The CSV of an earlier export for a payroll officer. It carries bank details in clear, so each
    download is audited."""
    if not permissions.can_use_payroll(actor):
        raise PermissionDenied("Only payroll can download payroll exports.")
    audit_record(actor=actor, action="payroll.export_downloaded", target=export, note=export.period.code)
    return export_csv(export)


# --- reminders and escalation (called daily by Celery beat) ----------------------------------------

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
    request = _locked(request)
    if request.status != S.SUBMITTED:
        return request
    before = request.current_approver
    request.current_approver = to
    request.awaiting_since = request.escalated_at = timezone.now()
    request.reminded_at = None
    request.save(update_fields=["current_approver", "awaiting_since", "escalated_at", "reminded_at", "updated_at"])
    _audit(actor=None, action="request.escalated", request=request, channel=AuditEntry.Channel.SYSTEM,
           changes={"current_approver": [str(before), str(to)]},
           note=f"No decision within {settings.SELF_SERVICE_ESCALATION_WORKING_DAYS} working days.")
    notify.waiting_for_approval(request, to, escalated=True)
    return request
