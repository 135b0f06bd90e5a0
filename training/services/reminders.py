"""Recording that a reminder went: called by training.tasks when core.mail_send reports that the
mail server accepted the email (the email's on_sent hook), never when it was only queued. So a
mail outage leaves the reminder unsent and the next run of its job sends it."""

from django.utils import timezone

from ..models import Assignment, Booking

ASSIGNMENT_MARKS = ("reminded_at", "escalated_at", "overdue_told_at")


def assignments_mark_sent(*, assignment_ids: list[int], field: str) -> int:
    """Set `field` (one of ASSIGNMENT_MARKS) to now on those not yet marked. Returns how many."""
    if field not in ASSIGNMENT_MARKS:
        raise ValueError(f"not a reminder mark: {field}")
    return Assignment.objects.filter(pk__in=assignment_ids, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()})


def bookings_mark_reminded(*, booking_ids: list[int]) -> int:
    return Booking.objects.filter(pk__in=booking_ids, reminder_sent_at__isnull=True).update(
        reminder_sent_at=timezone.now())
