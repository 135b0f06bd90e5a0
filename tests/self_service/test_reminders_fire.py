"""Reminders and escalation that reach someone (issue 11 item 6, issue 14 item 5): HR and Payroll
queues are reminded and escalated too; a request whose approver has left moves on; acting managers
are told and reminded; links are absolute; a reminder counts as sent only once the mail server
took it."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.mail import MAIL_RETRY_WINDOW
from people.models import AuditEntry
from self_service import services
from self_service.models import Delegation, Request

pytestmark = pytest.mark.django_db
S = Request.Status
FRIDAY = dt.date(2026, 12, 18)  # then Mon 21 .. Thu 24 are working days; 25 and 28 Dec bank holidays


def _waiting_since(r, day):
    Request.objects.filter(pk=r.pk).update(awaiting_since=timezone.make_aware(dt.datetime.combine(day, dt.time(10))))
    r.refresh_from_db()


@pytest.fixture
def home_address_for(rtype):
    def make(employee):
        return services.request_create(
            actor=employee.user, request_type=rtype("home-address"), employee=employee,
            data={"address": "1 High Street", "postcode": "AB1 2CD", "effective_date": "2027-01-04"}, submit=True)

    return make


def test_a_reminder_the_mail_server_refused_is_not_marked_sent_and_goes_next_time(
        people, overtime_for, settings, flaky_smtp, django_capture_on_commit_callbacks):
    settings.SELF_SERVICE_REMINDER_WORKING_DAYS = 3
    r = overtime_for(people["alice"])
    _waiting_since(r, FRIDAY)
    mail.outbox.clear()
    flaky_smtp.failures = 10**6  # down for longer than the mail task's retries
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_reminders_send(today=dt.date(2026, 12, 23)) == 1
    r.refresh_from_db()
    assert r.reminded_at is None and r.reminder_queued_at is not None
    assert not AuditEntry.objects.filter(action="request.reminded").exists()
    # while the mail task could still be retrying, the next run does not queue a second copy
    assert services.approval_reminders_send(today=dt.date(2026, 12, 23)) == 0

    flaky_smtp.failures = 0
    later = timezone.make_aware(dt.datetime(2026, 12, 23, 12)) + MAIL_RETRY_WINDOW + dt.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_reminders_send(today=dt.date(2026, 12, 23), now=later) == 1
    assert [(m.to, m.subject[:9]) for m in mail.outbox] == [([people["manager"].email], "Reminder:")]
    r.refresh_from_db()
    assert r.reminded_at is not None and r.reminder_queued_at is None
    assert AuditEntry.objects.filter(action="request.reminded", object_id=str(r.pk), channel="system").count() == 1


def test_the_hr_queue_is_reminded_then_escalated_to_its_members_managers(
        people, home_address_for, settings, django_capture_on_commit_callbacks, org):
    settings.SELF_SERVICE_REMINDER_WORKING_DAYS = 3
    settings.SELF_SERVICE_ESCALATION_WORKING_DAYS = 5
    from django.contrib.auth.models import Group

    hr_lead = people["head"]
    people["hr"].line_manager = hr_lead
    people["hr"].save(update_fields=["line_manager"])
    people["champion"].user.groups.add(Group.objects.get(name="HR"))  # a second member of the HR queue
    r = home_address_for(people["alice"])
    assert r.current_approver is None and r.current_approver_role == "HR"
    _waiting_since(r, FRIDAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_reminders_send(today=dt.date(2026, 12, 23)) == 1
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        (e.email, "Reminder: a change of home address is waiting in the HR queue")
        for e in (people["hr"], people["champion"]))
    r.refresh_from_db()
    assert r.reminded_at is not None
    assert AuditEntry.objects.filter(action="request.reminded", object_id=str(r.pk)).count() == 1

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_escalations_run(today=dt.date(2026, 12, 29)) == 1
        assert services.approval_escalations_run(today=dt.date(2026, 12, 30)) == 0  # once
    r.refresh_from_db()
    assert r.escalated_at is not None and r.current_approver_role == "HR"
    # the queue, and its members' line managers (the champion's manager is the head too: told once)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([people["hr"].email, people["champion"].email,
                                                           hr_lead.email])
    assert all(m.subject.startswith("Escalated:") for m in mail.outbox)
    assert AuditEntry.objects.filter(action="request.escalated", object_id=str(r.pk)).count() == 1


def test_a_request_whose_approver_left_goes_to_their_manager_at_once(people, overtime_for,
                                                                       django_capture_on_commit_callbacks):
    r = overtime_for(people["alice"])
    people["manager"].is_active = False
    people["manager"].save(update_fields=["is_active"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_escalations_run() == 1
    r.refresh_from_db()
    assert r.current_approver == people["head"]
    assert [m.to for m in mail.outbox] == [[people["head"].email]]
    assert AuditEntry.objects.get(action="request.escalated", object_id=str(r.pk)).note == "The approver has left."


def test_a_request_whose_approver_left_with_no_manager_goes_to_hr(people, overtime_for,
                                                                  django_capture_on_commit_callbacks):
    r = overtime_for(people["dave"])
    assert r.current_approver == people["other_manager"]  # who has no line manager
    people["other_manager"].is_active = False
    people["other_manager"].save(update_fields=["is_active"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_escalations_run() == 1
    r.refresh_from_db()
    assert r.current_approver is None and r.current_approver_role == "HR"
    assert [m.to for m in mail.outbox] == [[people["hr"].email]]
    assert services.request_approve(actor=people["hr"].user, request=r).status == S.APPROVED


def test_emails_carry_absolute_links(people, overtime_for, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://intranet.council.example"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = overtime_for(people["alice"])
    assert f"https://intranet.council.example/self-service/requests/{r.pk}/" in mail.outbox[0].body


def test_the_acting_manager_is_told_of_the_delegation_and_gets_the_reminders(
        people, overtime_for, settings, django_capture_on_commit_callbacks):
    settings.SELF_SERVICE_REMINDER_WORKING_DAYS = 3
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.delegation_create(actor=people["manager"].user, manager=people["manager"],
                                   delegate=people["other_manager"], starts_on=dt.date(2026, 12, 1),
                                   ends_on=dt.date(2027, 1, 31))
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([people["other_manager"].email], f"You are acting manager for {people['manager'].display_name}")]
    assert "/self-service/approvals/" in mail.outbox[0].body

    r = overtime_for(people["alice"])
    _waiting_since(r, FRIDAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_reminders_send(today=dt.date(2026, 12, 23)) == 1
    assert [m.to for m in mail.outbox] == [[people["manager"].email, people["other_manager"].email]]
    # a delegation that has ended no longer brings reminders
    Delegation.objects.update(ends_on=dt.date(2026, 12, 2))
    Request.objects.filter(pk=r.pk).update(reminded_at=None, reminder_queued_at=None)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approval_reminders_send(today=dt.date(2026, 12, 23))
    assert [m.to for m in mail.outbox] == [[people["manager"].email]]
