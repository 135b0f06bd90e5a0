import datetime as dt

import pytest
from django.utils import timezone

from self_service import services
from self_service.models import PayPeriod, RequestType

# A Monday with no bank holiday near it, far enough ahead for any leave year arithmetic.
MONDAY = dt.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def shipped_request_types(db):
    """The request types migration 0002 seeds. Tests that flush the database (live-server browser
    journeys) remove them, so put them back when they are missing."""
    from self_service.shipped_types import SHIPPED_TYPES

    if not RequestType.objects.exists():
        for spec in SHIPPED_TYPES:
            RequestType.objects.create(**spec)


@pytest.fixture
def rtype(db):
    return lambda code: RequestType.objects.get(code=code)


@pytest.fixture
def overtime_for(rtype):
    """overtime_for(employee, hours=2, submit=True) -> a request made online by the employee."""

    def make(employee, hours="2", submit=True, **kw):
        return services.request_create(
            actor=employee.user, request_type=rtype("overtime"), employee=employee,
            data={"date": "2027-02-01", "hours": str(hours), "reason": "Winter gritting"}, submit=submit, **kw,
        )

    return make


@pytest.fixture
def leave_for(rtype):
    def make(employee, start=MONDAY, end=None, submit=True, start_half=False, end_half=False):
        return services.request_create(
            actor=employee.user, request_type=rtype("annual-leave"), employee=employee,
            data={"start_date": start.isoformat(), "end_date": (end or start).isoformat(),
                  "start_half_day": start_half, "end_half_day": end_half}, submit=submit,
        )

    return make


@pytest.fixture
def period(db):
    today = timezone.localdate()
    return PayPeriod.objects.create(code="P1", name="Period 1", starts_on=today - dt.timedelta(days=20),
                                    ends_on=today + dt.timedelta(days=10), cutoff_on=today,
                                    pay_date=today + dt.timedelta(days=8))
