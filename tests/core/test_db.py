"""core.db.ids_in: a long list of ids goes to PostgreSQL as one array, with the same answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.db import ARRAY_FROM, ids_in
from people.models import Employee
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


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
    assert "IN (SELECT unnest(" in sql and "::bigint[]" in sql  # one array, not a placeholder per id
