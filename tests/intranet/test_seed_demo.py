"""seed_demo builds a council the rest of the intranet can rely on, and every demo login works."""

import io
import random

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from core.demo import DEMO_LOGINS
from people import roles
from people.management.commands import _demo_council as council
from people.management.commands.seed_demo import build_council
from people.models import Employee, OrgUnit
from people.selectors import reports_of

pytestmark = pytest.mark.django_db
STAFF = 300


def _seed(**kwargs):
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", staff=STAFF, seed=7, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def seeded(db, monkeypatch):
    """The people part only: most checks here are about the council, and other apps' demo data
    takes longer to build. `test_every_demo_login...` runs every app's seeder."""
    from core import demo

    monkeypatch.setattr(demo, "_seeders", {})
    return _seed()


def test_builds_the_requested_council(seeded):
    out, _ = seeded
    assert Employee.objects.count() == STAFF
    assert f"{STAFF:,} staff" in out
    assert council.DEMO_PASSWORD in out
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.COUNCIL).count() == 1
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.PORTFOLIO).count() == 6
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).count() >= 40
    assert not OrgUnit.objects.filter(head__isnull=True).exists()


def test_org_tree_is_a_valid_mptt_tree(seeded):
    root = OrgUnit.objects.get(kind=OrgUnit.Kind.COUNCIL)
    # The hand-computed nested-set numbers answer tree questions the same as the parent links.
    assert root.get_descendant_count() == OrgUnit.objects.count() - 1
    for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.PORTFOLIO):
        by_parent_links = (
            OrgUnit.objects.filter(parent=unit).count() + OrgUnit.objects.filter(parent__parent=unit).count()
        )
        assert unit.get_descendant_count() == by_parent_links
    before = list(OrgUnit.objects.order_by("pk").values_list("lft", "rght", "level", "tree_id"))
    OrgUnit.objects.rebuild()
    assert list(OrgUnit.objects.order_by("pk").values_list("lft", "rght", "level", "tree_id")) == before


def test_everyone_but_directors_has_a_manager_and_there_are_no_loops(seeded):
    managers = dict(Employee.objects.values_list("pk", "line_manager_id"))
    directors = set(
        Employee.objects.filter(user__groups__name=roles.PORTFOLIO_LEAD).values_list("pk", flat=True)
    )
    assert len(directors) == 6
    assert {pk for pk, boss in managers.items() if boss is None} == directors
    for pk in managers:
        seen = {pk}
        boss = managers[pk]
        while boss is not None:
            assert boss not in seen, f"manager loop through employee {boss}"
            seen.add(boss)
            boss = managers[boss]
        assert seen & directors, "every chain ends at a director"


def test_roles_and_search_text_are_in_place(seeded):
    assert Employee.objects.filter(user__groups__name=roles.HR).exists()
    assert Employee.objects.filter(user__groups__name=roles.PAYROLL).count() >= 2
    champions = Employee.objects.filter(is_digital_champion=True)
    assert champions.count() >= 2 * OrgUnit.objects.filter(kind=OrgUnit.Kind.DEPARTMENT).count() - 2
    assert not champions.exclude(user__groups__name=roles.DIGITAL_CHAMPION).exists()
    assert Employee.objects.filter(user__groups__name=roles.EMPLOYEE).count() == STAFF
    assert not Employee.objects.filter(search_text="").exists()
    someone = Employee.objects.order_by("pk")[10]
    assert someone.search_text == someone.build_search_text()


def test_named_manager_has_direct_and_indirect_reports(seeded):
    manager = Employee.objects.get(user__username="manager")
    employee = Employee.objects.get(user__username="employee")
    direct = set(reports_of(manager, indirect=False))
    everyone = set(reports_of(manager))
    assert direct and everyone > direct
    assert employee in everyone - direct
    assert employee.line_manager is not None
    director = Employee.objects.get(user__username="director")
    assert director.headed_units.filter(kind=OrgUnit.Kind.PORTFOLIO).exists()
    admin = Employee.objects.get(user__username="admin")
    assert admin.user.is_staff and roles.has_role(admin.user, roles.INTRANET_ADMIN)


def test_every_demo_login_signs_in_and_reaches_home(db, client):
    # The whole demo, every app's data included, as `make demo` builds it.
    out, err = _seed()
    assert err == "", f"an app's demo data failed to load:\n{err}"
    for username in council.DEMO_ACCOUNTS:
        assert username in DEMO_LOGINS
    present = Employee.objects.filter(user__username__in=DEMO_LOGINS).values_list("user__username", flat=True)
    assert set(council.DEMO_ACCOUNTS) <= set(present)
    for username in present:
        client.logout()
        response = client.post(
            reverse("login"), {"username": username, "password": council.DEMO_PASSWORD}, follow=True
        )
        assert response.status_code == 200, username
        assert response.redirect_chain[-1][0] == reverse("home"), username
        assert "My tasks" in response.content.decode(), username


def test_if_empty_leaves_an_existing_council_alone(seeded):
    out = io.StringIO()
    call_command("seed_demo", if_empty=True, stdout=out)
    assert "leaving it as it is" in out.getvalue()
    assert Employee.objects.count() == STAFF
    with pytest.raises(CommandError, match="already has"):
        call_command("seed_demo", stdout=io.StringIO())


def test_demo_logins_prints_url_usernames_and_password(seeded):
    out = io.StringIO()
    call_command("demo_logins", url="http://127.0.0.1:8765/", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8765/" in text
    for username in council.DEMO_ACCOUNTS:
        assert f"  {username} " in text
    assert council.DEMO_PASSWORD in text


class _Rollback(Exception):
    pass


def _council_shape(seed: int) -> list[tuple]:
    try:
        with transaction.atomic():
            build_council(rng=random.Random(seed), staff=STAFF)
            shape = list(
                Employee.objects.order_by("employee_number").values_list(
                    "employee_number",
                    "user__username",
                    "job_title",
                    "org_unit__code",
                    "line_manager__employee_number",
                )
            )
            raise _Rollback
    except _Rollback:
        return shape


def test_same_seed_same_council(db):
    first, again, other = _council_shape(1), _council_shape(1), _council_shape(2)
    assert first == again
    assert first != other


def test_a_failing_app_seeder_is_reported_and_rolled_back(db, monkeypatch):
    from core import demo

    def broken(*, rng, staff_count, stdout):
        OrgUnit.objects.create(code="half-written", name="Half written", kind=OrgUnit.Kind.TEAM)
        raise RuntimeError("no room at the inn")

    monkeypatch.setattr(demo, "_seeders", {"broken": demo.DemoSeeder("broken", broken)})
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", staff=STAFF, stdout=out, stderr=err)

    assert "'broken' failed and was rolled back: RuntimeError: no room at the inn" in err.getvalue()
    assert not OrgUnit.objects.filter(code="half-written").exists()
    assert Employee.objects.count() == STAFF


def test_too_few_staff_is_a_clear_error(db):
    with pytest.raises(CommandError, match="--staff must be at least"):
        call_command("seed_demo", staff=10, stdout=io.StringIO())


def test_the_demo_has_a_year_of_history_for_the_trend_charts(db):
    """Twelve monthly snapshots built from a year of sign-ins, requests and completions: a director's
    trends are curves (take-up rising, the gap closing), not one point (issue 11 item 9)."""
    import datetime as dt

    from django.utils import timezone

    from people.models import SignIn
    from reporting.models import FigureSnapshot
    from reporting.selectors import trend_for
    from self_service.models import Request
    from training.models import Completion

    out, err = _seed()
    assert err == ""
    council_unit = OrgUnit.objects.get(kind=OrgUnit.Kind.COUNCIL)
    trend = trend_for(council_unit, ["active_users_pct", "digital_take_up", "average_gap"],
                      today=timezone.localdate())
    assert len(trend["months"]) == 12
    active, take_up, gap = trend["active_users_pct"], trend["digital_take_up"], trend["average_gap"]
    assert None not in active and None not in take_up and None not in gap
    assert active[0] < 40 < 60 < active[-2]  # last full month: most staff use it
    assert sorted(active[:-1]) == active[:-1]  # rising month on month (this month is still going)
    assert take_up[0] < take_up[-2]
    assert gap[0] > gap[-1]
    months = {(d.year, d.month) for d in SignIn.objects.values_list("at", flat=True)}
    assert len(months) == 12
    assert SignIn.objects.filter(at__lt=timezone.now() - dt.timedelta(days=300)).exists()
    submitted = {(d.year, d.month) for d in Request.objects.exclude(submitted_at=None).values_list("submitted_at",
                                                                                                   flat=True)}
    assert len(submitted) >= 11
    completed = {(d.year, d.month) for d in Completion.objects.values_list("completed_at", flat=True)}
    assert len(completed) >= 9
    council_rows = FigureSnapshot.objects.filter(unit_code=council_unit.code, figure="active_users_pct")
    assert council_rows.count() == 12
    assert "over 12 months" in out


def test_the_sign_in_history_is_deterministic_and_rises():
    import datetime as dt

    from people.demo_history import adoption_share, sign_in_times

    today = dt.date(2026, 12, 4)
    first = sign_in_times(rng=random.Random(3), user_ids=list(range(200)), today=today, tz=dt.UTC)
    again = sign_in_times(rng=random.Random(3), user_ids=list(range(200)), today=today, tz=dt.UTC)
    assert first == again
    assert all(at.date() <= today for _, at in first)
    shares = [adoption_share(i) for i in range(12)]
    assert shares == sorted(shares) and shares[0] < 0.3 and shares[-1] > 0.7


def test_the_planner_knows_the_size_of_the_council_just_seeded(seeded):
    """A freshly seeded council is analysed, so the first pages are planned as for its real size
    (not as an empty table, which reads a manager's chain of reports by scanning everyone)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'people_employee'")
        assert cursor.fetchone()[0] == STAFF


def test_the_seeded_directory_search_index_is_settled(seeded):
    """The trigram index's pending list is merged after seeding, as autovacuum would a minute later:
    until then every directory search reads the whole list."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT gin_clean_pending_list('people_employee_search_trgm')")
        assert cur.fetchone()[0] == 0  # pages it had left to merge
