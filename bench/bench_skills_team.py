"""The team gap matrix at council scale: a 20,000-strong demo council (people and skills demo data),
then the matrix page as the head of the service nearest 300 people sees it, and as one of its
team managers. The page should cost what the team costs, not what the council costs.

Figures, not pass/fail: median server time of several requests through the Django test client
(view, queries and template, no network), and the number of SQL queries and their database time.
Statistics are refreshed (ANALYZE) after seeding, as autovacuum would do on a live server.
"""

import io
import statistics
import time
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import Client

STAFF = 20_000
RUNS = 9


def _service_near(size: int):
    """The department whose active staff (with its teams) is nearest `size`, and its size."""
    from people.models import Employee, OrgUnit
    from people.selectors import units_within

    best = None
    for dept in OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT, head__user__isnull=False):
        n = Employee.objects.filter(is_active=True, org_unit__in=units_within([dept])).count()
        if best is None or abs(n - size) < abs(best[1] - size):
            best = (dept, n)
    return best


def _timed(client, url):
    timings, db_ms = [], []
    for _ in range(RUNS):
        spent = []

        def wrapper(execute, sql, params, many, context, spent=spent):
            t0 = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent.append(time.perf_counter() - t0)

        with connection.execute_wrapper(wrapper):
            t0 = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
        db_ms.append(sum(spent) * 1000)
    return statistics.median(timings), statistics.median(db_ms), len(spent), response


def run() -> list[tuple[str, str]]:
    from core import demo
    from people.models import Employee

    started = time.perf_counter()
    only_skills = {k: v for k, v in demo._seeders.items() if k == "skills"}
    with mock.patch("core.demo._seeders", only_skills):
        call_command("seed_demo", staff=STAFF, stdout=io.StringIO())
    figures = [(f"seed_demo --staff {STAFF:,} (people and skills)", f"{time.perf_counter() - started:.1f} s")]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would on a live server: plans as a council gets them
    dept, size = _service_near(300)
    head = dept.head
    manager = (Employee.objects.filter(line_manager=head, is_active=True, user__isnull=False, direct_reports__isnull=False)
               .distinct().order_by("pk").first())
    for label, who in ((f"head of a {size}-person service", head), ("one of its team managers", manager)):
        client = Client()
        client.force_login(who.user)
        client.get("/skills/matrix/")  # warm the session
        page_ms, db_ms, queries, response = _timed(client, "/skills/matrix/")
        rows = len(response.context["matrix"].rows)
        figures.append((f"matrix page, {label} ({rows} rows)",
                        f"{page_ms:.0f} ms median, {queries} queries, {db_ms:.0f} ms in the database"))
        _ms, _db, _q, sorted_response = _timed(client, "/skills/matrix/?sort=gaps&view=table")
        figures.append((f"matrix page sorted by gaps, table view, {label}", f"{_ms:.0f} ms median"))
    return figures
