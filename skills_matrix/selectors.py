"""Reads about skills, requirements and gaps.

The gap rules, in one place:
- The required level comes from the employee's role profile, or the default profile when they have
  none. Requirements on retired skills no longer count.
- The current level is the latest validated one (a manager-validated assessment, or accepted
  evidence). A self-assessment waiting for validation does not count yet: it is shown as `pending`.
- No validated level at all counts as 0 when measuring the shortfall, but is reported as `None` so
  pages can say "not assessed" rather than "none".

Everything here reads a few flat queries and computes in Python, so the cost in queries does not grow
with people × skills.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from core.db import ids_in
from people.models import Employee, OrgUnit
from people.selectors import subtree_sums

from . import permissions
from .models import (
    Assessment,
    Campaign,
    CurrentSkills,
    EmployeeRoleProfile,
    Evidence,
    Rating,
    RoleProfile,
    RoleRequirement,
    Skill,
)


@dataclass(frozen=True)
class Gap:
    skill_id: int
    required: int
    current: int | None  # latest validated level; None = never validated
    pending: int | None = None  # self-assessed level waiting for the manager, if any

    @property
    def shortfall(self) -> int:
        return max(0, self.required - (self.current or 0))


# ---------------------------------------------------------------------------------------------
# Building blocks: each is one query.


def _ids_filter(employees, field_name: str = "employee_id") -> Q:
    """Filter on employees given as a queryset (kept as a subquery) or as objects / ids (a long
    list as one array parameter on PostgreSQL: core.ids.ids_in; a council-wide run passes 20,000)."""
    if isinstance(employees, QuerySet):
        return Q(**{f"{field_name}__in": employees.values("pk")})
    return ids_in(field_name, [getattr(e, "pk", e) for e in employees])


def default_profile() -> RoleProfile | None:
    return RoleProfile.objects.filter(is_default=True, is_active=True).first()


def requirements_by_profile(profile_ids: Iterable[int | None] | None = None) -> dict[int, dict[int, int]]:
    """{profile_id: {skill_id: required level}} for active skills, in one query: of every active
    profile, or only of `profile_ids` (the profiles a team is measured against)."""
    out: dict[int, dict[int, int]] = {}
    rows = RoleRequirement.objects.filter(skill__is_active=True, profile__is_active=True)
    if profile_ids is not None:
        rows = rows.filter(profile_id__in=[pk for pk in profile_ids if pk is not None])
    rows = rows.order_by().values_list("profile_id", "skill_id", "level")
    for profile_id, skill_id, level in rows:
        out.setdefault(profile_id, {})[skill_id] = level
    return out


def assigned_profiles(employees) -> dict[int, int]:
    """{employee_id: profile_id} for people with a profile of their own (one query)."""
    return dict(
        EmployeeRoleProfile.objects.filter(_ids_filter(employees), profile__is_active=True).values_list(
            "employee_id", "profile_id"
        )
    )


def current_levels_raw(employees) -> dict[int, dict[str, int]]:
    """{employee_id: {"skill_id": latest validated level}} with keys as stored (one query)."""
    return dict(CurrentSkills.objects.filter(_ids_filter(employees)).values_list("employee_id", "levels"))


def current_levels(employees) -> dict[int, dict[int, int]]:
    """{employee_id: {skill_id: latest validated level}} (one query)."""
    return {emp_id: {int(k): v for k, v in levels.items()} for emp_id, levels in current_levels_raw(employees).items()}


def pending_levels(employees) -> dict[int, dict[int, int]]:
    """{employee_id: {skill_id: self-assessed level}} from submitted, not yet validated assessments."""
    out: dict[int, dict[int, int]] = {}
    rows = Rating.objects.filter(
        _ids_filter(employees, "assessment__employee_id"),
        assessment__status=Assessment.Status.SUBMITTED,
        self_level__isnull=False,
    ).order_by().values_list("assessment__employee_id", "skill_id", "self_level")
    for emp_id, skill_id, level in rows:
        out.setdefault(emp_id, {})[skill_id] = level
    return out


def employee_profile_id(employee_id: int, assigned: dict[int, int], default_id: int | None) -> int | None:
    return assigned.get(employee_id, default_id)


# ---------------------------------------------------------------------------------------------
# The hook for training and reporting.


def _gap_inputs(employees) -> tuple[list[int], dict, dict, int | None, dict]:
    """What the gap rule reads, in five queries (four given ids): the ids asked about, each profile's requirements as
    [(skill_id, "skill_id", level)], the assigned profiles, the default profile's id and the current
    levels as stored (skill ids as strings)."""
    if isinstance(employees, QuerySet):
        ids = list(employees.values_list("pk", flat=True))
    else:
        ids = [getattr(e, "pk", e) for e in employees]
    plans = {pid: [(sid, str(sid), lv) for sid, lv in need.items()] for pid, need in requirements_by_profile().items()}
    default = default_profile()
    return ids, plans, assigned_profiles(ids), default.pk if default else None, current_levels_raw(ids)


def _rows(ids, plans, assigned, default_id, current, include_met):
    empty: dict = {}
    for emp_id in ids:
        have = current.get(emp_id, empty)
        for skill_id, key, required in plans.get(assigned.get(emp_id, default_id), ()):
            cur = have.get(key)
            if include_met or (cur or 0) < required:
                yield emp_id, skill_id, required, cur


def gap_rows(employees, *, include_met: bool = False) -> Iterator[tuple[int, int, int, int | None]]:
    """The rule of gaps_for as flat rows, (employee_id, skill_id, required, current), without a Gap
    object per row nor pending self-assessments: for council-wide runs (training's automatic
    assignment) where a quarter of a million gaps are normal. Five queries, made before it returns."""
    return _rows(*_gap_inputs(employees), include_met)


def gap_rows_sql(employee_ids: list[int]) -> tuple[str, list]:
    """The rule of gap_rows as one PostgreSQL query (sql, params) for a caller to join on, so a
    council-wide run need not bring a quarter of a million rows into Python: columns employee_id,
    skill_id, required, current (0 when never validated, where gap_rows says None) and req_order
    (the requirement's id: gap_rows's order of a person's skills). One query (the default profile)
    before it returns. tests/skills_matrix pins it to gap_rows."""
    default = default_profile()
    t = {m.__name__: m._meta.db_table for m in (CurrentSkills, EmployeeRoleProfile, RoleProfile, RoleRequirement, Skill)}
    sql = (
        "SELECT e.id AS employee_id, r.skill_id, r.level AS required, "  # noqa: S608 - table names from model meta
        "COALESCE((cs.levels ->> r.skill_id::text)::int, 0) AS current, r.id AS req_order "
        "FROM unnest(%s::bigint[]) AS e(id) "
        f"LEFT JOIN ({t['EmployeeRoleProfile']} erp JOIN {t['RoleProfile']} ap ON ap.id = erp.profile_id AND ap.is_active) "
        "ON erp.employee_id = e.id "
        f"JOIN {t['RoleRequirement']} r ON r.profile_id = COALESCE(erp.profile_id, %s) "
        f"JOIN {t['RoleProfile']} p ON p.id = r.profile_id AND p.is_active "
        f"JOIN {t['Skill']} s ON s.id = r.skill_id AND s.is_active "
        f"LEFT JOIN {t['CurrentSkills']} cs ON cs.employee_id = e.id "
        "WHERE COALESCE((cs.levels ->> r.skill_id::text)::int, 0) < r.level"
    )
    return sql, [employee_ids, default.pk if default else None]


def gaps_for(
    employees: Iterable[Employee] | QuerySet[Employee], *, include_met: bool = False, with_pending: bool = True
) -> dict[int, list[Gap]]:
    """Each employee's gaps: {employee_id: [Gap, ...]} for every required skill where the latest
    validated level is below the required one (or, with include_met, every required skill).

    `employees` may be a queryset, or a list of Employee objects or ids. Every employee asked about
    is a key, with an empty list when they meet every requirement. Six queries whatever the number
    of people and skills (five with with_pending=False, which leaves Gap.pending as None).
    """
    ids, plans, assigned, default_id, current = _gap_inputs(employees)
    pending = pending_levels(ids) if with_pending else {}
    out: dict[int, list[Gap]] = {emp_id: [] for emp_id in ids}
    empty: dict = {}
    for emp_id, skill_id, required, cur in _rows(ids, plans, assigned, default_id, current, include_met):
        out[emp_id].append(Gap(skill_id=skill_id, required=required, current=cur,
                               pending=pending.get(emp_id, empty).get(skill_id)))
    return out


def assessment_coverage(employees_qs: QuerySet[Employee], *, as_of: dt.datetime | None = None,
                        each_unit: list[OrgUnit] | None = None) -> dict:
    """How many of these (active) people have completed an assessment: submitted or validated, and
    validated. {"employees": n, "completed": n, "validated": n, "completed_percent": float,
    "validated_percent": float}. Two queries.

    With `as_of` (reporting on a past period) only what was submitted, or validated, before then
    counts, and `employees_qs` is taken as given: the caller passes the staff of that day
    (people.selectors.staff_on), leavers since included.

    With `each_unit`: {unit.pk: that for the people whose org unit is in the unit's subtree} for
    every unit, from one query grouped by org unit."""
    people = employees_qs if as_of else employees_qs.filter(is_active=True)
    done = [Assessment.Status.SUBMITTED, Assessment.Status.VALIDATED]
    completed, validated = Q(status__in=done), Q(status=Assessment.Status.VALIDATED)
    if as_of:
        completed &= Q(submitted_at__lt=as_of)
        validated &= Q(validated_at__lt=as_of)

    def coverage(total, counts):
        def pct(n):
            return round(100.0 * n / total, 1) if total else 0.0

        return {"employees": total, "completed": counts["completed"], "validated": counts["validated"],
                "completed_percent": pct(counts["completed"]), "validated_percent": pct(counts["validated"])}

    if each_unit is not None:
        has = {name: Q(Exists(Assessment.objects.filter(q, employee=OuterRef("pk"))))
               for name, q in (("completed", completed), ("validated", validated))}
        rows = list(
            people.filter(org_unit__isnull=False)
            .values(tree_id=F("org_unit__tree_id"), lft=F("org_unit__lft"))
            .annotate(employees=Count("id"), **{name: Count("id", filter=q) for name, q in has.items()})
            .order_by()
        )
        sums = subtree_sums(each_unit, rows, ["employees", "completed", "validated"])
        return {pk: coverage(c["employees"], c) for pk, c in sums.items()}
    total = people.count()
    counts = Assessment.objects.filter(employee_id__in=people.values("pk")).aggregate(
        completed=Count("employee_id", distinct=True, filter=completed),
        validated=Count("employee_id", distinct=True, filter=validated),
    )
    return coverage(total, counts)


def campaign_progress(campaign: Campaign, people: QuerySet[Employee]) -> dict:
    """{"employees": covered, "completed": sent or validated in this campaign, "validated": n}."""
    counts = Assessment.objects.filter(campaign=campaign).aggregate(
        completed=Count("pk", filter=~Q(status=Assessment.Status.DRAFT)),
        validated=Count("pk", filter=Q(status=Assessment.Status.VALIDATED)),
    )
    return {"employees": people.count(), **counts}


def campaigns_with_progress() -> list[tuple[Campaign, dict]]:
    """Every campaign with the same figures as campaign_progress, in two queries whatever the number
    of campaigns: the campaigns with their counts, and the active headcount for council-wide ones."""
    # Active people in the campaign's unit or beneath it (MPTT range), counted in a subquery.
    covered = Employee.objects.filter(
        is_active=True, org_unit__tree_id=OuterRef("org_unit__tree_id"),
        org_unit__lft__gte=OuterRef("org_unit__lft"), org_unit__rght__lte=OuterRef("org_unit__rght"),
    ).order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    campaigns = Campaign.objects.select_related("org_unit").annotate(
        covered=Subquery(covered, output_field=IntegerField()),
        completed=Count("assessments", filter=~Q(assessments__status=Assessment.Status.DRAFT)),
        validated=Count("assessments", filter=Q(assessments__status=Assessment.Status.VALIDATED)),
    )
    rows = list(campaigns)
    everyone = Employee.objects.filter(is_active=True).count() if any(c.org_unit_id is None for c in rows) else 0
    return [(c, {"employees": c.covered if c.org_unit_id else everyone, "completed": c.completed,
                 "validated": c.validated}) for c in rows]


def average_gap(employees_qs: QuerySet[Employee]) -> float:
    """Mean total shortfall per active person, in levels (sum over required skills of required minus
    current, never negative), rounded to 2 places. 0.0 for nobody."""
    gaps = gaps_for(employees_qs.filter(is_active=True), with_pending=False)
    if not gaps:
        return 0.0
    return round(sum(g.shortfall for person in gaps.values() for g in person) / len(gaps), 2)


# ---------------------------------------------------------------------------------------------
# Framework, campaigns, assessments.


def framework_tree(*, include_retired: bool = False) -> list[dict]:
    """[{"area": Skill, "skills": [Skill, ...]}] in framework order, descriptors prefetched (two queries)."""
    qs = Skill.objects.prefetch_related("descriptors").order_by("tree_id", "lft")
    if not include_retired:
        qs = qs.filter(is_active=True)
    areas: list[dict] = []
    by_id: dict[int, dict] = {}
    for node in qs:
        if node.kind == Skill.Kind.AREA:
            entry = {"area": node, "skills": []}
            by_id[node.pk] = entry
            areas.append(entry)
        elif node.parent_id in by_id:
            by_id[node.parent_id]["skills"].append(node)
    return areas


def skills_taking_evidence() -> QuerySet[Skill]:
    """Active skills (not areas), in framework order: what a course may develop, a help request or a
    champion may name, and evidence may be recorded against. Retired skills and areas are left out."""
    return Skill.objects.filter(is_active=True, kind=Skill.Kind.SKILL).order_by("tree_id", "lft")


def skills_by_code(codes: Iterable[str]) -> dict[str, Skill]:
    """{code: Skill} for the codes that name a skill or area, retired ones included (one query)."""
    return {s.code: s for s in Skill.objects.filter(code__in=list(codes))}


def skill_by_code(code: str) -> Skill | None:
    return Skill.objects.filter(code=code).first()


def skill_rows_for(employee: Employee) -> list[tuple[Skill, Gap]]:
    """One person's required skills with their gap (met ones too), in framework order: what "My
    skills" and the manager's drill-down both show (seven queries)."""
    gaps = gaps_for([employee], include_met=True)[employee.pk]
    skills = {s.pk: s for s in Skill.objects.filter(pk__in=[g.skill_id for g in gaps]).select_related("parent")}
    return sorted(((skills[g.skill_id], g) for g in gaps if g.skill_id in skills),
                  key=lambda sg: (sg[0].tree_id, sg[0].lft))


def role_profile_of(employee: Employee) -> RoleProfile | None:
    """The profile assigned to the employee, or the default profile everyone else works to."""
    assigned = EmployeeRoleProfile.objects.filter(employee=employee).select_related("profile").first()
    return assigned.profile if assigned else default_profile()


def open_campaigns_for(employee: Employee, *, today=None) -> QuerySet[Campaign]:
    """Campaigns open today that cover the employee (their unit or one above it, or the whole council)."""
    today = today or timezone.localdate()
    qs = Campaign.objects.filter(opens_on__lte=today, closes_on__gte=today)
    unit = employee.org_unit
    if unit is None:
        return qs.filter(org_unit__isnull=True)
    return qs.filter(
        Q(org_unit__isnull=True)
        | Q(org_unit__tree_id=unit.tree_id, org_unit__lft__lte=unit.lft, org_unit__rght__gte=unit.rght)
    )


def campaign_covers(campaign: Campaign, employee: Employee) -> bool:
    if campaign.org_unit_id is None:
        return True
    unit, scope = employee.org_unit, campaign.org_unit
    return unit is not None and unit.tree_id == scope.tree_id and scope.lft <= unit.lft and unit.rght <= scope.rght


def assessments_of(employee: Employee) -> QuerySet[Assessment]:
    """An employee's assessments, newest first (their history)."""
    return Assessment.objects.filter(employee=employee).select_related("campaign", "framework_version", "validated_by")


def assessments_visible_to(user) -> QuerySet[Assessment]:
    """Assessments a user may open: their own, their reports' and (HR) anyone's; see
    `permissions.skills_people_visible_to`. Fetch through this so another person's is a 404."""
    return Assessment.objects.filter(employee__in=permissions.skills_people_visible_to(user).values("pk"))


def own_assessments(user) -> QuerySet[Assessment]:
    """The user's own assessments: the only ones they may fill in or submit."""
    if not getattr(user, "is_authenticated", False):
        return Assessment.objects.none()
    return Assessment.objects.filter(employee__user=user)


def evidence_visible_to(user) -> QuerySet[Evidence]:
    """Evidence a user may open (and, if they manage the person, decide), scoped as assessments are."""
    return Evidence.objects.filter(employee__in=permissions.skills_people_visible_to(user).values("pk"))


def _waiting_for(user, me) -> Q:
    """Whose items wait in this user's validation queue: their direct reports; for HR also anyone
    whose line manager has left or who has none (nobody else would see them), never their own."""
    from people import roles
    from people.selectors import reports_of

    q = Q(employee__in=reports_of(me, indirect=False))
    if roles.has_role(user, roles.HR):
        q |= Q(employee__line_manager__isnull=True) | Q(employee__line_manager__is_active=False)
    return q & ~Q(employee=me)


def assessments_to_validate(user) -> QuerySet[Assessment]:
    """Submitted assessments waiting for this user: those of their direct reports, and for HR those
    of people without a line manager in post. (Managers higher up the chain may also validate, from
    the person's page, e.g. while a line manager is away.)"""
    from people.selectors import employee_for

    me = employee_for(user)
    if me is None:
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(_waiting_for(user, me), status=Assessment.Status.SUBMITTED)
        .select_related("employee", "campaign")
        .order_by("submitted_at", "id")
    )


def evidence_to_validate(user) -> QuerySet[Evidence]:
    """Pending evidence waiting for this user, as for assessments (`_waiting_for`)."""
    from people.selectors import employee_for

    me = employee_for(user)
    if me is None:
        return Evidence.objects.none()
    return (
        Evidence.objects.filter(_waiting_for(user, me), status=Evidence.Status.PENDING)
        .select_related("employee", "skill")
        .order_by("recorded_at", "id")
    )


def skill_history(employee: Employee) -> dict[int, list[tuple]]:
    """{skill_id: [(date, level, how), ...]} oldest first: validated assessment levels and accepted
    evidence, so a person's page can show change over time (two queries)."""
    out: dict[int, list[tuple]] = {}
    for skill_id, level, when, campaign in Rating.objects.filter(
        assessment__employee=employee, assessment__status=Assessment.Status.VALIDATED, validated_level__isnull=False
    ).values_list("skill_id", "validated_level", "assessment__validated_at", "assessment__campaign__name"):
        out.setdefault(skill_id, []).append((when, level, campaign))
    for skill_id, level, when, source in Evidence.objects.filter(
        employee=employee, status=Evidence.Status.ACCEPTED
    ).values_list("skill_id", "level", "decided_at", "source"):
        out.setdefault(skill_id, []).append((when, level, f"Evidence: {source}"))
    for entries in out.values():
        entries.sort(key=lambda e: e[0])
    return out



@dataclass
class DepartmentGaps:
    unit: OrgUnit
    people: int
    below: dict[int, float]  # skill_id -> share (percent) of the people needing it who are below it
    overall: float | None  # percent of all (person, required skill) pairs below the level


def department_gaps(people: QuerySet[Employee], departments: Iterable[OrgUnit]) -> tuple[list, list]:
    """For directors: per department (with everything beneath it), the share of its people below
    the required level in each required skill, and the departments ranked worst first by their
    overall share. ([skills in framework order], [DepartmentGaps ranked]). One gaps_for call over
    everyone (six queries) plus one for the skills, whatever the number of departments."""
    departments = list(departments)
    rows = list(people.values_list("pk", "org_unit__tree_id", "org_unit__lft"))
    gaps = gaps_for([pk for pk, _, _ in rows], include_met=True, with_pending=False)
    out, skill_ids = [], set()
    for d in departments:
        need: dict[int, int] = {}
        short: dict[int, int] = {}
        n = 0
        for pk, tree_id, lft in rows:
            if tree_id != d.tree_id or not (d.lft <= (lft or -1) <= d.rght):
                continue
            n += 1
            for g in gaps.get(pk, []):
                need[g.skill_id] = need.get(g.skill_id, 0) + 1
                short[g.skill_id] = short.get(g.skill_id, 0) + (1 if g.shortfall else 0)
        skill_ids |= set(need)
        total = sum(need.values())
        out.append(DepartmentGaps(d, n, {s: round(100 * short[s] / need[s], 1) for s in need},
                                  round(100 * sum(short.values()) / total, 1) if total else None))
    out.sort(key=lambda r: (r.overall is None, -(r.overall or 0), r.unit.name))
    skills = list(Skill.objects.filter(pk__in=skill_ids).order_by("tree_id", "lft"))
    return skills, out


def employees_in_role_profile(profile_id: int, employees: QuerySet[Employee]) -> QuerySet[Employee]:
    """Those of `employees` whose role profile is this one: assigned to them, or the default profile
    for people with none of their own (training's mandatory courses for a role)."""
    own = EmployeeRoleProfile.objects.filter(profile__is_active=True)
    if RoleProfile.objects.filter(pk=profile_id, is_default=True, is_active=True).exists():
        return employees.exclude(pk__in=own.exclude(profile_id=profile_id).values("employee_id"))
    return employees.filter(pk__in=own.filter(profile_id=profile_id).values("employee_id"))


def active_role_profiles() -> QuerySet[RoleProfile]:
    return RoleProfile.objects.filter(is_active=True).order_by("name")
