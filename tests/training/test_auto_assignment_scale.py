"""Automatic assignment over many people: a fixed number of queries whatever the head-count (the
council-wide repeat run is a nightly job), and the same outcome as for each person alone."""

import datetime as dt

import pytest
from django.utils import timezone

from people.models import Employee
from skills_matrix.models import Level
from tests.skills_matrix.factories import assign, make_profile, set_levels
from training import services
from training.models import Assignment

from .conftest import make_course

DUE = timezone.localdate() + dt.timedelta(days=60)


@pytest.fixture
def catalogue(skills):
    return [make_course("sheets-1", skill_levels=[(skills["sheets"], Level.FOUNDATION)]),
            make_course("sheets-2", skill_levels=[(skills["sheets"], Level.WORKING)]),
            make_course("email-2", skill_levels=[(skills["email"], Level.WORKING)])]


def _staff(org, skills, n):
    profile = make_profile({skills["sheets"]: 2, skills["email"]: 2})
    made = Employee.objects.bulk_create(Employee(first_name="Auto", last_name=f"N{i}", org_unit=org["team_a"])
                                        for i in range(n))
    for i, e in enumerate(made):
        assign(e, profile)
        set_levels(e, {skills["sheets"]: i % 3, skills["email"]: (i + 1) % 3})
    return Employee.objects.filter(pk__in=[e.pk for e in made])


@pytest.mark.parametrize("n", [3, 40])
def test_repeat_run_queries_do_not_grow_with_staff(db, org, skills, catalogue, django_assert_num_queries, n):
    staff = _staff(org, skills, n)
    first = services.assignments_from_gaps(employees=staff, due_on=DUE)
    assert first["assigned"] > 0
    # savepoint and release (2); the gaps: people, requirements, default profile, assigned profiles,
    # current levels (5); course links (1); open assignments, completions (2). Nothing new and
    # nothing closed: no insert, update or audit.
    with django_assert_num_queries(10):
        again = services.assignments_from_gaps(employees=staff, due_on=DUE)
    assert again == {"assigned": 0, "withdrawn": 0}


def test_a_run_over_everyone_gives_what_runs_per_person_give(db, org, skills, catalogue):
    staff = list(_staff(org, skills, 12))
    services.assignments_from_gaps(employees=staff, due_on=DUE)
    together = set(Assignment.objects.values_list("employee_id", "course_id", "gap_skill_id"))
    Assignment.objects.all().delete()
    for e in staff:
        services.assignments_from_gaps(employees=[e], due_on=DUE)
    assert set(Assignment.objects.values_list("employee_id", "course_id", "gap_skill_id")) == together
    # a gap closed for half of them withdraws exactly their automatic assignments
    for e in staff[:6]:
        set_levels(e, {skills["sheets"]: 2, skills["email"]: 2})
    result = services.assignments_from_gaps(employees=staff, due_on=DUE)
    withdrawn = set(Assignment.objects.filter(status=Assignment.Status.WITHDRAWN).values_list("employee_id", flat=True))
    assert withdrawn == {e.pk for e in staff[:6] if Assignment.objects.filter(employee=e).exists()}
    assert result["withdrawn"] == Assignment.objects.filter(status=Assignment.Status.WITHDRAWN).count()
