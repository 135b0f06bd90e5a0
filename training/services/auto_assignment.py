"""Automatic assignment: skills gaps (skills_matrix.selectors.gap_rows) become course assignments
under the active rules. Queued by `training.tasks` (nightly, or on request)."""

import datetime as dt
from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import BigIntegerField, ExpressionWrapper, F, QuerySet
from django.utils import timezone

from core.errors import DomainError
from people.audit import audit_bulk, audit_record
from people.models import AuditEntry, Employee, OrgUnit
from people.selectors import units_within
from skills_matrix.selectors import gap_rows

from .. import permissions
from ..models import Assignment, AutoAssignmentRule, Completion, Course, CourseSkill
from .auto_assignment_sql import gap_run_in_database

_PAIR_BITS = 32
_COURSE_MASK = (1 << _PAIR_BITS) - 1
_PAIR = ExpressionWrapper(F("employee_id") * (1 << _PAIR_BITS) + F("course_id"), output_field=BigIntegerField())


def _raw_rows(qs) -> list[tuple]:
    """The rows of a values_list queryset straight from the cursor, without Django's per-value
    converters (a plain int or text needs none, and 400,000 rows of them cost a second)."""
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def courses_for_gap(links_by_skill: dict[int, list[tuple[int, int]]], skill_id: int, current: int,
                    required: int) -> list[int]:
    """The courses that close a gap from `current` to `required` in `skill_id`.

    `links_by_skill[skill] = [(level, course_id), ...]` sorted by level. The steps in between (levels
    above the current one, up to the required one) all count; when no course lies in that range,
    the lowest course above the required level does, since it closes the gap too.
    """
    links = links_by_skill.get(skill_id, [])
    steps = [course_id for level, course_id in links if current < level <= required]
    if steps:
        return steps
    above = [course_id for level, course_id in links if level > required]
    return above[:1]


@transaction.atomic
def assignments_from_gaps(*, employees, due_on: dt.date, actor=None) -> dict[str, int]:
    """Automatic assignment: for each person's skills gaps (skills_matrix.selectors.gap_rows), assign
    the active courses that close them, once. A course they completed, or have open, is skipped;
    automatic assignments whose gap has since closed are withdrawn, so it stops once closed.

    Set-based (a handful of queries whatever the head-count) so it runs over the whole council: on
    PostgreSQL the gaps, the comparison, the inserts and the withdrawals are one statement
    (auto_assignment_sql); elsewhere (SQLite, the demo) the same rule runs in Python.
    Audited once per person changed (the courses assigned or withdrawn), not once per row.
    """
    links_by_skill = _course_links()
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    if connection.vendor == "postgresql":
        new, closed = gap_run_in_database(employees, links_by_skill, courses_for_gap, due_on=due_on,
                                          actor_user=actor_user)
        assigned = len(new)
    else:
        new, closed, assigned = _gap_run_in_python(employees, links_by_skill, due_on=due_on, actor_user=actor_user)
    codes = dict(Course.objects.filter(pk__in={c for _e, c, _s in new} | {p[1] for p, _pk in closed})
                 .values_list("pk", "code")) if new or closed else {}
    per_person: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"assigned": [], "withdrawn": []})
    for e, c, _skill in new:
        per_person[e]["assigned"].append(codes[c])
    for (e, c), _pk in closed:
        per_person[e]["withdrawn"].append(codes[c])
    _audit_gap_run(per_person, actor_user=actor_user)
    return {"assigned": assigned, "withdrawn": len(closed)}


def _course_links() -> dict[int, list[tuple[int, int]]]:
    links_by_skill: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for skill_id, level, course_id in (
        CourseSkill.objects.filter(course__is_active=True).order_by("skill_id", "level", "course__code")
        .values_list("skill_id", "level", "course_id")
    ):
        links_by_skill[skill_id].append((level, course_id))
    return links_by_skill


def _gap_run_in_python(employees, links_by_skill, *, due_on, actor_user):
    """The run with the set differences in Python (SQLite, the demo): (new rows, closed, inserted)."""
    if isinstance(employees, QuerySet):
        staff = employees.values("pk")
    else:
        staff = [getattr(e, "pk", e) for e in employees]
    gaps = gap_rows(employees)  # flat rows: a council has a quarter of a million gaps

    # Pairs (employee, course) as one int, employee * 2**32 + course: a council's repeat run compares
    # some 400,000 of them, and set differences of ints run in C where tuples cost a loop in Python.
    wanted: dict[int, int] = {}  # pair -> the gap's skill
    picks: dict[tuple, list[int]] = {}  # courses_for_gap by (skill, current or None, required)
    setdefault = wanted.setdefault
    for employee_id, skill_id, required, current in gaps:
        key = (skill_id, current, required)
        courses = picks.get(key)
        if courses is None:
            courses = picks[key] = courses_for_gap(links_by_skill, skill_id, int(current or 0), int(required))
        base = employee_id << _PAIR_BITS
        for course_id in courses:
            setdefault(base + course_id, skill_id)

    open_source = dict(_raw_rows(
        Assignment.objects.filter(employee_id__in=staff, status=Assignment.Status.OPEN)
        .annotate(pair=_PAIR).values_list("pair", "source")
    ))
    done = {pair for (pair,) in _raw_rows(Completion.objects.filter(employee_id__in=staff).annotate(pair=_PAIR)
                                          .values_list("pair"))}
    new = [(k >> _PAIR_BITS, k & _COURSE_MASK, wanted[k]) for k in wanted.keys() - open_source.keys() - done]
    assigned = _insert_gap_assignments(new, due_on=due_on, actor_user=actor_user)
    gap_source = Assignment.Source.GAP
    closed_pairs = {k for k, src in open_source.items() if src == gap_source} - wanted.keys()
    closed: list[tuple[tuple[int, int], int]] = []  # ((employee, course), assignment pk)
    if closed_pairs:
        rows = (Assignment.objects.filter(employee_id__in={k >> _PAIR_BITS for k in closed_pairs},
                                          status=Assignment.Status.OPEN, source=gap_source)
                .annotate(pair=_PAIR).values_list("pair", "pk"))
        closed = [((k >> _PAIR_BITS, k & _COURSE_MASK), pk) for k, pk in rows if k in closed_pairs]
        Assignment.objects.filter(pk__in=[pk for _pair, pk in closed]).update(status=Assignment.Status.WITHDRAWN)
    return new, closed, assigned


def _insert_gap_assignments(rows: list[tuple[int, int, int]], *, due_on: dt.date, actor_user) -> int:
    """Insert (employee, course, skill) assignments (the Python run; PostgreSQL inserts in its
    statement). ignore_conflicts leaves alone any open assignment a concurrent run or a manager
    created meanwhile (the one-open-per-course constraint)."""
    made = Assignment.objects.bulk_create(
        [Assignment(employee_id=e, course_id=c, gap_skill_id=s, source=Assignment.Source.GAP, due_on=due_on,
                    assigned_by=actor_user) for e, c, s in rows],
        batch_size=1000, ignore_conflicts=True,
    )
    return len(made)


def _audit_gap_run(per_person: dict[int, dict[str, list[str]]], *, actor_user) -> None:
    ct = ContentType.objects.get_for_model(Employee)
    audit_bulk([
        AuditEntry(actor=actor_user, action="training.assigned_from_gaps", content_type=ct, object_id=str(e),
                   target_repr=f"Employee {e}", subject_id=e,
                   changes={k: [None, sorted(v)] for k, v in change.items() if v},
                   channel=AuditEntry.Channel.ONLINE if actor_user else AuditEntry.Channel.SYSTEM)
        for e, change in per_person.items()
    ])


@transaction.atomic
def auto_assignment_rule_save(*, actor, name: str, unit: OrgUnit | None, due_in_days: int,
                              is_active: bool = True, rule=None):
    """HR and learning staff create or change an automatic assignment rule."""
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators manage automatic assignment.")
    if not 1 <= due_in_days <= 730:
        raise DomainError("Give between 1 and 730 days.", field="due_in_days")
    rule = rule or AutoAssignmentRule()
    created = rule.pk is None
    rule.name, rule.unit, rule.due_in_days, rule.is_active = name, unit, due_in_days, is_active
    rule.save()
    audit_record(actor=actor, action="auto_assignment_rule.created" if created else "auto_assignment_rule.updated",
                 target=rule, changes={"unit": [None, str(unit) if unit else "All staff"],
                                       "due_in_days": [None, due_in_days], "is_active": [None, is_active]})
    return rule



def auto_assignment_run(*, actor=None) -> dict[str, int]:
    """Run every active automatic assignment rule."""
    totals = {"assigned": 0, "withdrawn": 0}
    for rule in AutoAssignmentRule.objects.filter(is_active=True).select_related("unit"):
        staff = Employee.objects.filter(is_active=True)
        if rule.unit_id:
            staff = staff.filter(org_unit__in=units_within([rule.unit]))
        result = assignments_from_gaps(
            employees=staff, due_on=timezone.localdate() + dt.timedelta(days=rule.due_in_days), actor=actor
        )
        for k in totals:
            totals[k] += result[k]
    return totals

