"""Celery tasks: thin wrappers that call services (the services are what the tests exercise).

This module imports the services and never the other way round: queuing a task on request is done
here (`auto_assignment_request_run`), so the services need not know the tasks exist."""

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.db import transaction

from . import permissions, services


@shared_task(name="training.tasks.session_reminders")
def session_reminders() -> int:
    """Hourly: remind people with a place on a session starting within a day."""
    return services.session_reminders_send()


@shared_task(name="training.tasks.pending_bookings_expire")
def pending_bookings_expire() -> int:
    """Hourly: end requests for a place nobody approved before the session started."""
    return services.pending_bookings_expire()


@shared_task(name="training.tasks.assignment_reminders_and_escalations")
def assignment_reminders_and_escalations() -> dict:
    """Daily: remind learners of courses falling due; tell learners and their managers about
    overdue ones."""
    return {
        "reminded": services.assignment_reminders_send(),
        "told_overdue": services.assignments_overdue_tell(),
        "escalated": services.assignments_overdue_escalate(),
    }


@shared_task(name="training.tasks.mandatory_assignments")
def mandatory_assignments() -> dict:
    """Daily: assign mandatory courses to people who need them and renew them before they run out."""
    return services.mandatory_assignments_run()


# The on_sent hooks of reminder emails (training.notifications._mark): run by core.mail_send once
# the mail server has accepted the email.


@shared_task(name="training.assignments_mark_sent")
def assignments_mark_sent(assignment_ids: list[int], field: str) -> int:
    return services.assignments_mark_sent(assignment_ids=assignment_ids, field=field)


@shared_task(name="training.bookings_mark_reminded")
def bookings_mark_reminded(booking_ids: list[int]) -> int:
    return services.bookings_mark_reminded(booking_ids=booking_ids)


@shared_task(name="training.tasks.auto_assignment")
def auto_assignment() -> dict:
    """Nightly: turn skills gaps into course assignments under the active rules."""
    return services.auto_assignment_run()


def auto_assignment_request_run(*, actor) -> None:
    """Queue a run of every active rule now (it can take a while over the whole council), once the
    caller's transaction commits."""
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators run automatic assignment.")
    transaction.on_commit(lambda: auto_assignment.delay())
