"""Part-time working patterns: only the days someone works are charged as leave, and entitlement
follows the pattern."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from people.models import AuditEntry
from self_service import selectors, services
from self_service.models import LeaveEntitlement, WorkingPattern

from .conftest import MONDAY

pytestmark = pytest.mark.django_db

MON_TUE_WED = [0, 1, 2]
# Spring bank holiday 2027: Monday 31 May.
BANK_HOLIDAY_MONDAY = dt.date(2027, 5, 31)


@pytest.fixture
def mon_to_wed(people):
    """Bob works Monday to Wednesday, set by HR."""
    return services.working_pattern_set(actor=people["hr"].user, employee=people["bob"], weekdays=MON_TUE_WED)


def test_a_monday_to_wednesday_worker_booking_a_full_week_is_charged_three_days(people, leave_for, mon_to_wed):
    # A full calendar week off, Wednesday to the next Tuesday (a request starts and ends on days
    # worked): Thursday, Friday and the weekend are not charged, Wednesday, Monday and Tuesday are.
    week = leave_for(people["bob"], MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=8))
    assert week.days == Decimal("3")
    assert selectors.leave_balance(people["bob"], 2027)["pending"] == Decimal("3")
    # Monday to Wednesday of the following week: 3 + 3, not 5 + 3.
    two = leave_for(people["bob"], MONDAY + dt.timedelta(days=14), MONDAY + dt.timedelta(days=23))
    assert two.days == Decimal("6")


def test_a_bank_holiday_monday_on_a_working_day_is_not_charged(people, leave_for, mon_to_wed):
    # Wednesday 26 May to Wednesday 2 June: Wed 26, (Mon 31 is a bank holiday), Tue 1, Wed 2.
    week = leave_for(people["bob"], BANK_HOLIDAY_MONDAY - dt.timedelta(days=5), BANK_HOLIDAY_MONDAY + dt.timedelta(days=2))
    assert week.days == Decimal("3")
    assert services.leave_days(dt.date(2027, 5, 28), dt.date(2027, 6, 4),
                               weekdays=frozenset(MON_TUE_WED)) == Decimal("2")


def test_starting_leave_on_a_non_working_day_is_refused_with_the_message(people, leave_for, mon_to_wed):
    with pytest.raises(ValidationError) as exc:
        leave_for(people["bob"], MONDAY + dt.timedelta(days=3), MONDAY + dt.timedelta(days=7))
    assert exc.value.message_dict["start_date"] == [
        "The first day of leave (Thursday 4 March 2027) is not a working day in this working pattern "
        "(Monday, Tuesday, Wednesday). Start and end your leave on days that are worked."
    ]
    assert not selectors.leave_balance(people["bob"], 2027)["pending"]


def test_ending_leave_on_a_non_working_weekday_is_refused(people, leave_for, mon_to_wed):
    with pytest.raises(ValidationError) as exc:
        leave_for(people["bob"], MONDAY, MONDAY + dt.timedelta(days=3))
    assert "The last day of leave (Thursday 4 March 2027) is not a working day" in exc.value.message_dict["end_date"][0]


def test_a_weekend_worker_can_book_a_saturday(people, leave_for):
    services.working_pattern_set(actor=people["hr"].user, employee=people["bob"], weekdays=["saturday", "sunday"])
    sat = MONDAY + dt.timedelta(days=5)
    assert leave_for(people["bob"], sat, sat + dt.timedelta(days=1)).days == Decimal("2")
    with pytest.raises(ValidationError) as exc:
        leave_for(people["bob"], MONDAY)
    assert "(Saturday, Sunday)" in exc.value.message_dict["start_date"][0]


def test_default_pattern_charges_monday_to_friday_as_before(people, leave_for):
    assert not WorkingPattern.objects.exists()
    assert leave_for(people["bob"], MONDAY, MONDAY + dt.timedelta(days=4)).days == Decimal("5")
    with pytest.raises(ValidationError) as exc:
        leave_for(people["bob"], MONDAY + dt.timedelta(days=5))
    assert exc.value.message_dict["start_date"] == [
        "The first day of leave is a weekend or a bank holiday. Start and end your leave on working days."]
    # An explicit Monday to Friday pattern is the same as none.
    services.working_pattern_set(actor=people["hr"].user, employee=people["alice"], weekdays=range(5))
    assert leave_for(people["alice"], MONDAY, MONDAY + dt.timedelta(days=4)).days == Decimal("5")
    assert selectors.leave_balance(people["alice"], 2027)["fte"] == Decimal("1")


def test_entitlement_follows_the_pattern(people, settings):
    settings.SELF_SERVICE_DEFAULT_LEAVE_DAYS = 27
    bob = people["bob"]
    this_year = LeaveEntitlement.objects.create(employee=bob, year=2027, full_time_days=Decimal("27"))
    hr_set = LeaveEntitlement.objects.create(employee=bob, year=2028, full_time_days=Decimal("27"),
                                             fte=Decimal("0.5"))
    services.working_pattern_set(actor=people["hr"].user, employee=bob, weekdays=MON_TUE_WED)
    this_year.refresh_from_db()
    hr_set.refresh_from_db()
    assert this_year.fte == Decimal("0.6") and this_year.total_days == Decimal("16.5")  # 16.2 rounded up
    assert hr_set.fte == Decimal("0.5")  # HR chose it deliberately (shorter days): left alone
    # No stored entitlement: the default is pro-rated by the pattern too.
    assert selectors.leave_balance(bob, 2029)["entitlement"] == Decimal("16.5")
    assert selectors.leave_balance(people["alice"], 2029)["entitlement"] == Decimal("27")


def test_setting_a_pattern_is_hr_only_audited_and_validated(people):
    with pytest.raises(PermissionDenied):
        services.working_pattern_set(actor=people["manager"].user, employee=people["bob"], weekdays=MON_TUE_WED)
    with pytest.raises(ValidationError) as exc:
        services.working_pattern_set(actor=people["hr"].user, employee=people["bob"], weekdays=[])
    assert "weekdays" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.working_pattern_set(actor=people["hr"].user, employee=people["bob"], weekdays=[0],
                                     hours_per_day="lots")
    assert "hours_per_day" in exc.value.message_dict
    assert not WorkingPattern.objects.exists()
    services.working_pattern_set(actor=people["hr"].user, employee=people["bob"], weekdays=MON_TUE_WED,
                                 hours_per_day="7.5")
    entry = AuditEntry.objects.get(action="working_pattern.saved")
    assert entry.subject == people["bob"] and entry.actor == people["hr"].user
    assert entry.changes["thursday"] == [True, False] and entry.changes["hours_per_day"] == [None, "7.5"]


def test_hr_sets_a_pattern_on_the_hr_page_with_an_audit_entry(people, login):
    url = reverse("self_service:working_patterns")
    assert login(people["manager"]).get(url).status_code == 403
    client = login(people["hr"])
    resp = client.post(url, {"employee": people["bob"].pk, "hours_per_day": ""})
    assert resp.status_code == 200 and "Select at least one day that they work." in resp.content.decode()
    resp = client.post(url, {"employee": people["bob"].pk, "weekdays": ["0", "1", "2"], "hours_per_day": "7.4"},
                       follow=True)
    page = resp.content.decode()
    assert "Working pattern saved for" in page and "Monday, Tuesday, Wednesday" in page
    assert WorkingPattern.objects.get(employee=people["bob"]).weekdays == frozenset(MON_TUE_WED)
    assert AuditEntry.objects.filter(action="working_pattern.saved", subject=people["bob"]).count() == 1


def test_intranet_admin_sets_a_pattern_in_the_admin_with_an_audit_entry(people, login):
    from django.contrib.auth.models import Permission

    people["admin"].user.user_permissions.add(*Permission.objects.filter(codename__endswith="_workingpattern"))
    client = login(people["admin"])
    resp = client.post(reverse("admin:self_service_workingpattern_add"), {
        "employee": people["bob"].pk, "monday": "on", "tuesday": "on", "wednesday": "on", "hours_per_day": "",
    })
    assert resp.status_code == 302
    assert WorkingPattern.objects.get(employee=people["bob"]).weekdays == frozenset(MON_TUE_WED)
    entry = AuditEntry.objects.get(action="working_pattern.saved", subject=people["bob"])
    assert entry.actor == people["admin"].user
