"""What HR sets up: request types, working patterns; and managers' acting-manager delegations."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from people import roles
from people.audit import audit_record, diff
from people.models import Employee
from people.selectors import employee_for

from .. import notify
from ..models import WEEKDAY_FIELDS, Delegation, LeaveEntitlement, RequestType, WorkingPattern
from ..workdays import MONDAY_TO_FRIDAY

# --- request types (configured by HR) -------------------------------------------------------------

TYPE_FIELDS = ("name", "description", "fields", "approval_chain", "processing_team", "affects_payroll",
               "attachments_allowed", "attachment_required", "attachment_hint", "decision_deadline_days",
               "reminder_working_days", "visibility", "is_active", "order")


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
    notify.delegation_made(d)
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
