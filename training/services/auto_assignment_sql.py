"""Automatic assignment's set differences done by PostgreSQL: (gaps × course map) minus open
assignments and completions, inserted, and open automatic assignments whose gap has closed,
withdrawn, in one statement. A council's repeat run compares some 400,000 pairs; read into Python
they cost more than the whole statement does here. `auto_assignment` keeps the same rule in Python
for SQLite (the demo); tests/training/test_auto_assignment_scale.py holds the two to the same result."""

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from skills_matrix.selectors import gap_rows_sql

from ..models import Assignment, Completion

# RoleRequirement.level is 1..4 where it can leave a gap (its check constraint: 0..4), and a gap's
# current level (a validated Level, 0..4; 0 when never validated) lies below it, so these are every
# (current, required) a gap can have.
_GAP_LEVELS = [(current, required) for required in range(1, 5) for current in range(required)]

_SETTINGS = {"enable_nestloop": "off", "enable_mergejoin": "off", "work_mem": "64MB"}
_READ = ", ".join("current_setting(%s)" for _ in _SETTINGS)
_SET = ", ".join("set_config(%s, %s, true)" for _ in _SETTINGS)


def gap_run_in_database(employees, links_by_skill, courses_for_gap, *, due_on, actor_user):
    """(new rows [(employee, course, skill)], closed [((employee, course), assignment pk)]).

    Five queries: the people (given a queryset), the default profile, the planner settings, the
    statement, the settings put back. The course map is small (skills × levels), so it is
    worked out here by `courses_for_gap` and sent as arrays; the gaps never leave the database.
    A course closing two of a person's gaps is assigned once, for the requirement with the lower id
    (the Python run keeps the first in gap_rows's order, which reads requirements without an ORDER
    BY: the same on a table written in id order, as tests/training holds it)."""
    if isinstance(employees, QuerySet):
        ids = list(employees.values_list("pk", flat=True))
    else:
        ids = [getattr(e, "pk", e) for e in employees]
    pick_skill, pick_current, pick_required, pick_course = [], [], [], []
    for skill_id in links_by_skill:
        for current, required in _GAP_LEVELS:
            for course_id in courses_for_gap(links_by_skill, skill_id, current, required):
                pick_skill.append(skill_id)
                pick_current.append(current)
                pick_required.append(required)
                pick_course.append(course_id)
    if not ids or not pick_course:
        return _withdraw_all(ids)
    gaps_sql, gaps_params = gap_rows_sql(ids)
    a, c = Assignment._meta.db_table, Completion._meta.db_table
    sql = (
        # wanted: each gap's courses; a pair twice when a course closes two of a person's gaps.
        # gaps first, on their own: joined to the course map early, the levels are read per course.
        f"WITH gaps AS MATERIALIZED ({gaps_sql}), "  # noqa: S608 - table names from model meta
        "wanted AS (SELECT g.employee_id, k.course_id, g.skill_id, g.req_order FROM gaps g "
        "JOIN unnest(%s::bigint[], %s::int[], %s::int[], %s::bigint[]) AS k(skill_id, cur, required, course_id) "
        "ON k.skill_id = g.skill_id AND k.cur = g.current AND k.required = g.required), "
        # diff: one hash join of the wanted pairs with the open assignments, keeping each side's
        # unmatched rows (to assign; to withdraw when automatic). On a repeat run it is empty.
        "diff AS MATERIALIZED (SELECT w.employee_id, w.course_id, w.skill_id, w.req_order, o.id AS open_id, "
        f"o.source FROM wanted w FULL JOIN (SELECT id, employee_id, course_id, source FROM {a} "
        "WHERE status = %s AND employee_id = ANY(%s::bigint[])) o "
        "ON o.employee_id = w.employee_id AND o.course_id = w.course_id "
        "WHERE w.employee_id IS NULL OR o.id IS NULL), "
        f"ins AS (INSERT INTO {a} (employee_id, course_id, gap_skill_id, source, due_on, status, assigned_by_id, "
        "created_at) SELECT DISTINCT ON (d.employee_id, d.course_id) d.employee_id, d.course_id, d.skill_id, "
        "%s, %s, %s, %s, %s FROM diff d WHERE d.open_id IS NULL "
        f"AND NOT EXISTS (SELECT 1 FROM {c} x WHERE x.employee_id = d.employee_id AND x.course_id = d.course_id) "
        "ORDER BY d.employee_id, d.course_id, d.req_order "
        # a concurrent run or a manager may have made the same open assignment meanwhile
        "ON CONFLICT DO NOTHING RETURNING employee_id, course_id, gap_skill_id), "
        f"gone AS (UPDATE {a} o SET status = %s FROM diff d WHERE o.id = d.open_id AND d.employee_id IS NULL "
        "AND d.source = %s RETURNING o.id, o.employee_id, o.course_id) "
        "SELECT 0, employee_id, course_id, gap_skill_id FROM ins UNION ALL SELECT id, employee_id, course_id, NULL "
        "FROM gone"
    )
    params = [
        *gaps_params, pick_skill, pick_current, pick_required, pick_course,
        Assignment.Status.OPEN, ids,
        Assignment.Source.GAP, due_on, Assignment.Status.OPEN, getattr(actor_user, "pk", None), timezone.now(),
        Assignment.Status.WITHDRAWN, Assignment.Source.GAP,
    ]
    with connection.cursor() as cursor:
        # The estimates for joins on arrays and CTEs are far too low (rows=1), and with them the
        # planner probes an index 400,000 times where one hash does it in a fifth of the time; the
        # hashes and the gaps (some 30 MB over a council) spill to disk in the default work_mem.
        # Set for this statement only (local to the transaction, the caller's atomic block), then
        # put back; if the statement fails, rolling back the savepoint puts them back too.
        cursor.execute(f"SELECT {_READ}, {_SET}", [*_SETTINGS, *[v for pair in _SETTINGS.items() for v in pair]])
        before = cursor.fetchone()[:len(_SETTINGS)]
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.execute(f"SELECT {_SET}", [v for pair in zip(_SETTINGS, before, strict=True) for v in pair])
    new = [(e, c, s) for pk, e, c, s in rows if not pk]
    closed = [((e, c), pk) for pk, e, c, _s in rows if pk]
    return new, closed


def _withdraw_all(ids):
    """No gap has a course: every open automatic assignment of these people is withdrawn."""
    if not ids:
        return [], []
    rows = list(Assignment.objects.filter(employee_id__in=ids, status=Assignment.Status.OPEN,
                                          source=Assignment.Source.GAP).values_list("pk", "employee_id", "course_id"))
    Assignment.objects.filter(pk__in=[pk for pk, _e, _c in rows]).update(status=Assignment.Status.WITHDRAWN)
    return [], [((e, c), pk) for pk, e, c in rows]
