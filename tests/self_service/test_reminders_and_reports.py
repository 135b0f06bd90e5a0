"""Reminders and escalation (the services the daily Celery task calls), delegations, audit search
and the figures the reporting app reads."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from people.models import AuditEntry
from self_service import selectors, services, tasks
from self_service.models import Channel, Delegation, Request

pytestmark = pytest.mark.django_db
S = Request.Status

# Friday 18 Dec 2026 -> working days after it: Mon 21, Tue 22, Wed 23, Thu 24, (Fri 25 and Mon 28 are
# bank holidays), Tue 29 ...
FRIDAY = dt.date(2026, 12, 18)


def _waiting_since(r, day):
    Request.objects.filter(pk=r.pk).update(
        awaiting_since=timezone.make_aware(dt.datetime.combine(day, dt.time(10))))


def test_reminder_after_n_working_days_then_not_again_until_n_more(people, overtime_for, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.SELF_SERVICE_REMINDER_WORKING_DAYS = 3
    r = overtime_for(people["alice"])
    _waiting_since(r, FRIDAY)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_reminders_send(today=dt.date(2026, 12, 22)) == 0  # 2 working days
        assert services.approval_reminders_send(today=dt.date(2026, 12, 23)) == 1  # 3 working days
    assert [m.to for m in mail.outbox] == [[people["manager"].email]]
    assert mail.outbox[0].subject.startswith("Reminder:")
    Request.objects.filter(pk=r.pk).update(reminded_at=timezone.make_aware(dt.datetime(2026, 12, 23, 9)))
    # 24 Dec, then bank holidays on 25 and 28: only 2 working days since the reminder by 29 Dec
    assert services.approval_reminders_send(today=dt.date(2026, 12, 29)) == 0
    assert services.approval_reminders_send(today=dt.date(2026, 12, 30)) == 1


def test_escalation_moves_to_the_managers_manager(people, overtime_for, settings, django_capture_on_commit_callbacks):
    settings.SELF_SERVICE_ESCALATION_WORKING_DAYS = 5
    r = overtime_for(people["alice"])
    _waiting_since(r, FRIDAY)
    # 21-24 Dec are 4 working days; 25 and 28 Dec are bank holidays; 29 Dec is the 5th.
    assert services.approval_escalations_run(today=dt.date(2026, 12, 28)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.approval_escalations_run(today=dt.date(2026, 12, 29)) == 1
    r.refresh_from_db()
    assert r.current_approver == people["head"] and r.escalated_at is not None
    entry = AuditEntry.objects.get(action="request.escalated", object_id=str(r.pk))
    assert entry.channel == "system" and entry.changes["current_approver"][1] == str(people["head"])
    assert mail.outbox[0].to == [people["head"].email] and mail.outbox[0].subject.startswith("Escalated")
    # the manager can no longer decide; the head can
    with pytest.raises(PermissionDenied):
        services.request_approve(actor=people["manager"].user, request=r)
    assert services.request_approve(actor=people["head"].user, request=r).status == S.APPROVED


def test_escalation_never_goes_to_the_employee(people, overtime_for, settings):
    settings.SELF_SERVICE_ESCALATION_WORKING_DAYS = 1
    r = overtime_for(people["dave"])  # other_manager has no manager: nowhere to escalate
    _waiting_since(r, FRIDAY)
    assert services.approval_escalations_run(today=dt.date(2027, 1, 8)) == 0
    r.refresh_from_db()
    assert r.current_approver == people["other_manager"]


def test_daily_task_runs_both(people, overtime_for, settings):
    settings.SELF_SERVICE_ESCALATION_WORKING_DAYS = 1
    r = overtime_for(people["alice"])
    _waiting_since(r, timezone.localdate() - dt.timedelta(days=10))
    result = tasks.approval_reminders_and_escalations.delay().get()
    assert result["escalated"] == 1


def test_delegations_are_made_by_the_manager_with_sensible_dates(people):
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.delegation_create(actor=people["bob"].user, manager=people["manager"], delegate=people["bob"],
                                   starts_on=today, ends_on=today)
    with pytest.raises(ValidationError):
        services.delegation_create(actor=people["manager"].user, manager=people["manager"],
                                   delegate=people["manager"], starts_on=today, ends_on=today)
    with pytest.raises(ValidationError):
        services.delegation_create(actor=people["manager"].user, manager=people["manager"], delegate=people["bob"],
                                   starts_on=today, ends_on=today - dt.timedelta(days=1))
    d = services.delegation_create(actor=people["manager"].user, manager=people["manager"], delegate=people["bob"],
                                   starts_on=today - dt.timedelta(days=2), ends_on=today + dt.timedelta(days=2))
    services.delegation_end(actor=people["manager"].user, delegation=d)
    d.refresh_from_db()
    assert d.ends_on == today - dt.timedelta(days=1)
    assert AuditEntry.objects.filter(action__startswith="delegation.", subject=people["manager"]).count() == 2


def test_acting_manager_sees_the_managers_team_requests_in_their_queue(people, overtime_for, login):
    today = timezone.localdate()
    r = overtime_for(people["bob"])
    client = login(people["other_manager"])
    assert client.get(reverse("self_service:detail", args=[r.pk])).status_code == 404
    Delegation.objects.create(manager=people["manager"], delegate=people["other_manager"], starts_on=today,
                              ends_on=today, created_by=people["manager"].user)
    assert r.reference in client.get(reverse("self_service:approvals")).content.decode()
    assert client.get(reverse("self_service:detail", args=[r.pk])).status_code == 200


def test_employee_sees_own_history_and_hr_searches_everyones(people, overtime_for, login):
    r = overtime_for(people["alice"])
    services.request_approve(actor=people["manager"].user, request=r)
    mine = login(people["alice"]).get(reverse("self_service:my_history")).content.decode()
    assert "request.approved" in mine
    bobs = login(people["bob"]).get(reverse("self_service:my_history")).content.decode()
    assert "request.approved" not in bobs
    found = login(people["hr"]).get(reverse("self_service:audit"), {"q": people["alice"].last_name,
                                                                    "action": "request."}).content.decode()
    assert "request.approved" in found and "request.submitted" in found
    assert login(people["alice"]).get(reverse("self_service:audit")).status_code == 403


def test_requests_by_channel_and_kpis_for_reporting(people, overtime_for, rtype, org):
    overtime_for(people["alice"])
    r = overtime_for(people["bob"])
    services.request_create(actor=people["champion"].user, request_type=rtype("emergency-contacts"),
                            employee=people["carol"], channel=Channel.PAPER, submit=True,
                            data={"contact_name": "P", "relationship": "Son", "contact_phone": "01632 960002"})
    overtime_for(people["dave"], submit=False)  # drafts do not count
    overtime_for(people["dave"])
    assert selectors.requests_by_channel() == {"online": 3, "assisted": 0, "paper": 1}
    assert selectors.requests_by_channel([org["social"]]) == {"online": 2, "assisted": 0, "paper": 1}
    assert selectors.requests_by_channel([org["highways"]], start=timezone.localdate())["online"] == 1
    services.request_approve(actor=people["manager"].user, request=r)
    Request.objects.filter(pk=r.pk).update(status=S.PROCESSED, rating=4)
    kpis = selectors.request_kpis()
    assert kpis["submitted"] == 4 and kpis["processed"] == 1 and kpis["completion_rate"] == 0.25
    assert kpis["satisfaction"] == 4 and kpis["online_share"] == 0.75


def test_rating_on_close_only_by_the_employee(people, overtime_for):
    r = overtime_for(people["alice"])
    r = services.request_reject(actor=people["manager"].user, request=r, comment="Not pre-agreed")
    with pytest.raises(PermissionDenied):
        services.rating_record(actor=people["manager"].user, request=r, rating=5)
    assert services.rating_record(actor=people["alice"].user, request=r, rating=2).rating == 2


def test_demo_seeder_is_fast_and_deterministic(people):
    import io
    import random

    from self_service import demo

    demo.seed(rng=random.Random(1), staff_count=20, stdout=io.StringIO())
    first = sorted(Request.objects.values_list("employee_id", "type__code", "status", "channel"))
    assert first and len({c for *_, c in first}) >= 2
    assert selectors.my_payslips(people["alice"].user).count() == 2
