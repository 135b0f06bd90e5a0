"""Annual leave: working days charged for a booking, and the checks a booking must pass."""

import calendar
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError

from people.models import Employee

from .. import selectors
from ..models import Request
from ..workdays import MONDAY_TO_FRIDAY, is_working_day, working_days_in


def leave_days(start: dt.date, end: dt.date, *, start_half_day=False, end_half_day=False,
               weekdays: frozenset[int] = MONDAY_TO_FRIDAY) -> Decimal:
    """Working days of leave between two dates inclusive, less half days. Only the `weekdays` the
    person works count (Monday to Friday unless their working pattern says otherwise), less England
    bank holidays that fall on them."""
    days = working_days_in(start, end, weekdays)
    total = Decimal(len(days))
    if start_half_day and days and days[0] == start:
        total -= Decimal("0.5")
    if end_half_day and days and days[-1] == end and not (start == end and start_half_day):
        total -= Decimal("0.5")
    return total


def _n(days: Decimal) -> str:
    return f"{days.normalize():f}"


def _not_working_day_message(which: str, day: dt.date, weekdays: frozenset[int]) -> str:
    if weekdays == MONDAY_TO_FRIDAY or day.weekday() in weekdays:
        return (f"The {which} day of leave is a weekend or a bank holiday. "
                "Start and end your leave on working days.")
    worked = ", ".join(calendar.day_name[d] for d in sorted(weekdays))
    return (f"The {which} day of leave ({day:%A %-d %B %Y}) is not a working day in this working pattern "
            f"({worked}). Start and end your leave on days that are worked.")


def leave_apply(request: Request, data: dict) -> None:
    """Check a leave booking and copy its dates onto the request's columns. Raises ValidationError
    naming the field when the dates overlap other leave, exceed the balance or are not working days."""
    start = dt.date.fromisoformat(data["start_date"])
    end = dt.date.fromisoformat(data["end_date"])
    start_half, end_half = bool(data.get("start_half_day")), bool(data.get("end_half_day"))
    if end < start:
        raise ValidationError({"end_date": "The last day of leave must be the same as or after the first day."})
    if start.year != end.year:
        raise ValidationError({"end_date": f"Leave must end in the leave year it starts in ({start.year}). "
                                           "Book the days after 31 December as a second request."})
    if start == end and start_half and end_half:
        raise ValidationError({"end_half_day": "For a half day on one date, choose morning or afternoon, not both."})
    weekdays = selectors.working_weekdays(request.employee)
    for which, field, day in (("first", "start_date", start), ("last", "end_date", end)):
        if not is_working_day(day, weekdays):
            raise ValidationError({field: _not_working_day_message(which, day, weekdays)})
    days = leave_days(start, end, start_half_day=start_half, end_half_day=end_half, weekdays=weekdays)
    # Serialise leave bookings per employee (row lock until the caller's transaction ends), so two
    # requests sent at once cannot both fit into the same remaining balance.
    list(Employee.objects.select_for_update().filter(pk=request.employee_id).values_list("pk", flat=True))
    if days <= 0:
        raise ValidationError({"start_date": "These dates are all weekends or bank holidays. Choose working days."})
    clash = selectors.overlapping_leave(request.employee, start, end, exclude_request_id=request.pk).first()
    if clash is not None:
        raise ValidationError({"start_date": f"You already have leave from {clash.start_date:%-d %B %Y} to "
                                             f"{clash.end_date:%-d %B %Y} ({clash.reference}). "
                                             "Choose dates that do not overlap it."})
    balance = selectors.leave_balance(request.employee, start.year, exclude_request_id=request.pk)
    if days > balance["remaining"]:
        raise ValidationError({"end_date": f"This leave is {_n(days)} days but you have {_n(balance['remaining'])} "
                                           f"days left for {start.year}."})
    request.start_date, request.end_date = start, end
    request.start_half_day, request.end_half_day, request.days = start_half, end_half, days
