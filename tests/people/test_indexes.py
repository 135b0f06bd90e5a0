"""The staff and audit tables carry the indexes their lookups use and no others: every employee
row and audit entry a directory sync writes pays for each index on the table."""

import pytest
from django.db import connection

from people.models import Employee
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

TABLES = ("people_employee", "people_auditentry")


def _indexes(table: str) -> dict[str, tuple[str, list, list[str]]]:
    """name -> (access method, operator classes, key columns or expressions), in key order."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT i.relname, am.amname, ix.indclass::oid[],
                   array(SELECT pg_get_indexdef(ix.indexrelid, k, true)
                         FROM generate_series(1, ix.indnkeyatts) AS k ORDER BY k)
            FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
            JOIN pg_am am ON am.oid = i.relam
            WHERE t.relname = %s AND ix.indpred IS NULL
            """,
            [table],
        )
        return {name: (method, list(classes), list(keys)) for name, method, classes, keys in cur.fetchall()}


@pytest.mark.parametrize("table", TABLES)
def test_no_index_repeats_the_start_of_another(table):
    """A b-tree index whose keys (and operator classes) begin another's answers nothing the longer
    one cannot, unless it enforces uniqueness."""
    assert connection.vendor == "postgresql"
    with connection.cursor() as cur:
        cur.execute("SELECT i.relname FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid "
                    "JOIN pg_class t ON t.oid = ix.indrelid WHERE t.relname = %s AND ix.indisunique", [table])
        unique = {r[0] for r in cur.fetchall()}
    indexes = _indexes(table)
    redundant = [
        f"{name} {keys} begins {other} {other_keys}"
        for name, (method, classes, keys) in indexes.items() if name not in unique and method == "btree"
        for other, (other_method, other_classes, other_keys) in indexes.items()
        if other != name and other_method == "btree" and len(keys) < len(other_keys)
        and other_keys[:len(keys)] == keys and other_classes[:len(classes)] == classes
    ]
    assert redundant == []


def test_no_prefix_pattern_twins_on_the_staff_table():
    """LIKE 'prefix%' indexes (varchar_pattern_ops) that nothing searches by."""
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'people_employee' AND indexdef LIKE %s",
                    ["%pattern_ops%"])
        assert [r[0] for r in cur.fetchall()] == []


def test_case_insensitive_email_lookup_reads_an_index():
    """How xAPI statements and applicants becoming staff find an employee by email."""
    EmployeeFactory.create_batch(3)
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")  # a three-row table is otherwise scanned
    plan = Employee.objects.filter(email__iexact="Someone@Council.Example").explain()
    assert "people_employee_email_upper" in plan
