"""Who must hold which mandatory course, and whether they are in date, as of a day.

For each pair (person, course) required by at least one active rule: the strictest terms of the
rules that apply (the shortest validity, the shortest time to complete, the earliest renewal) and
the state on `as_of`: never done ("missing"), run out ("expired"), running out within the renewal
window ("due") or in date ("valid"). In date means "valid" or "due".

The cost is a fixed few queries: one per active rule (who it covers) and one for the latest
completion of each pair, whatever the number of staff."""

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Max, QuerySet
from django.utils import timezone

from people.models import Employee
from people.selectors import units_within
from skills_matrix.selectors import employees_in_role_profile

from .models import Completion, MandatoryCourse

MISSING, EXPIRED, DUE, VALID = "missing", "expired", "due", "valid"
IN_DATE = (VALID, DUE)


@dataclass
class RequirementStatus:
    state: str
    last_completed: dt.date | None
    expires_on: dt.date | None
    validity_months: int | None
    due_in_days: int
    renew_days_before: int


def rule_covers(rule: MandatoryCourse, employees: QuerySet[Employee]) -> QuerySet[Employee]:
    qs = employees
    if rule.unit_id:
        qs = qs.filter(org_unit__in=units_within([rule.unit]))
    if rule.work_style:
        qs = qs.filter(work_style=rule.work_style)
    if rule.role_profile_id:
        qs = employees_in_role_profile(rule.role_profile_id, qs)
    return qs


def _strictest(a: int | None, b: int | None) -> int | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


def requirement_statuses(employees: QuerySet[Employee], *, as_of: dt.date | None = None,
                         courses=None) -> dict[tuple[int, int], RequirementStatus]:
    as_of = as_of or timezone.localdate()
    rules = MandatoryCourse.objects.filter(is_active=True, course__is_active=True).select_related("unit")
    if courses is not None:
        rules = rules.filter(course__in=courses)
    terms: dict[tuple[int, int], list] = {}
    for rule in rules:
        for employee_id in rule_covers(rule, employees).values_list("pk", flat=True):
            t = terms.get((employee_id, rule.course_id))
            if t is None:
                terms[(employee_id, rule.course_id)] = [rule.validity_months, rule.due_in_days, rule.renew_days_before]
            else:
                t[0] = _strictest(t[0], rule.validity_months)
                t[1] = min(t[1], rule.due_in_days)
                t[2] = max(t[2], rule.renew_days_before)
    if not terms:
        return {}
    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    latest = {
        (row["employee_id"], row["course_id"]): timezone.localdate(row["last"])
        # A subquery of the staff asked about, not a list of ids: the whole council is 20,000 people.
        for row in Completion.objects.filter(
            employee_id__in=employees.values("pk"), course_id__in={c for _, c in terms}, completed_at__lt=end,
        ).values("employee_id", "course_id").annotate(last=Max("completed_at"))
    }
    out = {}
    for pair, (validity, due_in, renew_before) in terms.items():
        last = latest.get(pair)
        expires = last + relativedelta(months=validity) if last and validity else None
        if last is None:
            state = MISSING
        elif expires is None:
            state = VALID
        elif expires <= as_of:
            state = EXPIRED
        elif expires <= as_of + dt.timedelta(days=renew_before):
            state = DUE
        else:
            state = VALID
        out[pair] = RequirementStatus(state, last, expires, validity, due_in, renew_before)
    return out
