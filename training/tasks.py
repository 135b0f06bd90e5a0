"""Celery tasks: thin wrappers that call services (the services are what the tests exercise)."""

from celery import shared_task

from . import services


@shared_task(name="training.tasks.session_reminders")
def session_reminders() -> int:
    """Hourly: remind people with a place on a session starting within a day."""
    return services.session_reminders_send()


@shared_task(name="training.tasks.assignment_reminders_and_escalations")
def assignment_reminders_and_escalations() -> dict:
    """Daily: remind learners of courses falling due; tell managers about overdue ones."""
    return {
        "reminded": services.assignment_reminders_send(),
        "escalated": services.assignments_overdue_escalate(),
    }


@shared_task(name="training.tasks.auto_assignment")
def auto_assignment() -> dict:
    """Nightly: turn skills gaps into course assignments under the active rules."""
    return services.auto_assignment_run()
