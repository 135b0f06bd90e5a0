"""Home "my tasks" for training: a few cheap counts."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from core.dashboard import Task
from people.selectors import employee_for

from .models import Assignment, Booking, HelpRequest
from .selectors import bookings_awaiting_approval, champion_profile


def training_tasks(user) -> list[Task]:
    me = employee_for(user)
    if me is None:
        return []
    tasks = []
    today = timezone.localdate()
    due = Assignment.objects.filter(employee=me, status=Assignment.Status.OPEN,
                                    due_on__lte=today + dt.timedelta(days=30)).count()
    if due:
        tasks.append(Task("Assigned courses due soon", reverse("training:my_learning"), count=due,
                          hint="Due within 30 days or overdue.", order=30))
    soon = Booking.objects.filter(employee=me, status=Booking.Status.CONFIRMED,
                                  session__starts_at__gt=timezone.now(),
                                  session__starts_at__lte=timezone.now() + dt.timedelta(days=7)).count()
    if soon:
        tasks.append(Task("Training sessions this week", reverse("training:my_learning"), count=soon, order=35))
    to_approve = bookings_awaiting_approval(user).count()
    if to_approve:
        tasks.append(Task("Training bookings to approve", reverse("training:approvals"), count=to_approve, order=25))
    profile = champion_profile(me)
    if profile is not None:
        from people.selectors import units_within

        waiting = HelpRequest.objects.filter(routed_unit__in=units_within([profile.unit]),
                                             status=HelpRequest.Status.OPEN).count()
        if waiting:
            tasks.append(Task("Colleagues waiting for a digital champion", reverse("training:help_requests"),
                              count=waiting, order=28))
    return tasks
