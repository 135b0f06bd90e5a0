"""core.db.ids_in: a long list of ids goes to PostgreSQL as one array, with the same answer, and
PostgreSQL reads just those rows by index however big the table is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.db import ARRAY_FROM, ids_in
from people.models import Employee
from tests.factories import EmployeeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("vacuum_employees_afterwards")]


def test_a_long_list_is_one_array_and_finds_the_same_people():
    people = EmployeeFactory.create_batch(3, user=None)
    wanted = [people[0].pk, people[2].pk]
    long_list = wanted + [10**12 + i for i in range(ARRAY_FROM)]  # ids nobody has
    with CaptureQueriesContext(connection) as short_q:
        short = set(Employee.objects.filter(ids_in("pk", wanted)).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as long_q:
        long = set(Employee.objects.filter(ids_in("pk", long_list)).values_list("pk", flat=True))
    assert short == long == set(wanted)
    assert "unnest" not in short_q.captured_queries[0]["sql"]
    sql = long_q.captured_queries[0]["sql"]
    assert "= ANY(" in sql and "::bigint[]" in sql  # one array, not a placeholder per id


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_a_team_of_a_big_table_is_read_by_index_not_by_scanning_the_table(org):
    """A team's 250 ids among 15,000 staff: an index scan of the 250, where `IN (SELECT unnest(...))`
    (guessed at 200 rows of unknown ids) had PostgreSQL hash every row of the table."""
    rows = [Employee(first_name="Sam", last_name=f"Person{i:05d}", org_unit=org["team_a"]) for i in range(15000)]
    Employee.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cur:
        cur.execute("ANALYZE people_employee")
    team = list(Employee.objects.order_by("pk").values_list("pk", flat=True)[5000:5250])
    query = Employee.objects.filter(ids_in("pk", team)).values_list("pk", "last_name")
    assert len(list(query)) == 250
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in cur.fetchall())
    assert "Seq Scan on people_employee" not in plan, plan
    assert "people_employee_pkey" in plan, plan
