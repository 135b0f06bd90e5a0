"""The team matrix scales with the team, not the council: a fixed number of queries at two team
sizes and two council sizes, the viewer's scope (the recursive chain of reports) read once, and the
levels, profiles and self-assessments read for the team's ids only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Employee
from skills_matrix import permissions
from skills_matrix.matrix import gap_matrix
from tests.factories import EmployeeFactory

from .factories import (
    assign,
    make_area,
    make_campaign,
    make_profile,
    make_skill,
    set_levels,
    submitted_assessment,
)


@pytest.fixture
def skills(db):
    area = make_area("Scale")
    return [make_skill(area, f"Scale {i}", descriptors=False) for i in range(4)]


@pytest.fixture
def profile(skills):
    return make_profile(dict.fromkeys(skills, 2), name="Scale profile")


def _staff(unit, manager, profile, skills, n, campaign=None, prefix="Staff"):
    staff = [EmployeeFactory(org_unit=unit, line_manager=manager, user=None, first_name=prefix, last_name=f"No{i}")
             for i in range(n)]
    for i, e in enumerate(staff):
        assign(e, profile)
        set_levels(e, {s: (i + j) % 5 for j, s in enumerate(skills)})
        if campaign is not None and i % 2:
            submitted_assessment(e, campaign, dict.fromkeys(skills, 3))
    return staff


@pytest.mark.parametrize("council_extra", [0, 80])
def test_team_matrix_queries_are_fixed_at_two_team_and_two_council_sizes(
    people, org, skills, profile, login, django_assert_num_queries, council_extra
):
    """The rest of the council (here Highways, grown by 80 people with levels and self-assessments)
    changes nothing in what the manager's page costs; nor does the size of the manager's team."""
    campaign = make_campaign()
    _staff(org["highways"], people["other_manager"], profile, skills, council_extra, campaign, prefix="Elsewhere")
    _staff(org["team_a"], people["manager"], profile, skills, 5, campaign)
    client = login(people["manager"])
    client.get(reverse("skills_matrix:matrix"))  # warm the session and user caches
    # session + user (2), groups for roles (1), employee for the user (1); the viewer's scope: units
    # they lead with everything beneath (1), their chain of reports and those units' staff as ids
    # (1), "may see anyone" (1); the matrix: people, skills, active profiles, assigned profiles,
    # requirements of those profiles, current levels, pending self-assessments (7); the filter
    # form's choices: the units the viewer may see (permissions.matrix_units: the units their people
    # sit in, the units they lead, then the choices themselves), role profiles, skill areas (5).
    with django_assert_num_queries(19):
        small = client.get(reverse("skills_matrix:matrix"))
    _staff(org["team_b"], people["manager"], profile, skills, 60, campaign, prefix="More")
    with django_assert_num_queries(19):
        large = client.get(reverse("skills_matrix:matrix"))
    assert len(large.context["matrix"].rows) == len(small.context["matrix"].rows) + 60
    assert not any(r.name.startswith("Elsewhere") for r in large.context["matrix"].rows)


@pytest.mark.parametrize("viewer", ["manager", "head", "director"])
def test_the_viewers_scope_is_read_once_and_the_rest_asks_for_the_team(people, org, skills, profile, login, viewer):
    """One query walks the chain of reports; the levels, profiles and self-assessments are read by
    the team's ids, not by a subquery that runs the viewer's scope again over the council."""
    _staff(org["team_a"], people["manager"], profile, skills, 3, make_campaign())
    client = login(people[viewer])
    client.get(reverse("skills_matrix:matrix"))
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("skills_matrix:matrix")).status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert sum("WITH RECURSIVE" in sql for sql in sqls) == 1
    team_reads = [sql for sql in sqls if any(f'FROM "skills_matrix_{t}"' in sql
                                             for t in ("currentskills", "employeeroleprofile", "rating"))]
    assert len(team_reads) == 3
    assert not any("people_employee" in sql for sql in team_reads)


@pytest.mark.parametrize("viewer", ["manager", "head", "director", "alice", "bob", "hr"])
def test_the_listed_scope_is_the_same_people_as_matrix_people(people, org, skills, profile, viewer):
    _staff(org["team_a"], people["manager"], profile, skills, 3)
    _staff(org["highways"], people["other_manager"], profile, skills, 2, prefix="Elsewhere")
    user = people[viewer].user
    listed = set(permissions.matrix_people_listed(user).values_list("pk", flat=True))
    assert listed == set(permissions.matrix_people(user).values_list("pk", flat=True))
    assert people[viewer].pk not in listed or viewer == "hr"
    a, b = gap_matrix(permissions.matrix_people_listed(user)), gap_matrix(permissions.matrix_people(user))
    assert [(r.employee_id, r.gaps, r.total_shortfall, r.profile_name) for r in a.rows] == \
        [(r.employee_id, r.gaps, r.total_shortfall, r.profile_name) for r in b.rows]
    assert [(t.column, t.people_required, t.people_short) for t in a.skill_totals] == \
        [(t.column, t.people_required, t.people_short) for t in b.skill_totals]


def test_a_leaver_in_the_chain_is_not_listed(people, org, skills, profile):
    Employee.objects.filter(pk=people["bob"].pk).update(is_active=False)
    listed = set(permissions.matrix_people_listed(people["manager"].user).values_list("pk", flat=True))
    assert people["bob"].pk not in listed and people["alice"].pk in listed


def test_xlsx_export_holds_the_csv_rows_cell_for_cell(people, org, skills, profile, login):
    """The XLSX (core.xlsx's streaming writer) reads back as the CSV does: same header, same people,
    same numbers, blanks where the CSV is empty; formulas neutralised in both."""
    import csv
    import io

    from openpyxl import load_workbook

    _staff(org["team_a"], people["manager"], profile, skills, 4, make_campaign())
    Employee.objects.filter(pk=people["bob"].pk).update(job_title="=HYPERLINK(1)")
    client = login(people["manager"])
    body = client.get(reverse("skills_matrix:matrix_csv")).content.decode()
    from_csv = list(csv.reader(io.StringIO(body)))
    book = load_workbook(io.BytesIO(client.get(reverse("skills_matrix:matrix_xlsx")).content))
    from_xlsx = [["" if v is None else str(v) for v in row] for row in book["Gap matrix"].iter_rows(values_only=True)]
    width = len(from_csv[0])
    assert [r + [""] * (width - len(r)) for r in from_xlsx] == from_csv
    assert any("'=HYPERLINK(1)" in r for r in from_xlsx)
    ranked = list(book["Skills by shortfall"].iter_rows(values_only=True))
    assert ranked[0] == ("Skill", "Area", "People required", "People below", "Total levels short")
