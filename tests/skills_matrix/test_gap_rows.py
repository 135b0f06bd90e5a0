"""gap_rows: gaps_for's rule as flat rows for council-wide runs (training's automatic assignment),
and long id lists sent to PostgreSQL as one array parameter rather than thousands of placeholders."""

import pytest
from django.db import connection

from people.models import Employee
from skills_matrix import selectors
from skills_matrix.models import RoleProfile, RoleRequirement

from .factories import assign, make_area, make_profile, make_skill, only_test_skills_active, set_levels


@pytest.fixture
def framework(db):
    area = make_area("Office tools")
    only_test_skills_active(area)
    return {"word": make_skill(area, "Word"), "excel": make_skill(area, "Excel"), "teams": make_skill(area, "Teams")}


def test_gap_rows_are_gaps_for_as_rows(people, framework):
    officer = make_profile({framework["word"]: 2, framework["excel"]: 3}, name="Officer")
    for who in ("alice", "bob"):
        assign(people[who], officer)
    set_levels(people["alice"], {framework["word"]: 2, framework["excel"]: 1})
    set_levels(people["carol"], {framework["teams"]: 4})
    staff = Employee.objects.filter(pk__in=[people[w].pk for w in ("alice", "bob", "carol", "dave")])
    for include_met in (False, True):
        expected = sorted((emp, g.skill_id, g.required, g.current)
                          for emp, gaps in selectors.gaps_for(staff, include_met=include_met).items() for g in gaps)
        assert sorted(selectors.gap_rows(staff, include_met=include_met)) == expected
    rows = set(selectors.gap_rows(staff))
    assert (people["alice"].pk, framework["excel"].pk, 3, 1) in rows
    assert (people["bob"].pk, framework["word"].pk, 2, None) in rows
    assert not any(r[0] == people["alice"].pk and r[1] == framework["word"].pk for r in rows)  # met


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array parameter is PostgreSQL's")
def test_a_long_list_of_people_goes_as_one_array_parameter(people, framework, org):
    made = Employee.objects.bulk_create(
        Employee(first_name="Many", last_name=f"N{i}", org_unit=org["team_a"]) for i in range(1200))
    ids = [e.pk for e in made]
    params_per_query = []

    def count_params(execute, sql, params, many, context):
        params_per_query.append(len(params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count_params):
        gaps = selectors.gaps_for(ids)
    assert len(gaps) == 1200
    assert max(params_per_query) < 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the query is PostgreSQL's")
def test_gap_rows_sql_is_gap_rows(people, framework):
    officer = make_profile({framework["word"]: 2, framework["excel"]: 3}, name="Officer")
    retired = make_profile({framework["teams"]: 4}, name="Retired", is_active=False)
    default = RoleProfile.objects.get(is_default=True)
    RoleRequirement.objects.bulk_create([RoleRequirement(profile=default, skill=framework["teams"], level=2),
                                         RoleRequirement(profile=default, skill=framework["word"], level=1)])
    assign(people["alice"], officer)
    assign(people["bob"], officer)
    assign(people["dave"], retired)  # an inactive profile: measured against the default one
    set_levels(people["alice"], {framework["word"]: 2, framework["excel"]: 1})
    set_levels(people["carol"], {framework["teams"]: 4})
    set_levels(people["dave"], {framework["word"]: 0})
    ids = [people[w].pk for w in ("alice", "bob", "carol", "dave")]
    sql, params = selectors.gap_rows_sql(ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT employee_id, skill_id, required, current FROM ({sql}) g", params)  # noqa: S608
        rows = sorted(cursor.fetchall())
    assert rows == sorted((e, s, r, c or 0) for e, s, r, c in selectors.gap_rows(ids))
    assert (people["dave"].pk, framework["teams"].pk, 2, 0) in rows
