"""Payroll manage pay periods on a page, not only in the Django admin (issue 11 item 5): list,
create, change while open, close once paid; bad dates are refused naming the field; each write is
audited; nobody outside payroll gets in."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from people.models import AuditEntry
from self_service import services
from self_service.models import PayPeriod

pytestmark = pytest.mark.django_db

JANUARY = {"code": "2027-01", "name": "January 2027", "starts_on": "2027-01-01", "ends_on": "2027-01-31",
           "cutoff_on": "2027-01-15", "pay_date": "2027-01-28"}


@pytest.mark.parametrize("who", ["alice", "manager", "hr", "director", "champion"])
def test_only_payroll_opens_the_pay_periods_page(people, login, who):
    client = login(people[who])
    assert client.get(reverse("self_service:pay_periods")).status_code == 403
    assert client.post(reverse("self_service:pay_period_add"), JANUARY).status_code == 403
    assert not PayPeriod.objects.exists()


def test_payroll_adds_changes_and_closes_a_period(people, login):
    client = login(people["payroll"])
    resp = client.post(reverse("self_service:pay_period_add"), JANUARY)
    assert resp.status_code == 302
    period = PayPeriod.objects.get(code="2027-01")
    assert "January 2027" in client.get(reverse("self_service:pay_periods")).content.decode()
    saved = AuditEntry.objects.get(action="pay_period.saved", object_id=str(period.pk))
    assert saved.actor == people["payroll"].user and saved.changes["cutoff_on"] == [None, "2027-01-15"]

    assert client.post(reverse("self_service:pay_period_edit", args=[period.pk]),
                       {**JANUARY, "cutoff_on": "2027-01-18"}).status_code == 302
    period.refresh_from_db()
    assert period.cutoff_on == dt.date(2027, 1, 18)
    assert AuditEntry.objects.filter(action="pay_period.saved", object_id=str(period.pk)).latest("id").changes == {
        "cutoff_on": ["2027-01-15", "2027-01-18"]}

    assert client.post(reverse("self_service:pay_period_close", args=[period.pk])).status_code == 302
    period.refresh_from_db()
    assert period.is_closed and period.closed_by == people["payroll"].user
    assert AuditEntry.objects.filter(action="pay_period.closed", object_id=str(period.pk)).exists()
    # closed: no more changes, and it is no longer offered for imports and exports
    client.post(reverse("self_service:pay_period_edit", args=[period.pk]), {**JANUARY, "name": "Renamed"})
    period.refresh_from_db()
    assert period.name == "January 2027"
    offered = client.get(reverse("self_service:payroll_import")).context["form"].fields["period"].queryset
    assert period not in offered


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"ends_on": "2026-12-31"}, "ends_on", "The end date must be the same as or after the start date."),
    ({"cutoff_on": "2027-02-03"}, "cutoff_on", "The cut-off date must fall within the period."),
    ({"pay_date": "2027-01-10"}, "pay_date", "The pay date must be on or after the cut-off date."),
    ({"starts_on": "not a date"}, "starts_on", "Enter a valid date."),
])
def test_bad_dates_are_refused_naming_the_field(people, login, change, field, message):
    resp = login(people["payroll"]).post(reverse("self_service:pay_period_add"), {**JANUARY, **change})
    assert resp.status_code == 200
    assert message in resp.context["form"].errors[field]
    assert not PayPeriod.objects.exists()


def test_an_overlapping_period_or_a_repeated_code_is_refused(people, login):
    client = login(people["payroll"])
    client.post(reverse("self_service:pay_period_add"), JANUARY)
    resp = client.post(reverse("self_service:pay_period_add"), {**JANUARY, "code": "2027-01b", "name": "Overlap",
                                                                "starts_on": "2027-01-20", "ends_on": "2027-02-19",
                                                                "cutoff_on": "2027-02-05", "pay_date": "2027-02-15"})
    assert "overlap January 2027" in " ".join(resp.context["form"].errors["starts_on"])
    resp = client.post(reverse("self_service:pay_period_add"), {**JANUARY, "starts_on": "2027-03-01",
                                                                "ends_on": "2027-03-31", "cutoff_on": "2027-03-15",
                                                                "pay_date": "2027-03-28"})
    assert resp.context["form"].errors["code"]
    assert PayPeriod.objects.count() == 1


def test_a_period_with_changes_waiting_for_its_export_cannot_be_closed(people, login, overtime_for, period):
    r = overtime_for(people["alice"])
    services.request_approve(actor=people["manager"].user, request=r)
    resp = login(people["payroll"]).post(reverse("self_service:pay_period_close", args=[period.pk]), follow=True)
    assert "1 approved change is still waiting for Period 1's export" in html.unescape(resp.content.decode())
    period.refresh_from_db()
    assert not period.is_closed
    services.payroll_export(actor=people["payroll"].user, period=period)
    services.pay_period_close(actor=people["payroll"].user, period=period)
    period.refresh_from_db()
    assert period.is_closed
