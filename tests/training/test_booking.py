"""Booking: places, waiting list in order, approval, cut-off, clashes, attendance -> completion."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.errors import DomainError, IllegalTransition
from training import services
from training.models import Assignment, Booking, Completion, Session

from .conftest import make_course, make_session

S = Booking.Status


def ics_of(message) -> str:
    body = message.attachments[0][1]
    return body.decode() if isinstance(body, bytes) else body


def book(employee, session):
    return services.booking_create(actor=employee.user, session=session, employee=employee)


def test_places_then_waiting_list_then_promotion_in_order(people, session, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        a = book(people["alice"], session)
        b = book(people["bob"], session)
        c = book(people["carol"], session)
        d = book(people["dave"], session)
    assert [x.status for x in (a, b, c, d)] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    invite = mail.outbox[0]
    assert invite.to == [people["alice"].email]
    ics = ics_of(invite)
    assert "METHOD:REQUEST" in ics and f"UID:{session.ical_uid}" in ics
    assert "number 2 on the waiting" in mail.outbox[3].body  # dave is second in the queue

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=people["alice"].user, booking=a)
    c.refresh_from_db()
    d.refresh_from_db()
    assert (c.status, d.status) == (S.CONFIRMED, S.WAITLISTED)  # carol joined the queue first
    recipients = {m.to[0]: m for m in mail.outbox}
    assert "METHOD:CANCEL" in ics_of(recipients[people["alice"].email])
    assert "A place has become free" in recipients[people["carol"].email].body

    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(actor=people["bob"].user, booking=b)
    d.refresh_from_db()
    assert d.status == S.CONFIRMED
    assert session.bookings.filter(status=S.CONFIRMED).count() == 2


def test_double_booking_same_course_and_overlap_refused(people, course, skills):
    s1 = make_session(course, days=7, hour=10)
    s2 = make_session(course, days=14, hour=10)
    other = make_course("teams-webinar", kind="webinar")
    clash = make_session(other, days=7, hour=11, venue="", online_url="https://teams.example/x")
    book(people["alice"], s1)
    with pytest.raises(DomainError, match="already booked on this session"):
        book(people["alice"], s1)
    with pytest.raises(DomainError, match="already have a booking for this course"):
        book(people["alice"], s2)
    with pytest.raises(DomainError, match="overlaps"):
        book(people["alice"], clash)
    assert Booking.objects.filter(employee=people["alice"]).count() == 1


def test_approval_required_goes_to_manager(people, skills, django_capture_on_commit_callbacks):
    course = make_course("leadership", requires_approval=True)
    session = make_session(course, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        pending = book(people["alice"], session)
    assert pending.status == S.PENDING
    assert mail.outbox[-1].to == [people["manager"].email]
    with pytest.raises(Exception, match="managers"):
        services.booking_decide(actor=people["bob"].user, booking=pending, approve=True)
    approved = services.booking_decide(actor=people["manager"].user, booking=pending, approve=True)
    assert approved.status == S.CONFIRMED
    # A second approved request finds the session full and joins the waiting list.
    later = book(people["bob"], session)
    assert services.booking_decide(actor=people["manager"].user, booking=later, approve=True).status == S.WAITLISTED


def test_cancellation_cut_off_for_learner_but_not_manager(people, skills):
    course = make_course("firstaid", cancellation_cutoff_hours=48)
    session = make_session(course, days=1)
    booking = book(people["alice"], session)
    with pytest.raises(DomainError, match="48 hours"):
        services.booking_cancel(actor=people["alice"].user, booking=booking)
    services.booking_cancel(actor=people["manager"].user, booking=booking)
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED
    with pytest.raises(IllegalTransition):
        services.booking_cancel(actor=people["manager"].user, booking=booking)


def test_attendance_records_completion_closes_assignment_and_raises_evidence(people, course, skills, learning_admin):
    session = make_session(course, days=2)
    services.assignment_create(actor=people["manager"].user, course=course, employees=[people["alice"]],
                               due_on=timezone.localdate() + dt.timedelta(days=30))
    booking = book(people["alice"], session)
    with pytest.raises(DomainError, match="register opens"):
        services.booking_mark_attendance(actor=learning_admin.user, booking=booking, attended=True)
    type(session).objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(Exception, match="host or learning staff"):
        services.booking_mark_attendance(actor=people["bob"].user, booking=booking, attended=True)
    services.booking_mark_attendance(actor=learning_admin.user, booking=booking, attended=True)
    completion = Completion.objects.get(employee=people["alice"], course=course)
    assert completion.source == Completion.Source.ATTENDANCE
    assert Assignment.objects.get(employee=people["alice"]).status == Assignment.Status.COMPLETED
    from skills_matrix.models import Evidence

    ev = Evidence.objects.get(employee=people["alice"], skill=skills["sheets"])
    assert ev.level == 2 and ev.source == "training"


def test_session_update_sends_new_sequence(people, session, learning_admin, django_capture_on_commit_callbacks):
    book(people["alice"], session)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_update(actor=learning_admin.user, session=session, venue="Town Hall, room 4")
    ics = ics_of(mail.outbox[0])
    assert "SEQUENCE:1" in ics and f"UID:{session.ical_uid}" in ics and "Town Hall" in ics


@pytest.mark.parametrize(("booker", "learner", "allowed"), [
    ("alice", "alice", True),     # herself
    ("manager", "alice", True),   # her line manager
    ("head", "alice", True),      # further up her chain
    ("hr", "dave", True),         # HR for anyone
    ("bob", "alice", False),      # a colleague
    ("carol", "alice", False),    # her own report
    ("other_manager", "alice", False),
])
def test_who_may_book_for_whom(people, course, booker, learner, allowed):
    from django.core.exceptions import PermissionDenied

    session = make_session(course)
    if allowed:
        services.booking_create(actor=people[booker].user, session=session, employee=people[learner])
        assert session.bookings.get().employee == people[learner]
    else:
        with pytest.raises(PermissionDenied):
            services.booking_create(actor=people[booker].user, session=session, employee=people[learner])
        assert not session.bookings.exists()


def test_refused_bookings_say_why(people, course, learning_admin):
    advanced = make_course("excel-advanced")
    advanced.prerequisites.add(course)
    with pytest.raises(DomainError, match="Complete Excel Working first"):
        book(people["alice"], make_session(advanced))
    started = make_session(course)
    type(started).objects.filter(pk=started.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(DomainError, match="already started"):
        book(people["alice"], started)
    cancelled = make_session(course, days=20)
    services.session_cancel(actor=learning_admin.user, session=cancelled)
    with pytest.raises(DomainError, match="cancelled"):
        book(people["alice"], cancelled)
    assert not Booking.objects.exists()


def test_a_request_nobody_approved_ends_when_the_session_starts(people, course, django_capture_on_commit_callbacks):
    from training import tasks

    course.requires_approval = True
    course.save(update_fields=["requires_approval"])
    session = make_session(course)
    waiting = services.booking_create(actor=people["alice"].user, session=session, employee=people["alice"])
    assert waiting.status == Booking.Status.PENDING
    assert services.pending_bookings_expire() == 0  # not started yet
    Session.objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.pending_bookings_expire() == 1
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CANCELLED
    assert [m.to for m in mail.outbox] == [[people["alice"].email]]
    assert services.pending_bookings_expire() == 0
