"""Self-service queues at size: a manager with 300 reports and 5,000 requests; the HR/payroll
processing queue over the same data. Prints timings and query counts (no pass/fail)."""

import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people import roles
from people.models import Employee, OrgUnit
from self_service import selectors
from self_service.models import Request, RequestType

REPORTS = 300
REQUESTS = 5000


def _setup():
    User = get_user_model()
    rng = random.Random(4)
    unit = OrgUnit.objects.create(code="bench-ss", name="Bench service", kind=OrgUnit.Kind.DEPARTMENT)
    users = User.objects.bulk_create([User(username=f"ss-bench-{i}") for i in range(REPORTS + 2)])
    manager = Employee.objects.create(user=users[0], first_name="Morgan", last_name="Manager", org_unit=unit)
    payroll = Employee.objects.create(user=users[1], first_name="Pat", last_name="Payroll", org_unit=unit)
    payroll.user.groups.add(Group.objects.get_or_create(name=roles.PAYROLL)[0])
    reports = Employee.objects.bulk_create([
        Employee(user=users[i + 2], first_name=f"Report{i}", last_name="Bench", org_unit=unit, line_manager=manager,
                 search_text=f"report{i} bench")
        for i in range(REPORTS)
    ])
    types = list(RequestType.objects.exclude(kind=RequestType.Kind.BANK_DETAILS))
    S = Request.Status
    statuses = [S.SUBMITTED] * 3 + [S.APPROVED, S.PROCESSED, S.PROCESSED, S.REJECTED, S.WITHDRAWN, S.DRAFT]
    reqs = []
    for i in range(REQUESTS):
        emp = reports[i % REPORTS]
        status = rng.choice(statuses)
        reqs.append(Request(type=rng.choice(types), employee=emp, submitted_by=emp.user, status=status,
                            summary=f"Bench request {i}", data={"hours": "2"},
                            current_approver=manager if status == S.SUBMITTED else None,
                            approval_level=1 if status == S.SUBMITTED else 0))
    Request.objects.bulk_create(reqs, batch_size=2000)
    return manager, payroll


def _time(fn, runs=7):
    fn()  # warm caches (templates, content types)
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run():
    # As Django's TestCase does: keep one connection across requests rather than reconnecting per
    # request (CONN_MAX_AGE may be 0 here), so the figures are the page's work, not connection set-up.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        return _run()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run():
    manager, payroll = _setup()
    waiting = selectors.approval_queue(manager.user).count()
    client = Client()
    client.force_login(manager.user)
    url = reverse("self_service:approvals")

    def queue_page():
        assert client.get(url).status_code == 200

    with CaptureQueriesContext(connection) as ctx:
        queue_page()
    queue_queries = len(ctx.captured_queries)  # read now: the next request resets the query log
    figures = [
        ("manager queue: requests waiting (300 reports, 5,000 requests)", f"{waiting}"),
        ("manager queue page (first 25, median of 7)", f"{_time(queue_page):.1f} ms"),
        ("manager queue page queries", f"{queue_queries}"),
        ("manager queue selector count + page (median)",
         f"{_time(lambda: list(selectors.approval_queue(manager.user)[:25])):.1f} ms"),
    ]
    pclient = Client()
    pclient.force_login(payroll.user)
    purl = reverse("self_service:processing")

    def processing_page():
        assert pclient.get(purl).status_code == 200

    with CaptureQueriesContext(connection) as ctx:
        processing_page()
    processing_queries = len(ctx.captured_queries)
    figures += [
        ("payroll processing queue page (median of 7)", f"{_time(processing_page):.1f} ms"),
        ("payroll processing queue page queries", f"{processing_queries}"),
        ("visible-requests scope for the manager (count, median)",
         f"{_time(lambda: selectors.requests_visible_to(manager.user).count()):.1f} ms"),
    ]
    return figures
