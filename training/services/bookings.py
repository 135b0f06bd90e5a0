"""Places on sessions: booking (a place, the waiting list, or pending approval), the manager's
decision, cancelling (the freed place goes to the waiting list) and taking the register.

Lock order: the Session row first, then the learner's Employee row, then Booking rows."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import DomainError, IllegalTransition
from people.audit import audit_record
from people.models import AuditEntry, Employee
from people.selectors import employee_for

from .. import notifications, permissions
from ..models import Booking, Completion, Course, Session
from ..states import booking_transition_check
from ._after_commit import notify_after_commit
from .completions import completion_record

B = Booking.Status


def _places_taken(session: Session) -> int:
    return session.bookings.filter(status__in=Booking.HOLDS_PLACE).count()


def _waiting_position(booking: Booking) -> int:
    return Booking.objects.filter(
        Q(queued_at__lt=booking.queued_at) | Q(queued_at=booking.queued_at, id__lte=booking.id),
        session_id=booking.session_id, status=B.WAITLISTED,
    ).count()


def _refuse_clashes(session: Session, employee: Employee) -> None:
    live = Booking.objects.filter(employee=employee, status__in=Booking.ACTIVE,
                                  session__status=Session.Status.SCHEDULED).select_related("session__course")
    if live.filter(session=session).exists():
        raise DomainError("You are already booked on this session.", field="session")
    same_course = live.filter(session__course_id=session.course_id, session__ends_at__gt=timezone.now()).first()
    if same_course:
        raise DomainError(
            f"You already have a booking for this course on {timezone.localtime(same_course.session.starts_at):%d %B %Y}. "
            "Cancel that one first if you want to change date.", field="session",
        )
    clash = live.filter(session__starts_at__lt=session.ends_at, session__ends_at__gt=session.starts_at).first()
    if clash:
        raise DomainError(
            f"This overlaps “{clash.session.course.title}” on "
            f"{timezone.localtime(clash.session.starts_at):%d %B %Y at %H:%M}, which you are already booked on.",
            field="session",
        )


def _missing_prerequisites(course: Course, employee: Employee) -> list[str]:
    needed = list(course.prerequisites.all())
    if not needed:
        return []
    done = set(
        Completion.objects.filter(employee=employee, course__in=needed).values_list("course_id", flat=True)
    )
    return [c.title for c in needed if c.pk not in done]


@transaction.atomic
def booking_create(*, actor, session: Session, employee: Employee,
                   channel: str = AuditEntry.Channel.ONLINE) -> Booking:
    """Book `employee` onto `session`: a place if one is free, else the waiting list; or, where the
    course needs it and the booker is not the approver, pending the line manager's approval.

    Holds the session row lock while counting places, so concurrent bookings never exceed capacity.
    """
    me = employee_for(actor)
    if not ((me and me.pk == employee.pk) or permissions.can_act_for(actor, employee)):
        raise PermissionDenied("You can only book places for yourself or for people you manage.")
    session = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    # Serialise one person's bookings so two parallel requests cannot both pass the clash check.
    Employee.objects.select_for_update().filter(pk=employee.pk).values_list("pk", flat=True).get()
    if session.status != Session.Status.SCHEDULED:
        raise DomainError("This session has been cancelled.", field="session")
    if session.starts_at <= timezone.now():
        raise DomainError("This session has already started.", field="session")
    if not session.course.is_active:
        raise DomainError("This course is no longer offered.", field="session")
    _refuse_clashes(session, employee)
    missing = _missing_prerequisites(session.course, employee)
    if missing:
        raise DomainError(f"Complete {', '.join(missing)} first.", field="session")

    booking = Booking(session=session, employee=employee, decided_by=None)
    approver_is_booking = permissions.can_act_for(actor, employee)
    if session.course.requires_approval and not approver_is_booking:
        booking.status = B.PENDING
    else:
        _give_place_or_queue(booking, session)
        if session.course.requires_approval:
            booking.decided_by = actor
    booking.save()
    audit_record(actor=actor, action=f"booking.{booking.status}", target=booking, subject=employee, channel=channel)
    _notify_booking(booking)
    return booking


def _give_place_or_queue(booking: Booking, session: Session) -> None:
    """Caller holds the session row lock."""
    if _places_taken(session) < session.capacity:
        booking.status = B.CONFIRMED
        booking.queued_at = None
    else:
        booking.status = B.WAITLISTED
        booking.queued_at = timezone.now()


def _notify_booking(booking: Booking) -> None:
    if booking.status == B.CONFIRMED:
        notify_after_commit(notifications.booking_confirmed, booking.pk)
    elif booking.status == B.WAITLISTED:
        notify_after_commit(notifications.booking_waitlisted, booking.pk, _waiting_position(booking))
    elif booking.status == B.PENDING:
        notify_after_commit(notifications.booking_needs_approval, booking.pk)


@transaction.atomic
def booking_decide(*, actor, booking: Booking, approve: bool) -> Booking:
    """A line manager (or learning staff) approves or declines a pending booking."""
    session = Session.objects.select_for_update().get(pk=booking.session_id)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("employee").get(pk=booking.pk)
    if not permissions.can_approve_booking(actor, booking):
        raise PermissionDenied("Only the learner's managers or learning staff can decide this booking.")
    if booking.status != B.PENDING:
        raise IllegalTransition(f"This booking is “{booking.get_status_display().lower()}”: there is nothing to decide.")
    if approve:
        _give_place_or_queue(booking, session)
    else:
        booking_transition_check(booking, B.REJECTED)
        booking.status = B.REJECTED
    booking.decided_by = actor
    booking.save(update_fields=["status", "queued_at", "decided_by", "updated_at"])
    audit_record(actor=actor, action="booking.approved" if approve else "booking.rejected", target=booking,
                 subject=booking.employee)
    if approve:
        _notify_booking(booking)
    else:
        notify_after_commit(notifications.booking_rejected, booking.pk)
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking: Booking) -> Booking:
    """Cancel a booking. A freed place goes to the first person on the waiting list, who is told.

    Learners cannot cancel their own confirmed place inside the course's cut-off (the place would go
    to waste); their manager or learning staff still can.
    """
    session = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=booking.session_id)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("employee").get(pk=booking.pk)
    if not permissions.can_cancel_booking(actor, booking):
        raise PermissionDenied("You can only cancel your own bookings or those of people you manage.")
    booking_transition_check(booking, B.CANCELLED)
    cutoff = session.starts_at - dt.timedelta(hours=session.course.cancellation_cutoff_hours)
    if (booking.status == B.CONFIRMED and timezone.now() >= cutoff
            and not permissions.can_act_for(actor, booking.employee)):
        raise DomainError(
            f"Places cannot be cancelled less than {session.course.cancellation_cutoff_hours} hours before the "
            "start. Ask your manager if you cannot attend.", field="booking",
        )
    held_place = booking.status == B.CONFIRMED
    booking.status = B.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="booking.cancelled", target=booking, subject=booking.employee)
    notify_after_commit(notifications.booking_cancelled, booking.pk)
    if held_place:
        _promote_waiting_list(session, actor=actor)
    return booking


def _promote_waiting_list(session: Session, *, actor) -> list[Booking]:
    """Fill free places from the waiting list in the order people joined it. Caller holds the
    session row lock."""
    free = session.capacity - _places_taken(session)
    if free <= 0 or session.starts_at <= timezone.now():
        return []
    promoted = list(
        session.bookings.select_for_update(of=("self",)).select_related("employee")
        .filter(status=B.WAITLISTED).order_by("queued_at", "id")[:free]
    )
    for booking in promoted:
        booking.status = B.CONFIRMED
        booking.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="booking.promoted", target=booking, subject=booking.employee,
                     channel=AuditEntry.Channel.SYSTEM)
        notify_after_commit(notifications.booking_confirmed, booking.pk, promoted=True)
    return promoted


@transaction.atomic
def booking_mark_attendance(*, actor, booking: Booking, attended: bool) -> Booking:
    """Take the register. Attendance records a completion (and with it skills evidence)."""
    booking = Booking.objects.select_for_update(of=("self",)).select_related("session__course", "employee").get(pk=booking.pk)
    if not permissions.can_take_register(actor, booking.session):
        raise PermissionDenied("Only the session's host or learning staff take the register.")
    if booking.session.starts_at > timezone.now():
        raise DomainError("The register opens when the session starts.", field="booking")
    to = B.ATTENDED if attended else B.NO_SHOW
    booking_transition_check(booking, to)
    booking.status = to
    booking.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=f"booking.{to}", target=booking, subject=booking.employee)
    if attended:
        completion_record(actor=actor, employee=booking.employee, course=booking.session.course,
                          source=Completion.Source.ATTENDANCE, booking=booking,
                          completed_at=booking.session.ends_at)
    return booking

