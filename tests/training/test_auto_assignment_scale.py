"""Automatic assignment over many people: a fixed number of queries whatever the head-count (the
council-wide repeat run is a nightly job), and the same outcome as for each person alone."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection, transaction
from django.utils import timezone

from people.models import AuditEntry, Employee
from skills_matrix.models import Level, RoleProfile, RoleRequirement
from tests.skills_matrix.factories import assign, make_profile, set_levels
from training import services
from training.models import Assignment, Completion
from training.services import auto_assignment

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
    # savepoint and release (2); course links (1); the people (1); the default profile (1); the
    # planner settings, the one statement that compares, inserts and withdraws, the settings put
    # back (3). Nothing new and nothing closed: no course codes, no audit.
    with django_assert_num_queries(8):
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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the Python run is the fallback for other databases")
def test_the_database_run_and_the_python_run_agree(db, org, skills, catalogue, people):
    """PostgreSQL runs the set differences in one statement; SQLite (the demo) in Python. Both, from
    the same state, leave the same assignments and the same audit."""
    both = make_course("both-2", skill_levels=[(skills["sheets"], Level.WORKING), (skills["email"], Level.WORKING)])
    above = make_course("teams-4", skill_levels=[(skills["teams"], Level.EXPERT)])
    staff = list(_staff(org, skills, 9))
    RoleRequirement.objects.create(profile=RoleProfile.objects.get(is_default=True), skill=skills["teams"], level=2)
    staff.append(people["carol"])  # no profile of her own: the default one (nothing in range: teams-4)
    Assignment.objects.create(employee=staff[0], course=catalogue[1], source=Assignment.Source.MANAGER, due_on=DUE)
    Completion.objects.create(employee=staff[1], course=both, source=Completion.Source.MANUAL,
                              completed_at=timezone.now())
    services.assignments_from_gaps(employees=staff[:5], due_on=DUE)
    for e in staff[2:4]:
        set_levels(e, {skills["sheets"]: 2, skills["email"]: 2})  # their gaps close: withdrawn
    Assignment.objects.create(employee=staff[5], course=above, source=Assignment.Source.GAP, due_on=DUE)

    def outcome(run):
        with transaction.atomic():
            AuditEntry.objects.all().delete()
            result = run()
            state = (result, sorted(Assignment.objects.values_list("employee_id", "course_id", "gap_skill_id",
                                                                   "source", "status")),
                     sorted((a.subject_id, str(a.changes)) for a in AuditEntry.objects.all()))
            transaction.set_rollback(True)
        return state

    in_db = outcome(lambda: services.assignments_from_gaps(employees=staff, due_on=DUE))
    with mock.patch.object(auto_assignment.connection, "vendor", "sqlite"):
        in_python = outcome(lambda: services.assignments_from_gaps(employees=staff, due_on=DUE))
    assert in_db == in_python
    assert in_db[0]["assigned"] > 0 and in_db[0]["withdrawn"] > 0
    assert (people["carol"].pk, above.pk, skills["teams"].pk, "gap", "open") in in_db[1]
