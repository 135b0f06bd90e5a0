"""List pages and endpoints hold a constant number of queries as the council grows.

Each test runs at a small and a ten-times larger size with the same pinned count. The counts include
the per-request work every signed-in page does: the session (1), the user (1) and the user's groups
for the navigation's role checks (1).
"""

import itertools

import pytest
from django.urls import reverse

from people.models import Employee, OrgUnit

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def add_staff(unit: OrgUnit, n: int, *, manager: Employee | None = None, prefix: str = "staff") -> list[Employee]:
    """`n` active employees without accounts (directory entries), in one INSERT."""
    staff = [
        Employee(
            first_name=f"{prefix.title()}{i}", last_name=f"Surname{i:05d}", job_title="Care Worker",
            email=f"{prefix}{i}@council.example", org_unit=unit, line_manager=manager,
            employee_number=f"Q{next(_numbers):07d}",
        )
        for i in range(n)
    ]
    for e in staff:
        e.search_text = e.build_search_text()
    return Employee.objects.bulk_create(staff)


def add_report_tree(manager: Employee, unit: OrgUnit, *, direct: int, each: int) -> int:
    """`direct` reports under `manager`, each with `each` reports of their own. Returns how many."""
    leads = add_staff(unit, direct, manager=manager, prefix=f"lead{manager.pk}x")
    for lead in leads:
        add_staff(unit, each, manager=lead, prefix=f"rep{lead.pk}x")
    return direct + direct * each


# ---------------------------------------------------------------- directory page


@pytest.mark.parametrize("extra_staff", [30, 300])
def test_directory_page_queries_do_not_grow_with_staff(people, org, login, django_assert_num_queries, extra_staff):
    add_staff(org["team_b"], extra_staff)
    client = login(people["alice"])
    # session, user, user's groups (navigation), the org-unit options for the filter, the page's COUNT
    # and the page of 25 people with their org unit joined in.
    with django_assert_num_queries(6):
        response = client.get(reverse("people:directory"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25


@pytest.mark.parametrize("extra_staff", [30, 300])
def test_directory_search_with_unit_filter_queries_do_not_grow(
    people, org, login, django_assert_num_queries, extra_staff
):
    add_staff(org["team_b"], extra_staff)
    client = login(people["alice"])
    # As above, plus the chosen unit (form validation) and its subtree (units_within), which the
    # COUNT and page queries reuse as a subquery, and the units whose names the words are matched
    # against (people.selectors._units_named: ids, so the trigram index can be used).
    with django_assert_num_queries(8):
        response = client.get(reverse("people:directory"), {"q": "care worker", "unit": org["adults"].pk, "page": 2})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == extra_staff
    assert response.context["page"].number == 2


# ---------------------------------------------------------------- organisation pages


@pytest.mark.parametrize("extra_units", [5, 50])
def test_org_tree_queries_do_not_grow_with_units(people, org, login, django_assert_num_queries, extra_units):
    for i in range(extra_units):
        dept = OrgUnit.objects.create(code=f"dept-{i}", name=f"Department {i}", kind=OrgUnit.Kind.DEPARTMENT, parent=org["place"])
        add_staff(dept, 3, prefix=f"d{i}x")
    client = login(people["alice"])
    # session, user, groups, staff counts per unit (one GROUP BY), the tree itself (one ordered query).
    with django_assert_num_queries(5):
        response = client.get(reverse("people:org_tree"))
    assert response.status_code == 200
    assert "Department 0" in response.text


@pytest.mark.parametrize("extra_staff", [30, 300])
def test_org_unit_page_queries_do_not_grow(people, org, login, django_assert_num_queries, extra_staff):
    add_staff(org["social"], extra_staff)
    client = login(people["alice"])
    # session, user, groups, the unit with its head, its breadcrumb ancestors, its child units, the
    # COUNT of people and the page of 25 people.
    with django_assert_num_queries(8):
        response = client.get(reverse("people:org_unit", args=["social-work"]))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == extra_staff + 2  # + head and champion


# ---------------------------------------------------------------- API


@pytest.mark.parametrize("extra_staff", [30, 300])
def test_api_directory_queries_do_not_grow(people, org, api_as, django_assert_num_queries, extra_staff):
    add_staff(org["team_b"], extra_staff)
    client = api_as(people["alice"])
    # The API authenticates without a session (force_authenticate here; a token in real use): the
    # COUNT, and the page of 50 with org unit joined in.
    with django_assert_num_queries(2):
        response = client.get("/api/people/")
    assert response.status_code == 200
    assert response.json()["count"] == 13 + extra_staff
    assert len(response.json()["results"]) == min(50, 13 + extra_staff)


@pytest.mark.parametrize(("direct", "each"), [(5, 5), (20, 20)])
def test_api_employee_records_for_a_manager_with_many_reports(
    people, org, api_as, django_assert_num_queries, direct, each
):
    added = add_report_tree(people["manager"], org["team_a"], direct=direct, each=each)
    add_staff(org["highways"], 200, manager=people["other_manager"], prefix="elsewhere")  # never visible
    client = api_as(people["manager"])
    # groups (HR/admin see everyone), the manager's own record, then the COUNT and the page, each
    # with the recursive report chain as a subquery.
    with django_assert_num_queries(4):
        response = client.get("/api/employees/")
    assert response.status_code == 200
    # manager + alice + bob + carol + the added tree
    assert response.json()["count"] == 4 + added


@pytest.mark.parametrize("extra_staff", [30, 300])
def test_api_employee_records_for_hr_queries_do_not_grow(people, org, api_as, django_assert_num_queries, extra_staff):
    add_staff(org["team_b"], extra_staff)
    client = api_as(people["hr"])
    # groups (HR sees everyone, so no report chain), the COUNT and the page of 50.
    with django_assert_num_queries(3):
        response = client.get("/api/employees/")
    assert response.json()["count"] == 13 + extra_staff


@pytest.mark.parametrize("reports", [5, 50])
def test_profile_page_queries_do_not_grow_with_reports_or_history(
    people, org, login, django_assert_num_queries, reports
):
    from people import services

    manager = people["manager"]
    add_staff(org["team_a"], reports, manager=manager, prefix="r")
    for phone in [f"01632 960 {i:03d}" for i in range(reports // 5)]:
        services.employee_update_own_details(user=manager.user, employee=manager, data={"work_phone": phone})
    client = login(people["head"])
    # session, user, the employee with team, manager and account, then can_view_record: groups, the
    # viewer's own record, the report-chain check; then direct reports, history with actors, and the
    # breadcrumb ancestors.
    with django_assert_num_queries(9):
        response = client.get(reverse("people:profile", args=[manager.pk]))
    assert response.status_code == 200
    assert len(response.context["reports"]) == reports + 2  # + alice and bob
