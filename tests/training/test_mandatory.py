"""Mandatory and statutory training with recertification (issue 14.7): rules by unit, role profile
and work style; first and renewal assignments made by the daily run before a completion runs out;
compliance per department (dashboard figure, page and CSV); managers see who is out of date."""

import datetime as dt

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from people.models import AuditEntry, Employee, OrgUnit
from reporting.figures import compute_figures
from reporting.periods import Period
from skills_matrix.models import EmployeeRoleProfile, RoleProfile
from training import services, tasks
from training.models import Assignment, Completion
from training.selectors import mandatory_compliance_by_department, team_mandatory_out_of_date

from .conftest import make_course

pytestmark = pytest.mark.django_db


def completed(employee, course, days_ago):
    return Completion.objects.create(employee=employee, course=course, source="manual",
                                     completed_at=timezone.now() - dt.timedelta(days=days_ago))


@pytest.fixture
def gdpr(db):
    return make_course("data-protection", title="Data protection")


@pytest.fixture
def rule(learning_admin, gdpr, org):
    """Data protection every 12 months for everyone in Social Work (and beneath)."""
    return services.mandatory_course_create(actor=learning_admin.user, course=gdpr, unit=org["social"],
                                            validity_months=12, renew_days_before=30, due_in_days=14)


def open_for(employee, course):
    return Assignment.objects.filter(employee=employee, course=course, status=Assignment.Status.OPEN).first()


def test_the_daily_run_assigns_first_timers_and_renews_before_expiry(people, gdpr, rule):
    today = timezone.localdate()
    completed(people["alice"], gdpr, days_ago=350)   # runs out in about 15 days: renewal due
    completed(people["bob"], gdpr, days_ago=400)     # ran out a month ago: renewal, overdue soon
    completed(people["carol"], gdpr, days_ago=30)    # in date: nothing to do
    result = services.mandatory_assignments_run(today=today)
    # head, manager, champion and (the never-done) people of Social Work get a first assignment.
    assert result == {"assigned": 3, "renewals": 2}
    alice = open_for(people["alice"], gdpr)
    assert alice.source == Assignment.Source.RENEWAL
    last = timezone.localdate(Completion.objects.get(employee=people["alice"]).completed_at)
    assert alice.due_on == last.replace(year=last.year + 1)  # due when the completion runs out
    assert open_for(people["bob"], gdpr).due_on == today + dt.timedelta(days=14)
    assert open_for(people["carol"], gdpr) is None
    first = open_for(people["manager"], gdpr)
    assert first.source == Assignment.Source.MANDATORY and first.due_on == today + dt.timedelta(days=14)
    assert open_for(people["dave"], gdpr) is None  # Highways is outside the rule
    assert AuditEntry.objects.filter(action="assignment.renewal_created").count() == 2
    # Running again changes nothing.
    assert services.mandatory_assignments_run(today=today) == {"assigned": 0, "renewals": 0}


def test_a_renewal_comes_round_again_after_the_next_completion_runs_out(people, gdpr, rule):
    completed(people["alice"], gdpr, days_ago=10)
    today = timezone.localdate()
    services.mandatory_assignments_run(today=today)
    assert open_for(people["alice"], gdpr) is None
    services.mandatory_assignments_run(today=today + dt.timedelta(days=340))
    assert open_for(people["alice"], gdpr).source == Assignment.Source.RENEWAL


def test_rules_by_role_profile_and_work_style(learning_admin, people, gdpr):
    driving = make_course("safe-driving", title="Safe driving")
    carer = RoleProfile.objects.create(code="carer", name="Carer")
    EmployeeRoleProfile.objects.create(employee=people["carol"], profile=carer)
    Employee.objects.filter(pk=people["dave"].pk).update(work_style=Employee.WorkStyle.MOBILE)
    services.mandatory_course_create(actor=learning_admin.user, course=gdpr, role_profile=carer)
    services.mandatory_course_create(actor=learning_admin.user, course=driving, work_style=Employee.WorkStyle.MOBILE,
                                     validity_months=36)
    services.mandatory_assignments_run()
    assert set(Assignment.objects.filter(course=gdpr).values_list("employee__user__username", flat=True)) == {"carol"}
    assert set(Assignment.objects.filter(course=driving).values_list("employee__user__username", flat=True)) == {"dave"}


def test_the_run_is_a_daily_beat_task(people, gdpr, rule):
    entry = settings.CELERY_BEAT_SCHEDULE["training-mandatory-assignments"]
    assert entry["task"] == "training.tasks.mandatory_assignments" and isinstance(entry["schedule"], crontab)
    assert tasks.mandatory_assignments.delay().get()["assigned"] == 6


def test_bad_rules_are_refused_naming_the_field(people, login, learning_admin, gdpr):
    client = login(learning_admin)
    response = client.post(reverse("training:mandatory"), {"course": gdpr.pk, "validity_months": 0,
                                                          "renew_days_before": 30, "due_in_days": 30})
    assert response.status_code == 200 and "Renew every 1 month at least." in response.content.decode()
    client.force_login(people["manager"].user)
    assert client.get(reverse("training:mandatory")).status_code == 403
    assert client.get(reverse("training:mandatory_csv")).status_code == 403


def test_learning_staff_make_a_course_mandatory_on_the_page(login, learning_admin, org, gdpr):
    client = login(learning_admin)
    response = client.post(reverse("training:mandatory"), {
        "course": gdpr.pk, "unit": org["social"].pk, "validity_months": 12, "renew_days_before": 30,
        "due_in_days": 30,
    })
    assert response.status_code == 302
    page = client.get(reverse("training:mandatory")).content.decode()
    assert "Data protection" in page and "12 months" in page
    assert AuditEntry.objects.filter(action="training.mandatory_created").exists()


def test_compliance_per_department_on_the_dashboard_page_and_csv(people, login, learning_admin, org, gdpr, rule):
    # Social Work: head, manager, alice, bob, carol, champion must hold it; two are in date.
    completed(people["alice"], gdpr, days_ago=30)
    completed(people["bob"], gdpr, days_ago=100)
    completed(people["carol"], gdpr, days_ago=500)
    [row] = mandatory_compliance_by_department()
    assert (row["department"], row["required"], row["in_date"], row["expired"], row["missing"]) == (
        org["social"], 6, 2, 1, 3)
    assert row["percent"] == 33.3
    today = timezone.localdate()
    [figure] = compute_figures([org["social"], org["highways"]], Period("custom", "this month", today.replace(day=1), today),
                               keys=["mandatory_compliance_pct"])
    assert figure.values == {org["social"].pk: 33.3, org["highways"].pk: None}
    # Last year nobody was in date yet: bob's and alice's completions came later.
    year_ago = today - dt.timedelta(days=200)
    [past] = compute_figures([org["social"]], Period("custom", "then", year_ago, year_ago), keys=["mandatory_compliance_pct"])
    assert past.values == {org["social"].pk: round(100 / 6, 1)}  # carol's was in date then
    csv = login(learning_admin).get(reverse("training:mandatory_csv"))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert "Social Work,Data protection,6,2,1,3,33.3" in csv.content.decode()


def test_a_manager_sees_who_is_out_of_date_on_the_team_page(people, login, gdpr, rule):
    completed(people["alice"], gdpr, days_ago=400)
    completed(people["bob"], gdpr, days_ago=20)
    services.mandatory_assignments_run()
    rows = team_mandatory_out_of_date(people["manager"])
    # alice ran out; carol (alice's report) never did it; bob is in date.
    assert {(r["employee"].user.username, r["status"].state) for r in rows} == {
        ("alice", "expired"), ("carol", "missing")}
    page = login(people["manager"]).get(reverse("training:team")).content.decode()
    section = page[page.index('id="mandatory"'):page.index('id="overdue"')]
    assert "Out of date" in section and "Renewal of mandatory training, due" in section
    assert "Never done" in section and escape(people["bob"].display_name) not in section
    # Someone else's manager does not see them.
    other = login(people["other_manager"]).get(reverse("training:team")).content.decode()
    assert escape(people["alice"].display_name) not in other


@pytest.mark.parametrize("n", [2, 8])
def test_team_page_mandatory_section_query_count_is_constant(people, login, org, gdpr, rule,
                                                            django_assert_num_queries, n):
    from tests.factories import EmployeeFactory, UserFactory

    from .test_pages import BASE

    for i in range(n):
        e = EmployeeFactory(user=UserFactory(username=f"m{n}-{i}"), org_unit=org["team_a"],
                            line_manager=people["manager"])
        completed(e, gdpr, days_ago=400)
    client = login(people["manager"])
    # BASE + the employee record + paginator count + the page of reports + overdue assignments
    # + mandatory: the active rules, who the one rule covers, the latest completions, the people,
    # the courses and their open assignments.
    with django_assert_num_queries(BASE + 10):
        response = client.get("/training/team/")
    assert response.content.decode().count("Out of date</strong>") == n


@pytest.mark.parametrize("n", [2, 10])
def test_mandatory_page_query_count_is_constant(people, login, org, learning_admin, gdpr, rule,
                                                django_assert_num_queries, n):
    from tests.factories import EmployeeFactory, UserFactory

    from .test_pages import BASE

    for i in range(n):
        e = EmployeeFactory(user=UserFactory(username=f"c{n}-{i}"), org_unit=org["team_b"])
        completed(e, gdpr, days_ago=i * 50)
    client = login(learning_admin)
    # BASE + the rules list + compliance: the active rules, who the rule covers, the latest
    # completions, the units, the departments, people's units, the courses + the form's choices
    # (courses, units, role profiles).
    with django_assert_num_queries(BASE + 11):
        response = client.get(reverse("training:mandatory"))
    assert f"<td class=\"govuk-table__cell govuk-table__cell--numeric\">{6 + n}</td>" in response.content.decode()


def test_the_compliance_figure_takes_the_same_queries_for_any_number_of_units(people, org, gdpr, rule):
    """One pass over everyone in the units, however many units are on the dashboard; each unit's
    figure is what its own subtree alone gives."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from training.mandatory_status import IN_DATE, requirement_statuses

    completed(people["alice"], gdpr, days_ago=30)
    completed(people["carol"], gdpr, days_ago=500)
    today = timezone.localdate()
    period = Period("custom", "this month", today.replace(day=1), today)
    units = [u for u in org.values() if isinstance(u, OrgUnit)]
    counts = []
    for some in (units[:2], units):
        with CaptureQueriesContext(connection) as queries:
            [figure] = compute_figures(some, period, keys=["mandatory_compliance_pct"])
        counts.append(len(queries))
        for unit in some:
            statuses = requirement_statuses(Employee.objects.filter(
                is_active=True, org_unit__in=unit.get_descendants(include_self=True)), as_of=today)
            expected = (round(100 * sum(s.state in IN_DATE for s in statuses.values()) / len(statuses), 1)
                        if statuses else None)
            assert figure.values[unit.pk] == expected, unit
    assert len(units) > 2 and counts[0] == counts[1]
