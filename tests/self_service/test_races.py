"""Two leave requests sent at the same moment cannot both use the same remaining days."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from self_service import services
from self_service.models import LeaveEntitlement, Request, RequestType

from .conftest import MONDAY


@pytest.mark.django_db(transaction=True)
def test_concurrent_leave_submissions_respect_the_balance(people):
    bob = people["bob"]
    LeaveEntitlement.objects.create(employee=bob, year=2027, full_time_days=Decimal("5"))
    leave = RequestType.objects.get(code="annual-leave")
    drafts = [
        services.request_create(actor=bob.user, request_type=leave, employee=bob, data={
            "start_date": (MONDAY + dt.timedelta(days=7 * i)).isoformat(),
            "end_date": (MONDAY + dt.timedelta(days=7 * i + 2)).isoformat()})
        for i in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def submit(draft):
        try:
            barrier.wait()
            services.request_submit(actor=bob.user, request=draft)
            outcomes.append("sent")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "sent"]
    assert Request.objects.filter(status=Request.Status.SUBMITTED).count() == 1
