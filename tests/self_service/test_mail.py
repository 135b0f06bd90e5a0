"""Emails go through core.mail: an SMTP outage while telling someone about a request is retried by
the task and never undoes or breaks the change that caused it."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from self_service.models import Request

pytestmark = pytest.mark.django_db






def _send_overtime(people, login):
    draft = login(people["alice"]).post(reverse("self_service:new_request", args=["overtime"]), {
        "date": "2027-02-01", "hours": "2", "reason": "Winter gritting"})
    assert draft.status_code == 302
    r = Request.objects.get()
    return r, login(people["alice"]).post(reverse("self_service:transition", args=[r.pk, "submit"]))


def test_an_smtp_error_telling_the_approver_is_retried_and_the_request_stays_sent(
        people, login, flaky_smtp, django_capture_on_commit_callbacks):
    flaky_smtp.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        r, resp = _send_overtime(people, login)
    assert resp.status_code == 302
    assert flaky_smtp.attempts == 3  # two refusals, then the retry got through
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([people["manager"].email], "A request is waiting for your approval")]
    r.refresh_from_db()
    assert r.status == Request.Status.SUBMITTED and r.current_approver == people["manager"]


def test_mail_that_never_goes_is_logged_and_the_request_is_still_sent(
        people, login, flaky_smtp, django_capture_on_commit_callbacks, caplog):
    flaky_smtp.failures = 1000
    with caplog.at_level(logging.WARNING, logger="core.mail"), django_capture_on_commit_callbacks(execute=True):
        r, resp = _send_overtime(people, login)
    assert resp.status_code == 302  # not a server error
    assert mail.outbox == []
    assert "A request is waiting for your approval" in caplog.text and people["manager"].email in caplog.text
    r.refresh_from_db()
    assert r.status == Request.Status.SUBMITTED


def test_self_service_sends_no_mail_of_its_own():
    """Every email goes through core.mail (queued, retried): none sent directly from self-service."""
    from pathlib import Path

    import self_service

    offenders = [str(p) for p in Path(self_service.__file__).parent.rglob("*.py")
                 if "send_mail" in p.read_text() or ".send(" in p.read_text()]
    assert offenders == []
