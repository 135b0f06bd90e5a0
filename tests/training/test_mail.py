"""Training's emails take the one mail path (core.mail): queued after commit to the retrying task.
A mail server that is down never breaks the booking that caused the email, nor loses the saved data."""


import pytest
from django.core import mail

from core.mail import MAIL_MAX_RETRIES
from training.models import Booking

from .conftest import make_session


@pytest.mark.django_db(transaction=True)
def test_booking_page_succeeds_and_the_place_is_kept_when_the_mail_server_is_down(people, client, course, flaky_smtp):
    """Committed for real (no test transaction): the confirmation runs after commit inside the
    request, as in production. It used to raise from there, turning a saved booking into a 500."""
    flaky_smtp.failures = 1000
    session = make_session(course)
    client.force_login(people["alice"].user)
    response = client.post(f"/training/sessions/{session.pk}/book/")
    assert response.status_code == 302
    assert Booking.objects.get(employee=people["alice"], session=session).status == Booking.Status.CONFIRMED
    assert flaky_smtp.attempts == MAIL_MAX_RETRIES + 1  # retried by the mail task, then given up and logged
    assert mail.outbox == []


def test_the_invite_goes_through_the_mail_task_and_survives_a_flaky_server(
    people, course, flaky_smtp, django_capture_on_commit_callbacks
):
    from training import services

    flaky_smtp.failures = 2
    session = make_session(course)
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_create(actor=people["alice"].user, session=session, employee=people["alice"])
    assert flaky_smtp.attempts == 3
    [msg] = mail.outbox
    assert msg.to == [people["alice"].email]
    [(name, content, mimetype)] = msg.attachments
    assert (name, mimetype) == ("invite.ics", "text/calendar; method=REQUEST")
    assert "BEGIN:VCALENDAR" in (content.decode() if isinstance(content, bytes) else content)


def test_nothing_is_sent_for_a_booking_that_rolled_back(people, course, django_capture_on_commit_callbacks):
    from training import services

    session = make_session(course)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.booking_create(actor=people["alice"].user, session=session, employee=people["alice"])
    # The transaction never commits: its callbacks are dropped, and no email was sent before commit.
    assert callbacks and mail.outbox == []
