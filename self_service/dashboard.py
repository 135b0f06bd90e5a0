"""Home dashboard "my tasks" items and top navigation visibility for self-service."""

from django.urls import reverse

from core.dashboard import Task
from people.selectors import employee_for

from . import permissions, selectors
from .models import Request


def self_service_tasks(user) -> list[Task]:
    tasks = []
    waiting = selectors.approval_count(user)
    if waiting:
        noun = "request" if waiting == 1 else "requests"
        tasks.append(Task(f"{waiting} {noun} waiting for your approval", reverse("self_service:approvals"),
                          count=waiting, order=10))
    if permissions.can_use_payroll(user):
        to_verify = (Request.objects.filter(status=Request.Status.APPROVED, type__kind="bank_details",
                                            bank_details__verified_by__isnull=True)
                     .exclude(approvals__decided_by=user).exclude(employee__user=user).count())
        if to_verify:
            tasks.append(Task(f"{to_verify} bank details change{'s' if to_verify != 1 else ''} to verify (second check)",
                              reverse("self_service:processing") + "?type=bank-details", count=to_verify, order=12))
    teams = permissions.teams_of(user)
    if teams:
        n = selectors.processing_queue(user).count()
        if n:
            tasks.append(Task("Approved requests to process", reverse("self_service:processing"), count=n, order=20))
    me = employee_for(user)
    if me is not None:
        returned = Request.objects.filter(employee=me, status=Request.Status.RETURNED).count()
        if returned:
            tasks.append(Task("Requests returned to you for changes", reverse("self_service:my_requests"),
                              count=returned, order=15))
    return tasks
