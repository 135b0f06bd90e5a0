"""The gap matrix: scoping, figures, exports and a constant number of queries."""

import csv
import io
import re

import pytest
from django.urls import reverse

from people.models import Employee
from skills_matrix.matrix import gap_matrix
from skills_matrix.models import RoleProfile
from tests.factories import EmployeeFactory

from .factories import (
    assign,
    make_area,
    make_campaign,
    make_profile,
    make_skill,
    only_test_skills_active,
    set_levels,
    submitted_assessment,
)


@pytest.fixture
def framework(db):
    area = make_area("Office tools")
    return {"area": area, "word": make_skill(area, "Word"), "excel": make_skill(area, "Excel"),
            "teams": make_skill(area, "Teams")}


@pytest.fixture
def team(people, framework):
    profile = make_profile({framework["word"]: 2, framework["excel"]: 3}, name="Social worker")
    for who in ("alice", "bob", "carol"):
        assign(people[who], profile)
    set_levels(people["alice"], {framework["word"]: 2, framework["excel"]: 3})  # meets both
    set_levels(people["bob"], {framework["word"]: 1})  # 1 short in Word, 3 short in Excel (not assessed)
    return profile


def _names(response):
    return {r.name for r in response.context["matrix"].rows}


def test_figures_per_person_and_per_skill(people, framework, team):
    m = gap_matrix(Employee.objects.filter(pk__in=[people["alice"].pk, people["bob"].pk]), profile=team)
    rows = {r.name: r for r in m.rows}
    assert (rows[people["alice"].display_name].gaps, rows[people["alice"].display_name].total_shortfall) == (0, 0)
    assert (rows[people["bob"].display_name].gaps, rows[people["bob"].display_name].total_shortfall) == (2, 4)
    totals = {t.column.name: (t.people_required, t.people_short, t.total_shortfall) for t in m.skill_totals}
    assert totals == {"Word": (2, 1, 1), "Excel": (2, 1, 3)}
    assert [t.column.name for t in m.ranked_skills] == ["Excel", "Word"]  # tie on people: more levels first
    bob = rows[people["bob"].display_name]
    m.fill([bob])
    excel = next(c for c in bob.cells if c.column.name == "Excel")
    assert (excel.symbol, excel.css) == ("▼3", "app-heat--gap3")
    assert excel.label == "not assessed, needs 3: 3 below"


def test_manager_sees_only_their_reports_rows(people, team, login):
    response = login(people["manager"]).get(reverse("skills_matrix:matrix"))
    assert response.status_code == 200
    # alice and bob report to the manager; carol reports to alice (so is in the chain); nobody else.
    assert _names(response) == {people[w].display_name for w in ("alice", "bob", "carol")}
    response = login(people["alice"]).get(reverse("skills_matrix:matrix"))
    assert _names(response) == {people["carol"].display_name}
    response = login(people["other_manager"]).get(reverse("skills_matrix:matrix"))
    assert _names(response) == {people["dave"].display_name}


def test_portfolio_lead_sees_their_units_and_hr_everyone(people, team, login):
    director = login(people["director"]).get(reverse("skills_matrix:matrix"))
    names = _names(director)
    assert people["alice"].display_name in names and people["dave"].display_name not in names
    hr = login(people["hr"]).get(reverse("skills_matrix:matrix"))
    assert people["dave"].display_name in _names(hr)


def test_people_without_reports_cannot_open_the_matrix(people, login):
    for who in ("bob", "carol", "dave", "payroll"):
        assert login(people[who]).get(reverse("skills_matrix:matrix")).status_code == 403, who
        assert login(people[who]).get(reverse("skills_matrix:matrix_csv")).status_code == 403, who


def test_filters_narrow_the_rows(people, org, team, login):
    client = login(people["hr"])
    by_unit = client.get(reverse("skills_matrix:matrix"), {"unit": org["team_b"].pk})
    assert _names(by_unit) == {people["carol"].display_name}
    by_profile = client.get(reverse("skills_matrix:matrix"), {"profile": team.pk})
    assert _names(by_profile) == {people[w].display_name for w in ("alice", "bob", "carol")}
    Employee.objects.filter(pk=people["bob"].pk).update(work_style=Employee.WorkStyle.MOBILE)
    by_style = client.get(reverse("skills_matrix:matrix"), {"work_style": "mobile", "profile": team.pk})
    assert _names(by_style) == {people["bob"].display_name}


def test_heat_map_and_plain_table_say_it_in_words(people, team, login):
    client = login(people["manager"])
    heat = client.get(reverse("skills_matrix:matrix"), {"profile": team.pk}).content.decode()
    assert "app-heat--gap3" in heat and "▼3" in heat and "not assessed, needs 3: 3 below" in heat
    table = client.get(reverse("skills_matrix:matrix"), {"profile": team.pk, "view": "table"}).content.decode()
    assert "Levels short" in table and "Not assessed" in table and "app-heat--" not in table.split("People</h2>")[1]


def test_unvalidated_self_assessment_shows_as_pending_not_met(people, framework, team, login):
    submitted_assessment(people["bob"], make_campaign(), {framework["excel"]: 4})
    html = login(people["manager"]).get(reverse("skills_matrix:matrix"), {"profile": team.pk}).content.decode()
    assert "self-assessed 4, awaiting validation" in html


def test_csv_export_has_every_row(people, framework, team, login):
    response = login(people["manager"]).get(reverse("skills_matrix:matrix_csv"), {"profile": team.pk})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Name", "Job title", "Team"] and "Excel – required" in rows[0]
    assert {r[0] for r in rows[1:]} == {people[w].display_name for w in ("alice", "bob", "carol")}


def test_csv_export_neutralises_formulas(people, framework, team, login):
    Employee.objects.filter(pk=people["bob"].pk).update(job_title="=HYPERLINK(1)")
    body = login(people["manager"]).get(reverse("skills_matrix:matrix_csv")).content.decode()
    assert "'=HYPERLINK(1)" in body


def test_xlsx_and_pdf_exports(people, org, team, login):
    from openpyxl import load_workbook

    client = login(people["head"])
    xlsx = client.get(reverse("skills_matrix:matrix_xlsx"), {"unit": org["social"].pk})
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert sheet.cell(1, 1).value == "Name" and sheet.max_row >= 4
    pdf = client.get(reverse("skills_matrix:matrix_pdf"), {"unit": org["social"].pk})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    # Without a department the PDF asks for one instead of failing.
    assert client.get(reverse("skills_matrix:matrix_pdf")).status_code == 302


def _grow_department(unit, manager, profile, skills, n):
    staff = [EmployeeFactory(org_unit=unit, line_manager=manager, user=None, first_name="Staff", last_name=f"No{i}")
             for i in range(n)]
    for i, e in enumerate(staff):
        assign(e, profile)
        set_levels(e, {s: (i + j) % 5 for j, s in enumerate(skills)})
    return staff


def test_matrix_query_count_does_not_grow_with_people_or_skills(people, org, framework, login, django_assert_num_queries):
    area2 = make_area("More")
    extra = [make_skill(area2, f"Extra {i}", descriptors=False) for i in range(5)]
    profile = make_profile({framework["word"]: 2, framework["excel"]: 3, **dict.fromkeys(extra, 2)}, name="Big")
    skills = [framework["word"], framework["excel"], *extra]
    _grow_department(org["team_a"], people["manager"], profile, skills, 5)
    client = login(people["manager"])
    client.get(reverse("skills_matrix:matrix"))  # warm the session and user caches
    # The 19 queries are listed in test_matrix_scale.py, which also pins them at two council sizes.
    with django_assert_num_queries(19):
        small = client.get(reverse("skills_matrix:matrix"))
    _grow_department(org["team_b"], people["manager"], profile, skills, 60)
    with django_assert_num_queries(19):
        large = client.get(reverse("skills_matrix:matrix"))
    assert len(large.context["matrix"].rows) > len(small.context["matrix"].rows) + 50


def test_api_matrix_is_scoped(people, team, api_as):
    body = api_as(people["manager"]).get("/api/skills/matrix/").json()
    assert {r["name"] for r in body["rows"]} == {people[w].display_name for w in ("alice", "bob", "carol")}
    assert api_as(people["bob"]).get("/api/skills/matrix/").json()["rows"] == []
    bad = api_as(people["hr"]).get("/api/skills/matrix/", {"unit": "nowhere"})
    assert bad.status_code == 400 and "unit" in bad.json()


def test_default_profile_is_shipped(db):
    assert RoleProfile.objects.filter(is_default=True).count() == 1


def test_sort_by_largest_gap_and_drill_down(people, framework, team, login):
    client = login(people["manager"])
    response = client.get(reverse("skills_matrix:matrix"), {"profile": team.pk, "sort": "gaps"})
    rows = response.context["page"].object_list
    assert [r.total_shortfall for r in rows] == sorted((r.total_shortfall for r in rows), reverse=True)
    assert rows[0].name in {people["bob"].display_name, people["carol"].display_name}
    person = client.get(reverse("skills_matrix:person", args=[people["bob"].pk])).content.decode()
    assert "Social worker" in person and "▼ 3 below" in person and "Not assessed" in person


def test_skill_area_filter_keeps_one_area(people, framework, team, login):
    other = make_area("Other area")
    extra = make_skill(other, "Extra skill")
    from skills_matrix.models import RoleRequirement

    RoleRequirement.objects.create(profile=team, skill=extra, level=1)
    client = login(people["hr"])
    everything = client.get(reverse("skills_matrix:matrix"), {"profile": team.pk})
    assert {c.name for c in everything.context["matrix"].columns} == {"Word", "Excel", "Extra skill"}
    one_area = client.get(reverse("skills_matrix:matrix"), {"profile": team.pk, "area": other.pk})
    assert [c.name for c in one_area.context["matrix"].columns] == ["Extra skill"]


def test_a_head_of_service_can_choose_their_department(people, org, team, login):
    """The unit choice lists every unit the viewer may see, their own included, not only units
    where someone they see sits directly: here nobody the head sees sits in Social Work itself."""
    Employee.objects.filter(pk=people["champion"].pk).update(org_unit=org["team_b"])
    client = login(people["head"])
    response = client.get(reverse("skills_matrix:matrix"))
    choices = set(response.context["form"].fields["unit"].queryset)
    assert choices == {org["social"], org["team_a"], org["team_b"]}
    by_department = client.get(reverse("skills_matrix:matrix"), {"unit": org["social"].pk})
    assert _names(by_department) == {people[w].display_name for w in ("manager", "alice", "bob", "carol", "champion")}
    # and the department's PDF (it asked for a department again when the choice refused it)
    pdf = client.get(reverse("skills_matrix:matrix_pdf"), {"unit": org["social"].pk})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # a portfolio lead: the portfolio and everything beneath it, nothing outside
    director = set(login(people["director"]).get(reverse("skills_matrix:matrix")).context["form"].fields["unit"].queryset)
    assert director == {org["adults"], org["social"], org["team_a"], org["team_b"]}


def test_department_by_skill_view_ranks_departments_for_directors(people, org, framework, team, login):
    """Social Work: alice meets Word 2 and Excel 3; bob and carol are below both: 2 of 3 people
    below in each skill, 4 of 6 requirements overall. Highways: dave meets Word 2: 0%."""
    only_test_skills_active(framework["area"])  # the default framework's requirements set aside
    assign(people["dave"], make_profile({framework["word"]: 2}, name="Inspector"))
    set_levels(people["dave"], {framework["word"]: 2})
    page = login(people["hr"]).get(reverse("skills_matrix:matrix_departments"))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [(r.unit, r.overall) for r in rows] == [(org["social"], 66.7), (org["highways"], 0.0)]
    assert [s.name for s in page.context["skills"]] == ["Excel", "Word"]  # framework order
    assert rows[0].cells == [66.7, 66.7] and rows[1].cells == [None, 0.0]  # Highways needs no Excel
    # a director compares the departments of their portfolio only; a line manager may not open it
    director = login(people["director"]).get(reverse("skills_matrix:matrix_departments"))
    assert [r.unit for r in director.context["rows"]] == [org["social"]]
    assert login(people["manager"]).get(reverse("skills_matrix:matrix_departments")).status_code == 403


def test_the_matrix_page_leads_directors_to_the_department_comparison(people, team, login, client):
    url = reverse("skills_matrix:matrix_departments")
    assert url in login(people["director"]).get(reverse("skills_matrix:matrix")).content.decode()
    client.logout()
    assert url not in login(people["manager"]).get(reverse("skills_matrix:matrix")).content.decode()


def test_the_heat_map_reads_pending_self_assessments_for_the_page_it_shows(people, org, framework, login):
    """Pending self-assessments are read for the 50 rows a page shows (and said there, on page 2
    too), not for everyone in the matrix; the exports, which do not show them, do not read them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profile = make_profile({framework["word"]: 2}, name="Officer")
    staff = _grow_department(org["team_b"], people["manager"], profile, [framework["word"]], 60)
    last = max(staff, key=lambda e: (e.last_name, e.first_name, e.pk))  # sorted by name: on page 2
    submitted_assessment(last, make_campaign(), {framework["word"]: 4})
    client = login(people["manager"])

    def rating_queries(response_for):
        with CaptureQueriesContext(connection) as q:
            response = response_for()
        return response, [x["sql"] for x in q.captured_queries if "skills_matrix_rating" in x["sql"]]

    first, ratings = rating_queries(lambda: client.get(reverse("skills_matrix:matrix"), {"profile": profile.pk}))
    assert "self-assessed 4, awaiting validation" not in first.content.decode()
    assert len(ratings) == 1
    asked = {int(n) for n in re.findall(r"\b\d+\b", ratings[0].split("WHERE")[1])}  # the ids (and no other number)
    assert len(asked) == 50 and last.pk not in asked
    second, _ = rating_queries(lambda: client.get(reverse("skills_matrix:matrix"), {"profile": profile.pk, "page": 2}))
    assert "self-assessed 4, awaiting validation" in second.content.decode()
    for export in ("skills_matrix:matrix_csv", "skills_matrix:matrix_xlsx"):
        response, ratings = rating_queries(lambda export=export: client.get(reverse(export), {"profile": profile.pk}))
        assert response.status_code == 200 and ratings == []


def test_heat_cells_say_what_each_cell_says_of_itself(people, framework):
    """The heat map's markup for every kind of cell: not required, met, short by one and by more
    than three, never assessed, and with a self-assessment awaiting validation. The words are what
    screen readers hear (and the title), the symbol and colour only repeat them."""
    from skills_matrix.matrix import Cell, Row
    from skills_matrix.templatetags.skills_matrix_tags import heat_cells

    def td(css, shown, label):
        return (f'<td class="govuk-table__cell app-heat {css}" title="{label}"><span aria-hidden="true">{shown}</span>'
                f'<span class="govuk-visually-hidden">{label}</span></td>')

    cases = [
        (Cell(None, 2, None), '<td class="govuk-table__cell app-heat app-heat--none">'
                              '<span class="govuk-visually-hidden">not required</span></td>'),
        (Cell(2, 2, None), td("app-heat--met", "2/2 ✓", "level 2, needs 2: meets requirement")),
        (Cell(1, 5, None), td("app-heat--met", "5/1 ✓", "level 5, needs 1: meets requirement")),
        (Cell(3, 2, None), td("app-heat--gap1", "2/3 ▼1", "level 2, needs 3: 1 below")),
        (Cell(5, 1, 3), td("app-heat--gap3", "1/5 ▼4", "level 1, needs 5: 4 below; self-assessed 3, awaiting validation")),
        (Cell(2, None, None), td("app-heat--gap2", "?/2 ▼2", "not assessed, needs 2: 2 below")),
        (Cell(4, None, 4), td("app-heat--gap3", "?/4 ▼4", "not assessed, needs 4: 4 below; self-assessed 4, awaiting validation")),
    ]
    for cell, expected in cases:
        row = Row(employee_id=1, name="A", job_title="", unit_name="", profile_name="", work_style="",
                  total_shortfall=0, gaps=0, required={}, levels={}, pending={}, cells=[cell])
        assert heat_cells(row) == expected
        if cell.required is not None:  # the table view and the API read the same words from the cell
            assert cell.label in expected and cell.css in expected and cell.symbol in expected

