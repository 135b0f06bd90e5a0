"""The assessment and evidence state machines are core.states tables; campaign reminders take the
one mail path, so an SMTP hiccup is retried rather than swallowed."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from core.errors import IllegalTransition
from core.states import TransitionTable
from skills_matrix import services
from skills_matrix.models import Assessment, Evidence
from skills_matrix.states import ASSESSMENT, EVIDENCE

from .factories import make_campaign

A, E = Assessment.Status, Evidence.Status


def test_assessment_table_owns_the_moves_and_their_sentences():
    assert isinstance(ASSESSMENT, TransitionTable) and isinstance(EVIDENCE, TransitionTable)
    assert ASSESSMENT.graph == {A.DRAFT: {A.DRAFT, A.SUBMITTED}, A.SUBMITTED: {A.VALIDATED}, A.VALIDATED: set()}
    assert ASSESSMENT.actions_from(A.DRAFT) == ["save", "submit"]
    with pytest.raises(IllegalTransition, match="already been submitted"):
        ASSESSMENT.check(A.SUBMITTED, "submit")
    with pytest.raises(IllegalTransition, match="can no longer be changed"):
        ASSESSMENT.check(A.VALIDATED, "save")
    with pytest.raises(IllegalTransition, match="Only a submitted self-assessment"):
        ASSESSMENT.check(A.DRAFT, "validate")
    assert EVIDENCE.check(E.PENDING, "reject") == E.REJECTED
    with pytest.raises(IllegalTransition, match="already been decided"):
        EVIDENCE.check(E.ACCEPTED, "accept")


class FlakySMTP(EmailBackend):
    attempts = 0

    def send_messages(self, messages):
        type(self).attempts += 1
        if type(self).attempts == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_campaign_reminder_is_retried_not_dropped_when_the_mail_server_hiccups(
    people, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.FlakySMTP"
    FlakySMTP.attempts = 0
    campaign = make_campaign()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.campaign_send_reminders(campaign_id=campaign.pk)
    # The first send failed and was retried; every person covered still gets their own email
    # (it used to be dropped by fail_silently).
    assert sent > 0 and len(mail.outbox) == sent
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert people["bob"].email in {m.to[0] for m in mail.outbox}


def test_a_campaign_reminder_that_never_went_is_sent_by_the_next_run(people, flaky_smtp,
                                                                      django_capture_on_commit_callbacks):
    """Only a reminder the server accepted counts: after an outage that outlasted the retries, the
    next daily run sends it rather than waiting for the reminder interval."""
    from skills_matrix.models import CampaignReminder

    flaky_smtp.failures = 10**6  # down for longer than the retries
    campaign = make_campaign()
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.campaign_send_reminders(campaign_id=campaign.pk)
    assert queued > 0 and mail.outbox == [] and not CampaignReminder.objects.exists()

    flaky_smtp.failures = 0
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_send_reminders(campaign_id=campaign.pk, today=tomorrow) == queued
    assert len(mail.outbox) == queued and CampaignReminder.objects.filter(campaign=campaign).count() == queued
    # and then not again until the interval has passed
    with django_capture_on_commit_callbacks(execute=True):
        assert services.campaign_send_reminders(campaign_id=campaign.pk, today=tomorrow) == 0



def test_assessments_and_evidence_whose_manager_has_left_wait_for_hr(people):
    from skills_matrix import selectors
    from tests.skills_matrix.factories import make_area, make_skill, submitted_assessment

    skill = make_skill(make_area("Queue area"), "Queue skill")
    assessment = submitted_assessment(people["bob"], make_campaign(), {skill: 2})
    services.evidence_record(employee=people["bob"], skill=skill, level=2, source="training", source_ref="t:1",
                             actor=None)
    hr = people["hr"].user
    assert assessment not in selectors.assessments_to_validate(hr)  # bob's manager is in post
    people["manager"].is_active = False
    people["manager"].save(update_fields=["is_active"])
    assert assessment in selectors.assessments_to_validate(hr)
    assert [e.employee for e in selectors.evidence_to_validate(hr)] == [people["bob"]]
    assert assessment not in selectors.assessments_to_validate(people["alice"].user)
