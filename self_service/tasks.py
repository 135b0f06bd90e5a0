"""Celery tasks: thin wrappers that call services (tested directly)."""

from celery import shared_task

from . import services


@shared_task(name="self_service.tasks.approval_reminders_and_escalations")
def approval_reminders_and_escalations() -> dict:
    """Daily: escalate requests waiting too long, then remind approvers of the rest."""
    escalated = services.approval_escalations_run()
    reminded = services.approval_reminders_send()
    return {"escalated": escalated, "reminded": reminded}


@shared_task(name="self_service.request_reminder_sent")
def request_reminder_sent(request_id: int, awaiting_since: str, queued_at: str) -> bool:
    """core.mail's on_sent hook for a reminder: the mail server accepted it."""
    return services.request_reminder_sent(request_id=request_id, awaiting_since=awaiting_since, queued_at=queued_at)
