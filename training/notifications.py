"""Emails to learners, managers and champions. Called by services once their change commits
(`services._after_commit.notify_after_commit`), so nobody hears about a change that was rolled back.
Each email goes through `core.mail`: queued to the retrying mail task, so a mail outage is retried
and logged and never breaks the request that caused it."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.mail import after_sent, mail_each_on_commit, mail_on_commit

from .calendar import CANCEL, REQUEST, booking_ics
from .models import Assignment, Booking, HelpRequest


def _link(url_name: str) -> str:
    # SITE_URL (when the deployment sets one) makes links in emails absolute.
    return getattr(settings, "SITE_URL", "").rstrip("/") + reverse(url_name)


def _when(session) -> str:
    return timezone.localtime(session.starts_at).strftime("%A %d %B %Y at %H:%M")


def _send(to: str, subject: str, body: str, *, ics: bytes | None = None, method: str = REQUEST, on_sent=None) -> None:
    attachments = [("invite.ics", ics, f"text/calendar; method={method}")] if ics is not None else []
    mail_on_commit(subject=subject, body=body, to=[to], attachments=attachments, on_sent=on_sent)


def _mark(field: str, ids: list[int]):
    """The on_sent hook recording that a reminder went (training.tasks.assignments_mark_sent and
    bookings_mark_reminded, by name: see services.reminders)."""
    if field == "reminder_sent_at":
        return after_sent("training.bookings_mark_reminded", ids)
    return after_sent("training.assignments_mark_sent", ids, field)


def booking_confirmed(booking_id: int, *, promoted: bool = False) -> None:
    b = Booking.objects.select_related("session__course", "employee").get(pk=booking_id)
    lead = "A place has become free and it is yours" if promoted else "Your place is confirmed"
    _send(
        b.employee.email,
        f"{'You have a place' if promoted else 'Booked'}: {b.session.course.title}",
        f"{lead} on {b.session.course.title}, {_when(b.session)}.\n"
        f"Where: {b.session.venue or b.session.online_url or 'to be confirmed'}.\n"
        "The calendar invite is attached.",
        ics=booking_ics(b, method=REQUEST),
    )


def booking_waitlisted(booking_id: int, position: int) -> None:
    b = Booking.objects.select_related("session__course", "employee").get(pk=booking_id)
    _send(
        b.employee.email,
        f"Waiting list: {b.session.course.title}",
        f"{b.session.course.title}, {_when(b.session)}, is full. You are number {position} on the waiting "
        "list. We will email you if a place becomes free.",
    )


def booking_needs_approval(booking_id: int) -> None:
    b = Booking.objects.select_related("session__course", "employee__line_manager").get(pk=booking_id)
    manager = b.employee.line_manager
    if manager is None:
        return
    _send(
        manager.email,
        f"Approve training: {b.employee.display_name}, {b.session.course.title}",
        f"{b.employee.display_name} has asked to attend {b.session.course.title}, {_when(b.session)}.\n"
        f"Approve or decline it here: {_link('training:approvals')}",
    )


def booking_rejected(booking_id: int) -> None:
    b = Booking.objects.select_related("session__course", "employee").get(pk=booking_id)
    _send(b.employee.email, f"Not approved: {b.session.course.title}",
          f"Your manager has not approved your place on {b.session.course.title}, {_when(b.session)}.")


def booking_cancelled(booking_id: int) -> None:
    b = Booking.objects.select_related("session__course", "employee").get(pk=booking_id)
    _send(
        b.employee.email, f"Cancelled: {b.session.course.title}",
        f"Your place on {b.session.course.title}, {_when(b.session)}, is cancelled.",
        ics=booking_ics(b, method=CANCEL), method=CANCEL,
    )


def session_changed(booking_id: int) -> None:
    b = Booking.objects.select_related("session__course", "employee").get(pk=booking_id)
    _send(
        b.employee.email, f"Changed: {b.session.course.title}",
        f"The details of {b.session.course.title} have changed. It is now {_when(b.session)}, "
        f"{b.session.venue or b.session.online_url}. Your calendar invite is updated.",
        ics=booking_ics(b, method=REQUEST),
    )


def session_reminder(booking_id: int) -> None:
    b = Booking.objects.select_related("session__course", "employee").get(pk=booking_id)
    _send(
        b.employee.email, f"Reminder: {b.session.course.title}",
        f"A reminder that you are booked on {b.session.course.title}, {_when(b.session)}, "
        f"{b.session.venue or b.session.online_url}. If you can no longer go, cancel so someone on the "
        "waiting list can have your place.",
        on_sent=_mark("reminder_sent_at", [b.pk]),
    )


def assignments_due(assignment_ids: list[int]) -> None:
    rows = Assignment.objects.filter(pk__in=assignment_ids).select_related("course", "employee")
    mail_each_on_commit(
        (f"Training due: {a.course.title}", f"Please complete {a.course.title} by {a.due_on:%d %B %Y}.",
         [a.employee.email], _mark("reminded_at", [a.pk]))
        for a in rows if a.employee.email
    )


def assignments_overdue_to_learners(assignment_ids: list[int]) -> None:
    rows = Assignment.objects.filter(pk__in=assignment_ids).select_related("course", "employee")
    mail_each_on_commit(
        (f"Overdue training: {a.course.title}",
         f"{a.course.title} was due by {a.due_on:%d %B %Y} and is now overdue. Please complete it as soon as "
         f"you can; your line manager has been told.\nYour training: {_link('training:my_learning')}",
         [a.employee.email], _mark("overdue_told_at", [a.pk]))
        for a in rows if a.employee.email
    )


def assignments_overdue(assignment_ids: list[int]) -> None:
    """One email per line manager listing their reports' overdue courses."""
    rows = Assignment.objects.filter(pk__in=assignment_ids).select_related("course", "employee__line_manager")
    by_manager: dict[str, list[Assignment]] = {}
    for a in rows:
        if a.employee.line_manager and a.employee.line_manager.email:
            by_manager.setdefault(a.employee.line_manager.email, []).append(a)
    messages = []
    for email, items in by_manager.items():
        lines = "\n".join(f"- {a.employee.display_name}: {a.course.title}, due {a.due_on:%d %B %Y}" for a in items)
        messages.append(("Overdue training in your team", f"These courses are overdue:\n{lines}", [email],
                         _mark("escalated_at", [a.pk for a in items])))
    mail_each_on_commit(messages)


def help_requested(request_id: int, champion_emails: list[str]) -> None:
    r = HelpRequest.objects.select_related("requester", "routed_unit").get(pk=request_id)
    mail_each_on_commit(
        (f"Help wanted: {r.topic}",
         f"{r.requester.display_name} has asked a digital champion in {r.routed_unit.name} for help with "
         f"“{r.topic}”.\n\n{r.details}\n\nSee the request: {_link('training:help_requests')}",
         [email])
        for email in champion_emails if email
    )
