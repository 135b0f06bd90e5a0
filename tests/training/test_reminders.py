"""Reminders are marked sent only when the mail server has accepted them (core.mail's on_sent), so
a mail outage that outlasts the retries leaves them for the next run instead of losing them."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.mail import MAIL_RETRY_WINDOW
from training import services
from training.models import Assignment, Booking

from .conftest import make_course, make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(flaky_smtp):
    """The shared flaky server, with a switch: down refuses every send, up takes them."""

    class Switch:
        @property
        def down(self):
            return flaky_smtp.failures > flaky_smtp.attempts

        @down.setter
        def down(self, value):
            flaky_smtp.failures = 10**6 if value else 0

    return Switch()


def _run(callbacks, fn, **kw):
    with callbacks(execute=True):
        return fn(**kw)


def test_assignment_reminder_is_sent_again_after_an_outage(people, smtp, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    a = Assignment.objects.create(course=make_course("teams"), employee=people["alice"], source="manager",
                                  due_on=today + dt.timedelta(days=3))
    smtp.down = True
    assert _run(django_capture_on_commit_callbacks, services.assignment_reminders_send, today=today) == 1
    a.refresh_from_db()
    assert a.reminded_at is None and mail.outbox == []  # not lost: not marked as sent

    smtp.down = False
    assert _run(django_capture_on_commit_callbacks, services.assignment_reminders_send, today=today) == 1
    a.refresh_from_db()
    assert a.reminded_at is not None and [m.to for m in mail.outbox] == [[people["alice"].email]]
    assert _run(django_capture_on_commit_callbacks, services.assignment_reminders_send, today=today) == 0


def test_learner_is_told_once_when_an_assignment_becomes_overdue(people, smtp, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    a = Assignment.objects.create(course=make_course("teams"), employee=people["bob"], source="manager",
                                  due_on=today - dt.timedelta(days=1))
    Assignment.objects.create(course=make_course("word"), employee=people["alice"], source="manager",
                              due_on=today)  # due today: not overdue yet
    smtp.down = True
    _run(django_capture_on_commit_callbacks, services.assignments_overdue_tell, today=today)
    _run(django_capture_on_commit_callbacks, services.assignments_overdue_escalate, today=today)
    a.refresh_from_db()
    assert a.overdue_told_at is None and a.escalated_at is None

    smtp.down = False
    assert _run(django_capture_on_commit_callbacks, services.assignments_overdue_tell, today=today) == 1
    assert _run(django_capture_on_commit_callbacks, services.assignments_overdue_escalate, today=today) == 1
    told = next(m for m in mail.outbox if m.to == [people["bob"].email])
    assert told.subject == "Overdue training: Teams" and "now overdue" in told.body
    assert [m.to for m in mail.outbox if m.to != [people["bob"].email]] == [[people["manager"].email]]
    a.refresh_from_db()
    assert a.overdue_told_at is not None and a.escalated_at is not None
    mail.outbox.clear()
    assert _run(django_capture_on_commit_callbacks, services.assignments_overdue_tell, today=today) == 0
    assert mail.outbox == []


def test_daily_task_tells_learners_about_overdue_courses(people, django_capture_on_commit_callbacks):
    from training import tasks

    Assignment.objects.create(course=make_course("teams"), employee=people["bob"], source="manager",
                              due_on=timezone.localdate() - dt.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.assignment_reminders_and_escalations()
    assert result == {"reminded": 0, "told_overdue": 1, "escalated": 1}


def test_session_reminder_waits_for_the_retries_then_is_sent_again(people, smtp, django_capture_on_commit_callbacks):
    session = make_session(make_course("teams"))
    session.starts_at = timezone.now() + dt.timedelta(hours=5)
    session.ends_at = session.starts_at + dt.timedelta(hours=1)
    session.save(update_fields=["starts_at", "ends_at"])
    b = Booking.objects.create(session=session, employee=people["alice"], status=Booking.Status.CONFIRMED)

    smtp.down = True
    assert _run(django_capture_on_commit_callbacks, services.session_reminders_send) == 1
    b.refresh_from_db()
    assert b.reminder_sent_at is None and b.reminder_queued_at is not None
    # within the mail task's retry window the hourly run does not queue a second copy
    assert _run(django_capture_on_commit_callbacks, services.session_reminders_send) == 0

    smtp.down = False
    later = timezone.now() + MAIL_RETRY_WINDOW + dt.timedelta(minutes=1)
    assert _run(django_capture_on_commit_callbacks, services.session_reminders_send, now=later) == 1
    b.refresh_from_db()
    assert b.reminder_sent_at is not None and [m.to for m in mail.outbox] == [[people["alice"].email]]
    assert _run(django_capture_on_commit_callbacks, services.session_reminders_send, now=later) == 0
