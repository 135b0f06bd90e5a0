"""People at scale: seed a 20,000-strong council, then time the staff directory.

Figures, not pass/fail: the seed time, and for each directory search the median server time of
several requests (the Django test client runs the whole request in-process, so this is view, query
and template time without network) and the number of SQL queries per page.
"""

import io
import statistics
import time
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

STAFF = 20_000
RUNS = 7
SEARCHES = [
    ("common surname", {"q": "smith"}),
    ("job title word", {"q": "officer"}),
    ("name and title", {"q": "sarah social worker"}),
    ("page 50 of an empty search", {"page": "50"}),
    ("a department and its teams", {"unit": None}),  # filled in with Adult Social Care's id
]


def run() -> list[tuple[str, str]]:
    from people.models import Employee, OrgUnit

    figures = []
    started = time.perf_counter()
    # People only: other apps' demo data has its own benchmarks and would blur this figure.
    with mock.patch("core.demo._seeders", {}):
        call_command("seed_demo", staff=STAFF, stdout=io.StringIO())
    figures.append((f"seed_demo --staff {STAFF:,} (people only)", f"{time.perf_counter() - started:.1f} s"))
    figures.append(("employees in the directory", f"{Employee.objects.filter(is_active=True).count():,}"))

    client = Client()
    client.force_login(Employee.objects.get(user__username="employee").user)
    unit_id = OrgUnit.objects.get(code="asc").pk
    for label, params in SEARCHES:
        params = {k: (unit_id if v is None else v) for k, v in params.items()}
        timings, queries, status = [], 0, None
        for _ in range(RUNS):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get("/people/", params)
                timings.append((time.perf_counter() - t0) * 1000)
            status, queries = response.status_code, len(ctx.captured_queries)
        matches = response.context["page"].paginator.count if status == 200 else "-"
        figures.append(
            (
                f"directory: {label} ({matches} matches)",
                f"{statistics.median(timings):.0f} ms median, {queries} queries, HTTP {status}",
            )
        )
    return figures
