"""Adoption dashboard and monthly PDF for a 20,000-staff council.

Builds the council with `seed_demo --staff 20000` (every app's demo data) when that works, and
otherwise a plain org tree of 20,000 people with bulk_create, then times the HR dashboard (every
portfolio compared), a portfolio lead's dashboard, the PDF for the largest portfolio and the
monthly snapshot, and counts the dashboard's queries: first computed on every request, then
from the prepared figures (reporting/prepared.py), in the same run, with the refresh's own time.
"""

import io
import random
import statistics
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

STAFF = 20_000


def _own_council(staff: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from people import roles
    from people.models import Employee, OrgUnit

    rng = random.Random(7)
    council = OrgUnit.objects.create(code="bench-council", name="Bench Council", kind=OrgUnit.Kind.COUNCIL)
    teams = []
    for p in range(6):
        port = OrgUnit.objects.create(code=f"p{p}", name=f"Portfolio {p}", kind=OrgUnit.Kind.PORTFOLIO, parent=council)
        for d in range(5):
            dep = OrgUnit.objects.create(code=f"p{p}d{d}", name=f"Department {p}.{d}", kind=OrgUnit.Kind.DEPARTMENT,
                                         parent=port)
            for t in range(6):
                teams.append(OrgUnit.objects.create(code=f"p{p}d{d}t{t}", name=f"Team {p}.{d}.{t}",
                                                    kind=OrgUnit.Kind.TEAM, parent=dep))
    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"b{i}") for i in range(staff)], batch_size=2000)
    Employee.objects.bulk_create(
        [Employee(user=u, first_name="Sam", last_name=f"Staff{i}", org_unit=rng.choice(teams),
                  is_digital_champion=rng.random() < 0.03) for i, u in enumerate(users)],
        batch_size=2000,
    )
    lead = Employee.objects.filter(org_unit__in=OrgUnit.objects.filter(parent__parent__code="p0")).first()
    OrgUnit.objects.filter(code="p0").update(head=lead)
    lead.user.groups.add(Group.objects.get_or_create(name=roles.PORTFOLIO_LEAD)[0])
    hr = Employee.objects.exclude(pk=lead.pk).first()
    hr.user.groups.add(Group.objects.get_or_create(name=roles.HR)[0])


def run():
    from django.core.management import call_command
    from django.db import transaction

    from people import roles
    from people.models import Employee, OrgUnit
    from reporting import prepared, services
    from reporting.models import PreparedFigure
    from reporting.periods import month_period, period_for

    figures = []
    started = time.perf_counter()
    how = "seed_demo"
    try:
        with transaction.atomic():
            call_command("seed_demo", "--staff", str(STAFF), stdout=io.StringIO())
    except Exception as exc:  # noqa: BLE001 - fall back to our own people
        how = f"own bulk_create (seed_demo failed: {type(exc).__name__})"
        _own_council(STAFF)
    figures.append((f"council built ({how})", f"{time.perf_counter() - started:.1f} s"))
    figures.append(("staff", f"{Employee.objects.filter(is_active=True).count():,}"))

    hr = Employee.objects.filter(user__groups__name__in=[roles.HR, roles.INTRANET_ADMIN]).select_related("user").first()
    portfolio = (
        OrgUnit.objects.filter(kind=OrgUnit.Kind.PORTFOLIO, head__isnull=False).select_related("head__user").first()
    )
    client = Client()
    api = APIClient()

    def timed_get(user, path, params, fresh=False):
        if path.startswith("/api/"):
            api.force_authenticate(user)
            get = api.get
        else:
            client.force_login(user)
            get = client.get
        get(path, params)  # warm caches (templates, content types)
        times, cpu, queries = [], [], 0
        for _ in range(5):
            if fresh:
                prepared.figures_changed()  # as after a refresh: this reader renders the figures again
            with CaptureQueriesContext(connection) as ctx:
                t, c = time.perf_counter(), time.process_time()
                resp = get(path, params)
                times.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
            assert resp.status_code == 200, resp.status_code
            queries = len(ctx)
        return statistics.median(times), min(times), statistics.median(cpu), queries

    lead_user = None
    if portfolio is not None and portfolio.head and portfolio.head.user_id:
        from django.contrib.auth.models import Group

        lead_user = portfolio.head.user
        lead_user.groups.add(Group.objects.get_or_create(name=roles.PORTFOLIO_LEAD)[0])
    pages = []
    if hr is not None:
        pages += [("dashboard, HR: every portfolio compared", hr.user, "/reporting/"),
                  ("metrics API, HR: every portfolio", hr.user, "/api/reporting/metrics/")]
    if lead_user is not None:
        pages += [(f"dashboard, portfolio lead ({portfolio.name[:24]})", lead_user, "/reporting/"),
                  ("metrics API, portfolio lead", lead_user, "/api/reporting/metrics/")]

    def measure(how, fresh=False):
        for label, user, path in pages:
            median, best, cpu, q = timed_get(user, path, {"period": "last-3-months"}, fresh)
            # Wall time on a shared box moves with its load; the CPU time of the Django process
            # (not counting PostgreSQL's) moves much less.
            figures.append((f"{label}, {how} (median/best of 5; Django CPU)",
                            f"{median * 1000:.0f} / {best * 1000:.0f} ms; {cpu * 1000:.0f} ms CPU; {q} queries"))

    # Before and after in one run: the direct computation every page did, then the prepared figures
    # (the first reader after a refresh renders them; every later reader gets them as rendered).
    PreparedFigure.objects.all().delete()  # seed_demo prepares them; the direct computation first
    prepared.figures_changed()
    measure("computed per request")
    t = time.perf_counter()
    rows = services.prepared_refresh()
    figures.append((f"prepared figures refresh (5 periods, {OrgUnit.objects.filter(is_active=True).count()} units)",
                    f"{time.perf_counter() - t:.1f} s, {rows:,} rows"))
    measure("prepared, first reader after a refresh", fresh=True)
    measure("prepared, every later reader")
    if lead_user is not None:
        t = time.perf_counter()
        pdf = services.portfolio_report_pdf(unit=portfolio, period=period_for("last-month"))
        figures.append(("monthly PDF for one portfolio", f"{(time.perf_counter() - t) * 1000:.0f} ms, "
                                                         f"{len(pdf) / 1024:.0f} KiB"))
    t = time.perf_counter()
    n = services.snapshot_take(month=month_period(period_for("last-month").start).start)
    figures.append(("monthly snapshot, every unit", f"{time.perf_counter() - t:.1f} s, {n:,} figures"))
    return figures
