"""Prepared figures (reporting/prepared.py): the dashboard, its CSV and the metrics API read rows
worked out by prepared_refresh, which must give exactly what the direct computation gives, for
every period offered and for past months, and for any set of units a page shows."""

import datetime as dt
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from news.models import ArticleRead
from people.models import Employee, OrgUnit, SignIn
from reporting import prepared, services
from reporting.figures import compute_figures
from reporting.models import FigureSnapshot, PreparedFigure
from reporting.periods import month_period
from tests.factories import OrgUnitFactory
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db

DASH = reverse("reporting:dashboard")
UNIT_SETS = [
    ("council", "adults", "place"),  # HR's first view
    ("adults", "social"),  # the director's
    ("social", "team_a", "team_b"),  # a drill-down
    ("place", "highways"),
]


def _at(day: dt.date, hour=12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def history(people, org):
    """A year of activity spread over units and months: joiners, leavers, sign-ins, news reads,
    requests on every channel, training, help from champions, skills analyses, recorded gaps."""
    from self_service.models import Request, RequestType
    from skills_matrix.models import Assessment
    from tests.skills_matrix.factories import make_campaign, submitted_assessment
    from training.models import Assignment, Champion, Completion, Course, HelpLog

    today = timezone.localdate()
    p = people
    months = [today.replace(day=1) - relativedelta(months=i) for i in range(0, 13)]
    p["alice"].start_date = months[1] + dt.timedelta(days=3)
    p["alice"].save(update_fields=["start_date"])
    for who, left in (("carol", months[2] + dt.timedelta(days=5)), ("payroll2", months[1] + dt.timedelta(days=20))):
        p[who].is_active, p[who].left_on = False, left
        p[who].save(update_fields=["is_active", "left_on"])

    User = get_user_model()
    User.objects.update(last_login=None)
    SignIn.objects.all().delete()
    rtype = RequestType.objects.first()
    Champion.objects.create(employee=p["champion"], unit=org["social"])
    campaign = make_campaign()
    channels = ["online", "assisted", "paper"]
    for i, month in enumerate(months):
        when = _at(month + dt.timedelta(days=(i * 3) % 25))
        article = ArticleFactory()
        course = Course.objects.create(code=f"course-{i}", title=f"Course {i}", kind=Course.Kind.choices[0][0])
        for j, who in enumerate(["bob", "dave", "manager", "head", "director"][: 1 + i % 5]):
            SignIn.objects.create(user=p[who].user, at=when + dt.timedelta(hours=j))
            ArticleRead.objects.create(article=article, employee=p[who],
                                       read_at=when + dt.timedelta(hours=j))
            Request.objects.create(type=rtype, employee=p[who], submitted_by=p[who].user,
                                   channel=channels[(i + j) % 3], status="processed" if (i + j) % 2 else "submitted",
                                   submitted_at=when, rating=(1 + (i + j) % 5) if (i + j) % 2 else None)
        a = Assignment.objects.create(course=course, employee=p[["bob", "dave", "alice"][i % 3]], source="hr",
                                      due_on=month + dt.timedelta(days=14))
        Assignment.objects.filter(pk=a.pk).update(created_at=when)
        if i % 2:
            Assignment.objects.filter(pk=a.pk).update(status="completed", completed_at=when + dt.timedelta(days=20))
            Completion.objects.create(employee=a.employee, course=course, source="manual",
                                      completed_at=when + dt.timedelta(days=20))
        HelpLog.objects.create(champion=p["champion"], colleague=p["bob"], topic="Teams", minutes=10 + i,
                               channel=HelpLog.Channel.choices[0][0], given_on=month + dt.timedelta(days=2))
        for code in ("council", "adults", "social-work", "team-a", "team-b", "place", "highways"):
            FigureSnapshot.objects.create(month=month, unit_code=code, unit_name=code, figure="average_gap",
                                          value=round(0.1 * i + len(code) / 10, 2))
    User.objects.filter(pk=p["dave"].user_id).update(last_login=_at(months[0]))
    for who, month in (("bob", months[3]), ("manager", months[1]), ("dave", months[0])):
        submitted_assessment(p[who], campaign, {})
        Assessment.objects.filter(employee=p[who]).update(submitted_at=_at(month + dt.timedelta(days=4)))
    return months


def _as_dict(results):
    return [(r.key, r.available, r.note, {k: (v, type(v)) for k, v in r.values.items()}) for r in results]


def test_prepared_figures_are_the_direct_computation(history, org):
    from reporting.periods import CHOICES, period_for

    periods = [period_for(k) for k, _ in CHOICES] + [month_period(m) for m in history[1:4]]
    prepared.prepared_refresh(periods=periods)
    for period in periods:
        for names in UNIT_SETS:
            units = [org[n] for n in names]
            found = prepared.prepared_figures(units, period)
            assert found is not None, (period, names)
            assert _as_dict(found[0]) == _as_dict(compute_figures(units, period)), (period, names)
            assert services.figure_table_prepared(units, period)[0] == services.figure_table(units, period)
            assert services.figures_csv(units, period, prepared=True) == services.figures_csv(units, period)


def test_a_past_month_reads_its_own_figures(history, org, people):
    """Period-true through the prepared path too: a month before last is not today's figure."""
    past = month_period(history[2])
    prepared.prepared_refresh(periods=[past])
    [head] = prepared.prepared_figures([org["adults"]], past, ["headcount"])[0]
    # carol left during it and alice joined after it: the Adults staff on its last day
    assert head.values == {org["adults"].pk: 5}  # 7 today, less carol and alice
    [gap] = prepared.prepared_figures([org["adults"]], past, ["average_gap"])[0]
    assert gap.note == f"As recorded for {past.start:%B %Y}"


def _page(resp) -> str:
    """The page as read, less the per-request CSRF token of its forms."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", resp.content.decode())


def _shown(resp, figure: str) -> dict[str, str]:
    """{unit code: the value shown} for one figure's table on the dashboard, as a reader sees it."""
    return dict(re.findall(rf'data-figure="{figure}" data-unit="([^"]+)">([^<]*)<', resp.content.decode()))


def test_pages_read_prepared_figures_until_the_next_refresh(history, org, people, login, api_as,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        prepared.prepared_refresh()
    client = login(people["hr"])
    resp = client.get(DASH, {"unit": org["adults"].pk})
    assert resp.context["from_prepared"] and "Figures as of" in resp.content.decode()
    period = resp.context["period"]
    as_of = timezone.localtime(PreparedFigure.objects.filter(
        period_start=period.start, period_end=period.end).order_by("computed_at").first().computed_at)
    assert f"Figures as of {as_of:%H:%M}" in resp.content.decode()
    # someone joins: the page keeps the prepared figure until the refresh
    Employee.objects.create(first_name="New", last_name="Starter", org_unit=org["team_b"])
    again = client.get(DASH, {"unit": org["adults"].pk})
    assert _page(again) == _page(resp)  # the same figures, as of the same time
    before = _shown(again, "headcount")
    api = api_as(people["hr"]).get("/api/reporting/metrics/", {"unit": org["adults"].pk}).json()
    assert api["as_of"]
    api_headcount = next(f for f in api["figures"] if f["key"] == "headcount")["values"]
    assert {v["unit_code"]: v["value"] for v in api_headcount}["adults"] == int(before["adults"])
    with django_capture_on_commit_callbacks(execute=True):
        prepared.prepared_refresh()
    assert int(_shown(client.get(DASH, {"unit": org["adults"].pk}), "headcount")["adults"]) == int(before["adults"]) + 1


def test_a_kept_page_shows_a_renamed_unit_by_its_new_name(history, org, people, login):
    prepared.prepared_refresh()
    client = login(people["hr"])
    assert "Team B" in _shown_units(client.get(DASH, {"unit": org["social"].pk}))
    OrgUnit.objects.filter(pk=org["team_b"].pk).update(name="Team Bravo")
    names = _shown_units(client.get(DASH, {"unit": org["social"].pk}))
    assert "Team Bravo" in names and "Team B" not in names


def _shown_units(resp) -> set[str]:
    return set(re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', resp.content.decode()))


def test_figures_refreshed_are_shown_on_the_next_request_not_the_kept_page(history, org, people, login,
                                                                          django_capture_on_commit_callbacks):
    """A refresh outside any transaction (as beat's task runs) replaces the kept pages at once."""
    with django_capture_on_commit_callbacks(execute=True):
        prepared.prepared_refresh()
    client = login(people["hr"])
    first = _shown(client.get(DASH, {"unit": org["adults"].pk}), "headcount")
    Employee.objects.create(first_name="New", last_name="Starter", org_unit=org["team_b"])
    with django_capture_on_commit_callbacks(execute=True):
        services.snapshot_take(month=timezone.localdate())  # a snapshot also renews them
    assert _shown(client.get(DASH, {"unit": org["adults"].pk}), "headcount") == first  # prepared rows unchanged
    with django_capture_on_commit_callbacks(execute=True):
        prepared.prepared_refresh()
    assert int(_shown(client.get(DASH, {"unit": org["adults"].pk}), "headcount")["adults"]) == int(first["adults"]) + 1


def test_a_unit_made_since_the_refresh_is_computed_directly(people, org, login):
    prepared.prepared_refresh()
    newer = OrgUnitFactory(code="team-c", name="Team C", kind=OrgUnit.Kind.TEAM, parent=org["social"])
    Employee.objects.create(first_name="New", last_name="Starter", org_unit=newer)
    resp = login(people["hr"]).get(DASH, {"unit": org["social"].pk})
    assert not resp.context["from_prepared"] and "worked out just now" in resp.content.decode()
    assert 'data-unit="team-c">1<' in resp.content.decode()


def test_periods_no_longer_offered_are_dropped(people, org):
    old = month_period(timezone.localdate().replace(day=1) - relativedelta(months=5))
    prepared.prepared_refresh(periods=[old])
    assert PreparedFigure.objects.filter(period_start=old.start).exists()
    prepared.prepared_refresh()
    assert not PreparedFigure.objects.filter(period_start=old.start).exists()


def test_a_refresh_already_running_is_not_run_twice(people, org):
    cache.add(prepared.LOCK_KEY, "1", 60)
    try:
        assert prepared.prepared_refresh() == 0
        assert not PreparedFigure.objects.exists()
    finally:
        cache.delete(prepared.LOCK_KEY)
    assert prepared.prepared_refresh() > 0


def test_the_snapshot_jobs_refresh_the_prepared_figures(people, org):
    from reporting import tasks

    tasks.snapshot_current_month.delay().get()  # eager in tests
    assert PreparedFigure.objects.filter(period_end=timezone.localdate()).exists()


@pytest.mark.parametrize("who, status", [("hr", 302), ("admin", 302), ("director", 404), ("alice", 404),
                                         ("manager", 404)])
def test_who_may_ask_for_a_refresh(who, status, people, org, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        resp = login(people[who]).post(reverse("reporting:refresh"), {"next": f"{DASH}?unit={org['adults'].pk}"})
    assert resp.status_code == status
    assert PreparedFigure.objects.exists() == (status == 302)
    if status == 302:
        assert resp["Location"] == f"{DASH}?unit={org['adults'].pk}"


def test_refresh_is_post_only_and_stays_on_the_site(people, login):
    client = login(people["hr"])
    assert client.get(reverse("reporting:refresh")).status_code == 405
    resp = client.post(reverse("reporting:refresh"), {"next": "https://evil.example/"})
    assert resp.status_code == 302 and resp["Location"] == DASH
    page = client.get(DASH).content.decode()
    assert "Work the figures out again now" in page


def test_only_hr_sees_the_refresh_button(people, login):
    assert "Work the figures out again now" not in login(people["director"]).get(DASH).content.decode()


# --- a fixed handful of queries, whatever the council's size -------------------------------------------------


def _council_of(org, departments: int, staff: int):
    """`departments` departments under Place, `staff` people spread over them."""
    units = [OrgUnitFactory(code=f"dep-{i}", name=f"Department {i}", kind=OrgUnit.Kind.DEPARTMENT, parent=org["place"])
             for i in range(departments)]
    Employee.objects.bulk_create([
        Employee(first_name="Sam", last_name=f"Staff{i}", org_unit=units[i % departments],
                 is_digital_champion=i % 10 == 0) for i in range(staff)
    ])
    prepared.prepared_refresh()


# The first reader of a unit's figures after a refresh, 9: session, user, the user's roles; the scope
# (the unit, its ancestors for the breadcrumbs, its sub-units); the prepared rows; the recorded skills
# gap (monthly snapshots); the trend (monthly snapshots). Every later reader until the next refresh
# gets the figures as rendered then, 6: session, user, roles, scope.
# The API, 6: token-less forced auth (user, roles), scope (3), prepared rows, recorded gap (no trend).
# The same at 2 departments and 50 staff as at 20 and 500: nothing is counted per unit or per person.
@pytest.mark.parametrize("departments, staff", [(2, 50), (20, 500)])
def test_dashboard_queries_are_fixed(departments, staff, people, org, login, django_assert_num_queries):
    _council_of(org, departments, staff)
    client = login(people["hr"])
    with django_assert_num_queries(DASHBOARD_QUERIES):
        first = client.get(DASH, {"unit": org["place"].pk})
    assert first.context["from_prepared"]
    assert len(re.findall(r'data-figure="headcount"', first.content.decode())) == departments + 2  # Place, Highways, new
    with django_assert_num_queries(DASHBOARD_QUERIES_KEPT):
        later = client.get(DASH, {"unit": org["place"].pk})
    assert later.context["from_prepared"] and _page(later) == _page(first)


@pytest.mark.parametrize("departments, staff", [(2, 50), (20, 500)])
def test_metrics_api_queries_are_fixed(departments, staff, people, org, api_as, django_assert_num_queries):
    _council_of(org, departments, staff)
    client = api_as(people["hr"])
    with django_assert_num_queries(API_QUERIES):
        data = client.get("/api/reporting/metrics/", {"unit": org["place"].pk}).json()
    assert len(data["units"]) == departments + 2


DASHBOARD_QUERIES = 9
DASHBOARD_QUERIES_KEPT = 6
API_QUERIES = 6


def test_the_dashboard_still_opens_when_the_cache_cannot_be_reached(history, org, people, login, monkeypatch):
    """Redis restarting costs the kept figures, not the page: they are worked out and shown."""
    prepared.prepared_refresh()
    client = login(people["hr"])

    def down(*args, **kwargs):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(prepared.cache, "get", down)
    monkeypatch.setattr(prepared.cache, "set", down)
    resp = client.get(DASH, {"unit": org["adults"].pk})
    assert resp.status_code == 200 and resp.context["from_prepared"]
    assert _shown(resp, "headcount")["adults"]
