"""Dated sessions of a course: scheduling, changing (updated invites, waiting-list promotion),
cancelling, and the reminder before each one."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import DomainError
from core.mail import MAIL_RETRY_WINDOW
from people.audit import audit_record
from people.models import Employee

from .. import notifications, permissions
from ..models import Booking, Course, Session
from ._after_commit import notify_after_commit
from .bookings import _promote_waiting_list

B = Booking.Status


@transaction.atomic
def session_create(*, actor, course: Course, starts_at, ends_at, capacity: int, venue: str = "",
                   online_url: str = "", host: Employee | None = None) -> Session:
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators schedule sessions.")
    if not course.has_sessions:
        raise DomainError("E-learning modules have no dated sessions.", field="course")
    session = Session(course=course, starts_at=starts_at, ends_at=ends_at, capacity=capacity, venue=venue,
                      online_url=online_url, host=host)
    _session_validate(session)
    session.save()
    audit_record(actor=actor, action="session.created", target=session)
    return session


def _session_validate(session: Session) -> None:
    if session.ends_at <= session.starts_at:
        raise DomainError("The session must end after it starts.", field="ends_at")
    if session.capacity < 1:
        raise DomainError("A session needs at least one place.", field="capacity")
    if not (session.venue or session.online_url):
        raise DomainError("Give a venue or an online joining link.", field="venue")


_UNCHANGED = object()


@transaction.atomic
def session_update(*, actor, session: Session, starts_at=None, ends_at=None, venue=None, online_url=None,
                   capacity: int | None = None, host=_UNCHANGED) -> Session:
    """Change when, where or how big a session is. Everyone holding a place gets an updated invite
    (same UID, SEQUENCE + 1); a larger capacity promotes people from the waiting list."""
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators change sessions.")
    session = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    before = {"starts_at": session.starts_at, "ends_at": session.ends_at, "venue": session.venue,
              "online_url": session.online_url, "capacity": session.capacity}
    for field, value in [("starts_at", starts_at), ("ends_at", ends_at), ("venue", venue),
                         ("online_url", online_url), ("capacity", capacity)]:
        if value is not None:
            setattr(session, field, value)
    if host is not _UNCHANGED:
        before["host"] = session.host_id
        session.host = host
    _session_validate(session)
    confirmed = session.bookings.filter(status__in=Booking.HOLDS_PLACE).count()
    if session.capacity < confirmed:
        raise DomainError(f"{confirmed} people already hold places; capacity cannot go below that.", field="capacity")
    after = {k: getattr(session, "host_id" if k == "host" else k) for k in before}
    changes = {k: [str(before[k]), str(after[k])] for k in before if before[k] != after[k]}
    if not changes:
        return session
    calendar_change = any(k in changes for k in ("starts_at", "ends_at", "venue", "online_url"))
    if calendar_change:
        session.sequence += 1
    session.save(update_fields=[*before.keys(), "sequence"])
    audit_record(actor=actor, action="session.updated", target=session, changes=changes)
    if calendar_change:
        for booking_id in session.bookings.filter(status=B.CONFIRMED).values_list("id", flat=True):
            notify_after_commit(notifications.session_changed, booking_id)
    _promote_waiting_list(session, actor=actor)
    return session


@transaction.atomic
def session_cancel(*, actor, session: Session) -> Session:
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators cancel sessions.")
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        raise DomainError("This session is already cancelled.")
    session.status = Session.Status.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence"])
    for booking in session.bookings.select_for_update().filter(status__in=Booking.ACTIVE):
        booking.status = B.CANCELLED
        booking.save(update_fields=["status", "updated_at"])
        notify_after_commit(notifications.booking_cancelled, booking.pk)
    audit_record(actor=actor, action="session.cancelled", target=session)
    return session



@transaction.atomic
def session_reminders_send(*, now: dt.datetime | None = None, hours_ahead: int = 24) -> int:
    """Remind people with a place, once, when their session starts within `hours_ahead` hours.

    `reminder_sent_at` is set only when the mail server accepts the reminder (its core.mail on_sent
    hook, training.bookings_reminded). Meanwhile `reminder_queued_at` keeps the hourly run from
    queueing it again while the mail task is still retrying; once those retries are over an
    unsent reminder is queued again."""
    now = now or timezone.now()
    rows = Booking.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        Q(reminder_queued_at__isnull=True) | Q(reminder_queued_at__lt=now - MAIL_RETRY_WINDOW),
        status=B.CONFIRMED, reminder_sent_at__isnull=True, session__status=Session.Status.SCHEDULED,
        session__starts_at__gt=now, session__starts_at__lte=now + dt.timedelta(hours=hours_ahead),
    ).exclude(employee__email="")
    ids = list(rows.values_list("pk", flat=True))
    Booking.objects.filter(pk__in=ids).update(reminder_queued_at=now)
    for booking_id in ids:
        notify_after_commit(notifications.session_reminder, booking_id)
    return len(ids)


@transaction.atomic
def pending_bookings_expire(*, now: dt.datetime | None = None) -> int:
    """End requests for a place that nobody approved before the session started: cancelled (the
    learner is told, as for any cancellation) rather than left waiting on the approvals page for
    ever. Returns how many ended."""
    now = now or timezone.now()
    rows = list(Booking.objects.select_for_update(skip_locked=True, of=("self",)).select_related("employee")
                .filter(status=B.PENDING, session__starts_at__lte=now))
    for booking in rows:
        booking.status = B.CANCELLED
        booking.save(update_fields=["status", "updated_at"])
        audit_record(actor=None, action="booking.expired", target=booking, subject=booking.employee,
                     note="Not approved before the session started.")
        notify_after_commit(notifications.booking_cancelled, booking.pk)
    return len(rows)
