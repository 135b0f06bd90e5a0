"""A directory search with few matches is answered from the trigram index and sorted, not by
walking the whole directory in name order (people.paging): the people a surname matches all sort
together, so the walk reaches them only after most of the staff."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.models import Employee
from people.paging import FEW_MATCHES, DirectoryPaginator, directory_order
from people.selectors import directory_search
from tests.factories import EmployeeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vacuum_employees_afterwards")]


@pytest.fixture
def staff(org):
    """30,000 staff, 400 of them called Zimmerman (last in the alphabet), planned with fresh statistics."""
    names = [(f"Given{i % 500}", f"Family{i:05d}") for i in range(29600)]
    names += [(f"Pat{i:03d}", "Zimmerman") for i in range(400)]
    rows = [Employee(first_name=first, last_name=last, job_title="Officer", org_unit=org["team_a"])
            for first, last in names]
    for e in rows:  # bulk_create skips save(), which fills it
        e.search_text = e.build_search_text()
    Employee.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE people_employee")
        cur.execute("SELECT gin_clean_pending_list('people_employee_search_trgm')")


def _page_query_plan(client, params) -> str:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("people:directory"), params)
    assert response.status_code == 200
    page_sql = next(q["sql"] for q in queries.captured_queries
                    if "people_employee" in q["sql"] and "LIMIT" in q["sql"] and "LIKE" in q["sql"])
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + page_sql)
        return "\n".join(r[0] for r in cur.fetchall())


def test_a_surname_with_few_matches_is_read_from_the_trigram_index(staff, client, org):
    client.force_login(EmployeeFactory(org_unit=org["team_a"]).user)
    plan = _page_query_plan(client, {"q": "zimmerman"})
    assert "people_employee_search_trgm" in plan, plan
    assert "people_empl_is_acti" not in plan, plan  # not the walk through everyone in name order
    # The API pages the same way.
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/people/", {"q": "zimmerman"})
    assert response.status_code == 200 and response.json()["count"] == 400
    page_sql = next(q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"] and "LIKE" in q["sql"])
    assert "NULLS FIRST" in page_sql


def test_many_matches_keep_the_walk_and_the_pages_are_the_same_either_way(staff, client, org):
    client.force_login(EmployeeFactory(org_unit=org["team_a"]).user)
    plan = _page_query_plan(client, {"q": "officer"})  # 30,000 matches: dense everywhere
    assert "people_empl_is_acti" in plan, plan
    # The order itself is the directory's, whichever way it is read.
    qs = directory_search(query="zimmerman")
    assert list(directory_order(qs, 400)[:30]) == list(qs[:30])
    assert directory_order(qs, FEW_MATCHES + 1) is qs  # many matches: the planner's choice stands
    page = DirectoryPaginator(qs, 25).get_page(2)
    assert [e.first_name for e in page] == [f"Pat{i:03d}" for i in range(25, 50)]

