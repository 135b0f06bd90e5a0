"""One mail path: mail_on_commit queues to the retrying core.mail_send task."""


import pytest
from celery import shared_task
from django.core import mail

from core.mail import after_sent, mail_each_on_commit, mail_on_commit

pytestmark = pytest.mark.django_db






def test_mail_waits_for_commit_and_is_not_sent_for_a_rollback(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail_on_commit(subject="Hello", body="Body", to=["a@council.example"])
    assert mail.outbox == []  # nothing until the transaction commits
    for cb in callbacks:
        cb()
    assert [m.subject for m in mail.outbox] == ["Hello"]


def test_smtp_failure_is_retried_until_the_server_accepts(flaky_smtp, django_capture_on_commit_callbacks):
    flaky_smtp.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        mail_on_commit(subject="Your place is confirmed", body="See you there", to=["a@council.example"],
                       attachments=[("invite.ics", "BEGIN:VCALENDAR", "text/calendar"),
                                    ("report.pdf", b"%PDF-1.4\x00\xff", "application/pdf")])
    assert flaky_smtp.attempts == 3
    [msg] = mail.outbox
    assert msg.to == ["a@council.example"]
    assert [(name, content) for name, content, _ in msg.attachments] == [
        ("invite.ics", "BEGIN:VCALENDAR"), ("report.pdf", b"%PDF-1.4\x00\xff")]


def test_mail_that_never_goes_is_logged_not_raised(flaky_smtp, django_capture_on_commit_callbacks, caplog):
    flaky_smtp.failures = 100
    with django_capture_on_commit_callbacks(execute=True):
        mail_on_commit(subject="Reminder", body="x", to=["a@council.example"])  # must not raise
    assert mail.outbox == []
    assert "Reminder" in caplog.text and "a@council.example" in caplog.text


def test_each_message_is_its_own_email_and_empty_addresses_are_dropped(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail_each_on_commit([("One", "1", ["a@council.example", ""]), ("Two", "2", [""])])
    assert [(m.subject, m.to) for m in mail.outbox] == [("One", ["a@council.example"])]


NOTED: list = []


@shared_task(name="tests.core.mail_noted")
def mail_noted(what):
    NOTED.append(what)


@shared_task(name="tests.core.mail_hook_breaks")
def mail_hook_breaks(what):
    raise RuntimeError("hook broke")


@pytest.fixture
def noted():
    NOTED.clear()
    return NOTED


def test_on_sent_runs_once_the_server_accepts(flaky_smtp, noted, django_capture_on_commit_callbacks):
    flaky_smtp.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        mail_on_commit(subject="Reminder", body="x", to=["a@council.example"],
                       on_sent=after_sent("tests.core.mail_noted", "reminder 7"))
        assert noted == []  # not at queue time
    assert flaky_smtp.attempts == 3 and len(mail.outbox) == 1
    assert noted == ["reminder 7"]


def test_on_sent_never_runs_for_a_mail_that_never_goes(flaky_smtp, noted, django_capture_on_commit_callbacks):
    flaky_smtp.failures = 100
    with django_capture_on_commit_callbacks(execute=True):
        mail_each_on_commit([("Reminder", "x", ["a@council.example"], after_sent("tests.core.mail_noted", 1))])
    assert mail.outbox == [] and noted == []


def test_a_failing_on_sent_is_logged_and_the_mail_is_not_sent_again(django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        mail_on_commit(subject="Reminder", body="x", to=["a@council.example"],
                       on_sent=after_sent("tests.core.mail_hook_breaks", 1))
    assert len(mail.outbox) == 1
    assert "was sent but its on_sent hook tests.core.mail_hook_breaks failed" in caplog.text


def test_an_unknown_on_sent_task_is_logged(django_capture_on_commit_callbacks, caplog):
    with django_capture_on_commit_callbacks(execute=True):
        mail_on_commit(subject="Reminder", body="x", to=["a@council.example"], on_sent=after_sent("no.such_task", 1))
    assert len(mail.outbox) == 1 and "its on_sent hook no.such_task failed" in caplog.text
