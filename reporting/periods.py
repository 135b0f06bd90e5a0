"""Reporting periods the dashboard offers. A period is a closed range of dates [start, end]."""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import timezone


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: dt.date
    end: dt.date

    def previous(self) -> "Period":
        """The equally long period just before this one (for channel shift)."""
        length = (self.end - self.start).days + 1
        end = self.start - dt.timedelta(days=1)
        return Period(f"before-{self.key}", "previous period", end - dt.timedelta(days=length - 1), end)

    @property
    def start_dt(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def end_dt(self) -> dt.datetime:
        """Exclusive upper bound: midnight after the last day."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))


CHOICES = [
    ("this-month", "This month so far"),
    ("last-month", "Last month"),
    ("last-3-months", "Last 3 months"),
    ("last-12-months", "Last 12 months"),
    ("year-to-date", "Financial year to date"),
]
DEFAULT = "last-3-months"


def period_for(key: str, today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    first = today.replace(day=1)
    label = dict(CHOICES).get(key)
    if label is None:
        key, label = DEFAULT, dict(CHOICES)[DEFAULT]
    if key == "this-month":
        return Period(key, label, first, today)
    if key == "last-month":
        start = first - relativedelta(months=1)
        return Period(key, label, start, first - dt.timedelta(days=1))
    if key == "last-12-months":
        return Period(key, label, first - relativedelta(months=11), today)
    if key == "year-to-date":
        april = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
        return Period(key, label, april, today)
    return Period(key, label, first - relativedelta(months=2), today)


def month_period(month: dt.date) -> Period:
    start = month.replace(day=1)
    end = start + relativedelta(months=1) - dt.timedelta(days=1)
    return Period(f"month-{start:%Y-%m}", f"{start:%B %Y}", start, end)
