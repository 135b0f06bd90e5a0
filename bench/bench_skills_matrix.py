"""Gap matrix for a department of 2,000 people × 60 skills: server time of the page, the matrix
computation alone, and the CSV and XLSX exports."""

import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client

PEOPLE = 2000
SKILLS = 60


def _setup():
    from people import roles
    from people.models import Employee, OrgUnit
    from skills_matrix.models import CurrentSkills, EmployeeRoleProfile, RoleProfile, RoleRequirement, Skill

    rng = random.Random(7)
    council = OrgUnit.objects.create(code="bench-council", name="Bench Council", kind=OrgUnit.Kind.COUNCIL)
    dept = OrgUnit.objects.create(code="bench-dept", name="Bench Department", kind=OrgUnit.Kind.DEPARTMENT, parent=council)
    teams = [OrgUnit.objects.create(code=f"bench-team-{i}", name=f"Team {i}", kind=OrgUnit.Kind.TEAM, parent=dept)
             for i in range(20)]
    user = get_user_model().objects.create_user("bench-hr", password="x" * 12)
    user.groups.add(Group.objects.get_or_create(name=roles.HR)[0])
    Employee.objects.create(user=user, first_name="Bench", last_name="HR", org_unit=council)

    existing = list(Skill.objects.filter(kind=Skill.Kind.SKILL, is_active=True))
    area = Skill.objects.create(code="bench-area", name="Bench area", kind=Skill.Kind.AREA)
    for i in range(SKILLS - len(existing)):
        Skill.objects.create(code=f"bench-skill-{i}", name=f"Bench skill {i}", kind=Skill.Kind.SKILL, parent=area)
    skills = list(Skill.objects.filter(kind=Skill.Kind.SKILL, is_active=True))[:SKILLS]
    profile = RoleProfile.objects.create(code="bench-profile", name="Bench profile")
    RoleRequirement.objects.bulk_create(RoleRequirement(profile=profile, skill=s, level=rng.randint(1, 3)) for s in skills)

    styles = list(Employee.WorkStyle.values)
    Employee.objects.bulk_create(
        [Employee(first_name=f"Person{i}", last_name=f"Bench{i:04d}", org_unit=teams[i % len(teams)],
                  job_title="Officer", work_style=styles[i % len(styles)]) for i in range(PEOPLE)],
        batch_size=1000,
    )
    ids = list(Employee.objects.filter(org_unit__in=teams).values_list("pk", flat=True))
    # Most have their own profile; the rest fall back to the default profile.
    EmployeeRoleProfile.objects.bulk_create(
        [EmployeeRoleProfile(employee_id=pk, profile=profile) for pk in ids if rng.random() < 0.8], batch_size=1000
    )
    CurrentSkills.objects.bulk_create(
        [CurrentSkills(employee_id=pk, levels={str(s.pk): rng.randint(0, 4) for s in skills if rng.random() < 0.9})
         for pk in ids if rng.random() < 0.85],
        batch_size=1000,
    )
    return user, dept, len(skills)


def _time(fn, repeat=5):
    fn()  # warm up
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs) * 1000, result


def run():
    from people.models import Employee
    from people.selectors import units_within
    from skills_matrix.exports import matrix_csv
    from skills_matrix.matrix import gap_matrix

    user, dept, n_skills = _setup()
    client = Client()
    client.force_login(user)
    url = f"/skills/matrix/?unit={dept.pk}"

    page_ms, response = _time(lambda: client.get(url))
    assert response.status_code == 200, response.status_code
    queries = []
    with connection.execute_wrapper(lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)):
        client.get(url)
    people = Employee.objects.filter(org_unit__in=units_within([dept]))
    compute_ms, matrix = _time(lambda: gap_matrix(people))
    csv_ms, body = _time(lambda: client.get(f"/skills/matrix/export.csv?unit={dept.pk}"), repeat=3)
    csv_only_ms, _ = _time(lambda: matrix_csv(matrix), repeat=3)
    xlsx_ms, _ = _time(lambda: client.get(f"/skills/matrix/export.xlsx?unit={dept.pk}"), repeat=1)
    return [
        ("department size", f"{len(matrix.rows):,} people × {len(matrix.columns)} skills ({n_skills} active)"),
        ("matrix page, server time (median of 5, 50 rows shown)", f"{page_ms:.0f} ms"),
        ("matrix page, queries", f"{len(queries)}"),
        ("gap matrix computation alone (all rows and totals)", f"{compute_ms:.0f} ms"),
        ("CSV export, server time (median of 3)", f"{csv_ms:.0f} ms ({len(body.content) / 1e6:.1f} MB)"),
        ("CSV writing alone", f"{csv_only_ms:.0f} ms"),
        ("XLSX export, server time", f"{xlsx_ms:.0f} ms"),
    ]
