"""People at scale: seed a 20,000-strong council, then time the staff directory; then grow it to
100,000 and time the same searches again.

Figures, not pass/fail: the seed time, and for each directory search the median server time of
several requests (the Django test client runs the whole request in-process, so this is view, query
and template time without network), the number of SQL queries per page and the time spent in the
database. The tables are vacuumed and analyzed after seeding (VACUUM ANALYZE), as autovacuum would on a live
server, so the plans are the ones a council would get.
"""

import io
import random
import statistics
import time
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django.test import Client

SIZES = (20_000, 100_000)
RUNS = 7
SEARCHES = [
    ("common surname", {"q": "smith"}),
    ("surname with an apostrophe", {"q": "o'brien"}),
    ("partial name", {"q": "brad"}),
    ("job title word", {"q": "officer"}),
    ("name and title", {"q": "sarah social worker"}),
    ("page 50 of an empty search", {"page": "50"}),
    ("a department and its teams", {"unit": None}),  # filled in with Adult Social Care's id
]


def _grow_to(total: int) -> None:
    """Bulk-add generated staff, spread over the existing teams, until the council has `total`."""
    from people.management.commands._demo_council import FIRST_NAMES, LAST_NAMES
    from people.models import Employee, OrgUnit

    rng = random.Random(100)
    teams = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM).values_list("pk", flat=True))
    titles = list(Employee.objects.values_list("job_title", flat=True).distinct()[:60])
    missing = total - Employee.objects.count()
    batch = []
    for i in range(missing):
        first, last, title = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), rng.choice(titles)
        e = Employee(first_name=first, last_name=last, job_title=title, org_unit_id=rng.choice(teams),
                     email=f"grown{i}@demo-borough.example", employee_number=f"G{i:07d}")
        e.search_text = e.build_search_text()  # bulk_create skips save()
        batch.append(e)
        if len(batch) == 5000:
            Employee.objects.bulk_create(batch)
            batch = []
    Employee.objects.bulk_create(batch)


def _analyze() -> None:
    with connection.cursor() as cursor:
        # As autovacuum would on a live database: statistics, and the trigram index's pending list
        # merged (a search reads all of it until then).
        cursor.execute("VACUUM ANALYZE")


def _measure(client, params):
    timings, db_ms, queries, response = [], [], 0, None
    for _ in range(RUNS):
        spent = []

        def wrapper(execute, sql, sql_params, many, context, spent=spent):
            t0 = time.perf_counter()
            try:
                return execute(sql, sql_params, many, context)
            finally:
                spent.append(time.perf_counter() - t0)

        with connection.execute_wrapper(wrapper):
            t0 = time.perf_counter()
            response = client.get("/people/", params)
            timings.append((time.perf_counter() - t0) * 1000)
        db_ms.append(sum(spent) * 1000)
        queries = len(spent)
    return statistics.median(timings), statistics.median(db_ms), queries, response


def run() -> list[tuple[str, str]]:
    from people.models import Employee, OrgUnit

    figures = []
    started = time.perf_counter()
    # People only: other apps' demo data has its own benchmarks and would blur this figure.
    with mock.patch("core.demo._seeders", {}):
        call_command("seed_demo", staff=SIZES[0], stdout=io.StringIO())
    figures.append((f"seed_demo --staff {SIZES[0]:,} (people only)", f"{time.perf_counter() - started:.1f} s"))

    client = Client()
    client.force_login(Employee.objects.get(user__username="employee").user)
    unit_id = OrgUnit.objects.get(code="asc").pk
    for size in SIZES:
        if size != SIZES[0]:
            started = time.perf_counter()
            _grow_to(size)
            figures.append((f"grown to {size:,} staff (bulk insert)", f"{time.perf_counter() - started:.1f} s"))
        _analyze()
        figures.append((f"employees in the directory at {size:,}", f"{Employee.objects.filter(is_active=True).count():,}"))
        for label, params in SEARCHES:
            params = {k: (unit_id if v is None else v) for k, v in params.items()}
            page_ms, db_ms, queries, response = _measure(client, params)
            matches = response.context["page"].paginator.count if response.status_code == 200 else "-"
            figures.append((
                f"{size // 1000}k: {label} ({matches} matches)",
                f"{page_ms:.0f} ms median, {db_ms:.1f} ms in the database, {queries} queries, HTTP {response.status_code}",
            ))
    return figures
