"""Assignments set by managers and learning staff, and the reminders and escalations about them."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from people.audit import audit_bulk, audit_record
from people.models import AuditEntry, Employee
from people.selectors import employee_for, reports_of

from .. import notifications, permissions
from ..models import Assignment, Course
from ._after_commit import notify_after_commit


@transaction.atomic
def assignment_create(*, actor, course: Course, employees: list[Employee], due_on: dt.date) -> list[Assignment]:
    """Assign a course to people (a manager to their reports; HR and learning staff to anyone).
    People who already have it open keep their existing assignment."""
    if due_on < timezone.localdate():
        raise DomainError("The due date cannot be in the past.", field="due_on")
    if not employees:
        raise DomainError("Choose at least one person.", field="employees")
    if not permissions.is_learning_staff(actor):
        me = employee_for(actor)
        # One query for the whole chain beneath the manager rather than one per person.
        mine = set(reports_of(me, include_inactive=True).values_list("pk", flat=True)) if me else set()
        outside = [e for e in employees if e.pk not in mine]
        if outside:
            raise PermissionDenied(f"You cannot assign training to {outside[0].display_name}.")
    source = Assignment.Source.HR if permissions.is_learning_staff(actor) else Assignment.Source.MANAGER
    already = set(
        Assignment.objects.filter(course=course, employee__in=employees, status=Assignment.Status.OPEN)
        .values_list("employee_id", flat=True)
    )
    created = Assignment.objects.bulk_create(
        [Assignment(course=course, employee=e, assigned_by=actor, source=source, due_on=due_on)
         for e in employees if e.pk not in already]
    )
    _audit_assignments(created, actor=actor, action="assignment.created")
    return created


def _audit_assignments(rows: list[Assignment], *, actor, action: str) -> None:
    ct = ContentType.objects.get_for_model(Assignment)
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    audit_bulk([
        AuditEntry(actor=actor_user, action=action, content_type=ct, object_id=str(a.pk),
                   target_repr=f"{a.course_id}/{a.employee_id}"[:300], subject_id=a.employee_id,
                   channel=AuditEntry.Channel.ONLINE if actor_user else AuditEntry.Channel.SYSTEM)
        for a in rows
    ])


@transaction.atomic
def assignment_withdraw(*, actor, assignment: Assignment) -> Assignment:
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("employee").get(pk=assignment.pk)
    if not permissions.can_act_for(actor, assignment.employee):
        raise PermissionDenied("Only the learner's managers or learning staff can withdraw an assignment.")
    if assignment.status != Assignment.Status.OPEN:
        raise DomainError("Only open assignments can be withdrawn.")
    assignment.status = Assignment.Status.WITHDRAWN
    assignment.save(update_fields=["status"])
    audit_record(actor=actor, action="assignment.withdrawn", target=assignment, subject=assignment.employee)
    return assignment



# The three emails below are marked sent (reminded_at, escalated_at, overdue_told_at) only when the
# mail server has accepted them: each email's core.mail on_sent hook runs training.assignments_mark
# (services.reminders). A mail outage that outlasts the mail task's retries (about two hours)
# leaves them unmarked, so the next daily run sends them again: a reminder may come twice, never
# not at all. Each returns how many assignments it emailed about.


@transaction.atomic
def assignment_reminders_send(*, today: dt.date | None = None, days_ahead: int = 7) -> int:
    """Remind learners once when an open assignment falls due within `days_ahead` days."""
    today = today or timezone.localdate()
    rows = Assignment.objects.filter(
        status=Assignment.Status.OPEN, reminded_at__isnull=True,
        due_on__gte=today, due_on__lte=today + dt.timedelta(days=days_ahead),
    ).exclude(employee__email="")
    ids = list(rows.values_list("pk", flat=True))
    if ids:
        notify_after_commit(notifications.assignments_due, ids)
    return len(ids)


@transaction.atomic
def assignments_overdue_tell(*, today: dt.date | None = None) -> int:
    """Tell learners, once per assignment, that a course has become overdue."""
    today = today or timezone.localdate()
    ids = list(Assignment.objects.filter(
        status=Assignment.Status.OPEN, overdue_told_at__isnull=True, due_on__lt=today
    ).exclude(employee__email="").values_list("pk", flat=True))
    if ids:
        notify_after_commit(notifications.assignments_overdue_to_learners, ids)
    return len(ids)


@transaction.atomic
def assignments_overdue_escalate(*, today: dt.date | None = None) -> int:
    """Tell line managers, once per assignment, about their reports' overdue courses."""
    today = today or timezone.localdate()
    ids = list(Assignment.objects.filter(
        status=Assignment.Status.OPEN, escalated_at__isnull=True, due_on__lt=today,
        employee__line_manager__isnull=False,
    ).exclude(employee__line_manager__email="").values_list("pk", flat=True))
    if ids:
        notify_after_commit(notifications.assignments_overdue, ids)
    return len(ids)

