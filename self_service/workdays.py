"""UK working days: Monday to Friday (or the days of someone's working pattern), less bank holidays in England from the `holidays` library
(maintained, offline)."""

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year).keys())


MONDAY_TO_FRIDAY = frozenset(range(5))


def is_working_day(day: dt.date, weekdays: frozenset[int] = MONDAY_TO_FRIDAY) -> bool:
    """`weekdays` are the days someone works (`date.weekday()` numbers); Monday to Friday unless
    their working pattern says otherwise."""
    return day.weekday() in weekdays and day not in bank_holidays(day.year)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    n = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            n += 1
        day += dt.timedelta(days=1)
    return n


def working_days_in(start: dt.date, end: dt.date, weekdays: frozenset[int] = MONDAY_TO_FRIDAY) -> list[dt.date]:
    days = []
    day = start
    while day <= end:
        if is_working_day(day, weekdays):
            days.append(day)
        day += dt.timedelta(days=1)
    return days
