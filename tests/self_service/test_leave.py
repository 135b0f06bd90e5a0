"""Annual leave: working days, bank holidays, half days, pro-rata, overlaps and balances."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from self_service import selectors, services
from self_service.models import LeaveEntitlement

from .conftest import MONDAY

pytestmark = pytest.mark.django_db


def test_leave_days_skip_weekends_and_england_bank_holidays():
    # Christmas 2026: Fri 25 and Mon 28 (Boxing Day substitute) are bank holidays.
    assert services.leave_days(dt.date(2026, 12, 21), dt.date(2026, 12, 31)) == Decimal("7")
    # Easter 2027: Good Friday 26 March, Easter Monday 29 March.
    assert services.leave_days(dt.date(2027, 3, 22), dt.date(2027, 4, 2)) == Decimal("8")
    assert services.leave_days(MONDAY, MONDAY + dt.timedelta(days=4), start_half_day=True, end_half_day=True) == Decimal("4")
    assert services.leave_days(MONDAY, MONDAY, start_half_day=True) == Decimal("0.5")


def test_part_time_entitlement_is_pro_rata_rounded_up_to_a_half_day(people):
    ent = LeaveEntitlement.objects.create(employee=people["bob"], year=2027, full_time_days=Decimal("27"),
                                          fte=Decimal("0.6"), carried_over=Decimal("2"))
    assert ent.total_days == Decimal("18.5")  # 16.2 -> 16.5, + 2 carried over


def test_balance_follows_submission_approval_rejection_and_withdrawal(people, leave_for):
    alice, manager = people["alice"], people["manager"]
    LeaveEntitlement.objects.create(employee=alice, year=2027, full_time_days=Decimal("10"))
    bal = lambda: selectors.leave_balance(alice, 2027)  # noqa: E731
    week = leave_for(alice, MONDAY, MONDAY + dt.timedelta(days=4))
    assert (bal()["pending"], bal()["taken"], bal()["remaining"]) == (5, 0, 5)
    services.request_approve(actor=manager.user, request=week)
    assert (bal()["pending"], bal()["taken"], bal()["remaining"]) == (0, 5, 5)
    two = leave_for(alice, MONDAY + dt.timedelta(days=7), MONDAY + dt.timedelta(days=8))
    assert bal()["remaining"] == 3
    services.request_reject(actor=manager.user, request=two, comment="Team short that week")
    assert bal()["remaining"] == 5
    half = leave_for(alice, MONDAY + dt.timedelta(days=14), start_half=True)
    assert bal()["remaining"] == Decimal("4.5")
    services.request_withdraw(actor=alice.user, request=half)
    assert bal()["remaining"] == 5


def test_leave_over_the_balance_is_refused_with_the_numbers(people, leave_for):
    LeaveEntitlement.objects.create(employee=people["bob"], year=2027, full_time_days=Decimal("3"))
    with pytest.raises(ValidationError) as exc:
        leave_for(people["bob"], MONDAY, MONDAY + dt.timedelta(days=4))
    assert exc.value.message_dict["end_date"] == ["This leave is 5 days but you have 3 days left for 2027."]


def test_overlapping_leave_is_refused(people, leave_for):
    first = leave_for(people["bob"], MONDAY, MONDAY + dt.timedelta(days=2))
    with pytest.raises(ValidationError) as exc:
        leave_for(people["bob"], MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=3))
    assert first.reference in exc.value.message_dict["start_date"][0]
    # once withdrawn the days are free again
    services.request_withdraw(actor=people["bob"].user, request=first)
    leave_for(people["bob"], MONDAY + dt.timedelta(days=2), MONDAY + dt.timedelta(days=3))


@pytest.mark.parametrize(("start", "end", "field"), [
    (dt.date(2027, 3, 6), dt.date(2027, 3, 7), "start_date"),      # a weekend
    (dt.date(2027, 3, 26), dt.date(2027, 3, 26), "start_date"),    # Good Friday
    (dt.date(2027, 3, 25), dt.date(2027, 3, 29), "end_date"),      # ends on Easter Monday
    (dt.date(2027, 3, 5), dt.date(2027, 3, 1), "end_date"),        # back to front
    (dt.date(2027, 12, 30), dt.date(2028, 1, 4), "end_date"),      # spans two leave years
])
def test_leave_on_non_working_days_is_refused_naming_the_field(people, leave_for, start, end, field):
    with pytest.raises(ValidationError) as exc:
        leave_for(people["bob"], start, end)
    assert field in exc.value.message_dict


def test_balance_is_rechecked_on_resubmission(people, leave_for):
    bob, manager = people["bob"], people["manager"]
    ent = LeaveEntitlement.objects.create(employee=bob, year=2027, full_time_days=Decimal("5"))
    r = leave_for(bob, MONDAY, MONDAY + dt.timedelta(days=2))
    services.request_return(actor=manager.user, request=r, comment="Can you move it a week?")
    ent.full_time_days = Decimal("2")  # HR corrects the entitlement meanwhile
    ent.save()
    with pytest.raises(ValidationError, match="3 days but you have 2 days"):
        services.request_submit(actor=bob.user, request=r)
