"""Mandatory and statutory training: the rules (which course, for whom, for how long a completion
counts) and the nightly run that assigns the course to people who have never done it and renews it
before it runs out. Who is in or out of date is read by `training.selectors` (mandatory_*)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from people.audit import active_set, audit_record
from people.models import Employee, OrgUnit

from .. import permissions
from ..mandatory_status import DUE, EXPIRED, MISSING, requirement_statuses
from ..models import Assignment, Course, MandatoryCourse
from .assignments import _audit_assignments


def _require_learning_staff(actor) -> None:
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators manage mandatory training.")


@transaction.atomic
def mandatory_course_create(
    *, actor, course: Course, unit: OrgUnit | None = None, role_profile=None, work_style: str = "",
    validity_months: int | None = None, renew_days_before: int = 30, due_in_days: int = 30,
) -> MandatoryCourse:
    _require_learning_staff(actor)
    if not course.is_active:
        raise DomainError("That course is no longer offered.", field="course")
    if validity_months is not None and not 1 <= validity_months <= 120:
        raise DomainError("A completion must count for between 1 and 120 months.", field="validity_months")
    if not 1 <= due_in_days <= 365:
        raise DomainError("Give people between 1 and 365 days to complete it.", field="due_in_days")
    if not 1 <= renew_days_before <= 180:
        raise DomainError("Assign the renewal between 1 and 180 days before it runs out.", field="renew_days_before")
    if work_style and work_style not in Employee.WorkStyle.values:
        raise DomainError("Choose a work style from the list.", field="work_style")
    rule = MandatoryCourse.objects.create(
        course=course, unit=unit, role_profile=role_profile, work_style=work_style,
        validity_months=validity_months, renew_days_before=renew_days_before, due_in_days=due_in_days,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(actor=actor, action="training.mandatory_created", target=rule, changes={
        "course": [None, course.code], "unit": [None, unit.code if unit else None],
        "role_profile": [None, getattr(role_profile, "code", None)], "work_style": [None, work_style or None],
        "validity_months": [None, validity_months],
    })
    return rule


@transaction.atomic
def mandatory_course_retire(*, actor, rule: MandatoryCourse) -> MandatoryCourse:
    """No longer required; assignments already made stay as they are."""
    _require_learning_staff(actor)
    return active_set(actor=actor, obj=rule, is_active=False, action="training.mandatory_retired")


@transaction.atomic
def mandatory_assignments_run(*, today: dt.date | None = None, actor=None) -> dict[str, int]:
    """Assigns each mandatory course to everyone who needs it and has no open assignment for it:
    those who never completed it (due in the rule's `due_in_days`), and those whose completion runs
    out within `renew_days_before` days or already has (a renewal, due when it runs out, or in
    `due_in_days` if it already has). Safe to run again: an open assignment is never doubled (the
    assignment_one_open_per_course constraint backs this up)."""
    today = today or timezone.localdate()
    statuses = requirement_statuses(Employee.objects.filter(is_active=True), as_of=today)
    open_pairs = set(
        Assignment.objects.filter(status=Assignment.Status.OPEN, course_id__in={c for _, c in statuses})
        .values_list("employee_id", "course_id")
    )
    new: list[Assignment] = []
    for (employee_id, course_id), st in statuses.items():
        if st.state not in (MISSING, EXPIRED, DUE) or (employee_id, course_id) in open_pairs:
            continue
        # Running out: due the day it runs out. Never done or run out: the rule's time to do it.
        due_on = max(st.expires_on, today) if st.state == DUE else today + dt.timedelta(days=st.due_in_days)
        source = Assignment.Source.MANDATORY if st.state == MISSING else Assignment.Source.RENEWAL
        new.append(Assignment(course_id=course_id, employee_id=employee_id, source=source, due_on=due_on))
    created = Assignment.objects.bulk_create(new)
    _audit_assignments([a for a in created if a.source == Assignment.Source.MANDATORY], actor=actor,
                       action="assignment.mandatory_created")
    _audit_assignments([a for a in created if a.source == Assignment.Source.RENEWAL], actor=actor,
                       action="assignment.renewal_created")
    return {
        "assigned": sum(1 for a in created if a.source == Assignment.Source.MANDATORY),
        "renewals": sum(1 for a in created if a.source == Assignment.Source.RENEWAL),
    }
