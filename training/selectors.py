"""Reads for training: querysets with their joins done, scoped to what the user may see. Reporting
reads `training_figures` and `champion_figures` (for every unit at once with `each_unit`)."""

import datetime as dt

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from people.models import Employee, OrgUnit
from people.selectors import employee_for, employee_records_visible_to, reports_of, subtree_sums, units_within

from . import permissions
from .mandatory_status import EXPIRED, IN_DATE, MISSING, requirement_statuses
from .models import (
    Assignment,
    Booking,
    Champion,
    Completion,
    Course,
    CourseSkill,
    ElearningAttempt,
    ElearningPackage,
    HelpLog,
    HelpRequest,
    MandatoryCourse,
    QuizAttempt,
    Session,
)


def _session_counts(qs: QuerySet[Session]) -> QuerySet[Session]:
    # Aggregating queries ignore Meta.ordering, so the order is stated again for stable paging.
    return qs.annotate(
        places_taken=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDS_PLACE)),
        waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
    ).order_by("starts_at", "id")


def catalogue(*, query: str = "", kind: str = "", skill=None, include_inactive: bool = False) -> QuerySet[Course]:
    qs = Course.objects.all() if include_inactive else Course.objects.filter(is_active=True)
    for word in query.split()[:6]:
        qs = qs.filter(Q(title__icontains=word) | Q(summary__icontains=word) | Q(audience__icontains=word))
    if kind:
        qs = qs.filter(kind=kind)
    if skill is not None:
        qs = qs.filter(skill_links__skill=skill)
    upcoming = Session.objects.filter(
        course=OuterRef("pk"), status=Session.Status.SCHEDULED, starts_at__gt=timezone.now()
    )
    return (
        qs.annotate(has_upcoming=Exists(upcoming))
        .prefetch_related(Prefetch("skill_links", queryset=CourseSkill.objects.select_related("skill")))
        .distinct()
    )


def course_detail(code: str) -> Course:
    return (
        Course.objects.prefetch_related(
            Prefetch("skill_links", queryset=CourseSkill.objects.select_related("skill")), "prerequisites"
        ).get(code=code)
    )


def upcoming_sessions(*, course: Course | None = None) -> QuerySet[Session]:
    qs = Session.objects.filter(status=Session.Status.SCHEDULED, ends_at__gt=timezone.now())
    if course is not None:
        qs = qs.filter(course=course)
    return _session_counts(qs.select_related("course", "host"))


def session_with_counts(pk: int) -> Session:
    return _session_counts(Session.objects.select_related("course", "host")).get(pk=pk)


def session_register(session: Session) -> QuerySet[Booking]:
    return session.bookings.exclude(status__in=[Booking.Status.CANCELLED, Booking.Status.REJECTED]) \
        .select_related("employee__org_unit").order_by("status", "queued_at", "employee__last_name")


def _of_learners_visible_to(user, qs: QuerySet) -> QuerySet:
    """Learning staff see everyone's rows; others their own and their reports' (people's rule)."""
    if permissions.is_learning_staff(user):
        return qs
    return qs.filter(employee__in=employee_records_visible_to(user))


def bookings_visible_to(user) -> QuerySet[Booking]:
    return _of_learners_visible_to(user, Booking.objects.select_related("session__course", "employee"))


def live_booking_for(employee: Employee | None, session: Session) -> Booking | None:
    if employee is None:
        return None
    return session.bookings.filter(employee=employee).exclude(
        status__in=[Booking.Status.CANCELLED, Booking.Status.REJECTED]
    ).first()


def live_bookings_by_session(employee: Employee | None, sessions) -> dict[int, Booking]:
    """The employee's live bookings on these sessions, keyed by session id: one query for the list."""
    if employee is None:
        return {}
    rows = Booking.objects.filter(employee=employee, session__in=sessions, status__in=Booking.ACTIVE)
    return {b.session_id: b for b in rows}


def has_completed(employee: Employee | None, course: Course) -> bool:
    return employee is not None and Completion.objects.filter(employee=employee, course=course).exists()


def assignments_visible_to(user) -> QuerySet[Assignment]:
    return _of_learners_visible_to(user, Assignment.objects.select_related("course", "employee"))


def completions_visible_to(user) -> QuerySet[Completion]:
    return _of_learners_visible_to(user, Completion.objects.select_related("course", "employee"))


def my_learning(employee: Employee) -> dict:
    """Everything the "My learning" page shows, in four queries whatever the history."""
    today = timezone.localdate()
    return {
        # `playable`: the course has e-learning played here (a Start button, one click to the module);
        # `resumable`: the learner has an attempt at it in progress. Subqueries: still one query.
        "assignments": list(
            employee.training_assignments.filter(status=Assignment.Status.OPEN).select_related("course").annotate(
                playable=Exists(ElearningPackage.objects.filter(course=OuterRef("course"), is_current=True)),
                resumable=Exists(ElearningAttempt.objects.filter(course=OuterRef("course"), employee=employee,
                                                                 finished_at__isnull=True, sessions__gt=0)))
        ),
        "bookings": list(
            employee.training_bookings.filter(status__in=Booking.ACTIVE, session__ends_at__gt=timezone.now())
            .select_related("session__course").order_by("session__starts_at")
        ),
        "completions": list(employee.training_completions.select_related("course")),
        "today": today,
    }


def bookings_awaiting_approval(user) -> QuerySet[Booking]:
    me = employee_for(user)
    qs = Booking.objects.filter(status=Booking.Status.PENDING, session__starts_at__gt=timezone.now())
    if not permissions.is_learning_staff(user):
        if me is None:
            return Booking.objects.none()
        qs = qs.filter(employee__in=reports_of(me))
    return qs.select_related("session__course", "employee").order_by("session__starts_at", "id")


def team_learning(manager: Employee) -> QuerySet[Employee]:
    """The manager's reports (whole chain) with open, overdue and completed counts."""
    today = timezone.localdate()
    return reports_of(manager).select_related("org_unit").annotate(
        open_count=Count("training_assignments", filter=Q(training_assignments__status=Assignment.Status.OPEN),
                         distinct=True),
        overdue_count=Count("training_assignments", filter=Q(training_assignments__status=Assignment.Status.OPEN,
                                                             training_assignments__due_on__lt=today), distinct=True),
        completed_count=Count("training_completions", distinct=True),
    ).order_by("last_name", "first_name")


def team_overdue_assignments(manager: Employee) -> QuerySet[Assignment]:
    return Assignment.objects.filter(
        employee__in=reports_of(manager), status=Assignment.Status.OPEN, due_on__lt=timezone.localdate()
    ).select_related("course", "employee").order_by("due_on", "id")


# --- champions -------------------------------------------------------------------------------


def champion_departments() -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(champions__is_active=True).annotate(
        champion_count=Count("champions", filter=Q(champions__is_active=True))
    ).order_by("tree_id", "lft")


def champions_in(unit: OrgUnit) -> QuerySet[Champion]:
    return (
        Champion.objects.filter(is_active=True, unit__in=units_within([unit]))
        .select_related("employee__org_unit", "unit").prefetch_related("skills")
    )


def champion_drop_ins(champions) -> QuerySet[Session]:
    """Upcoming drop-in sessions hosted by these champions."""
    return _session_counts(
        Session.objects.filter(course__kind=Course.Kind.DROP_IN, status=Session.Status.SCHEDULED,
                               starts_at__gt=timezone.now(), host__in=[c.employee_id for c in champions])
        .select_related("course", "host")
    )


def champion_profile(employee: Employee | None) -> Champion | None:
    if employee is None:
        return None
    return Champion.objects.filter(employee=employee, is_active=True).select_related("unit").first()


def help_requests_for_champion(employee: Employee) -> QuerySet[HelpRequest]:
    """Open and taken requests routed to the champion's unit or any unit beneath it."""
    profile = champion_profile(employee)
    if profile is None:
        return HelpRequest.objects.none()
    return (
        HelpRequest.objects.filter(routed_unit__in=units_within([profile.unit]))
        .exclude(status=HelpRequest.Status.RESOLVED)
        .select_related("requester__org_unit", "skill", "champion", "routed_unit")
    )


def my_help_requests(employee: Employee) -> QuerySet[HelpRequest]:
    return employee.help_requests.select_related("champion", "routed_unit").order_by("-created_at")


# --- reporting -------------------------------------------------------------------------------


def _window(start: dt.date, end: dt.date):
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tz), dt.datetime.combine(end, dt.time.max, tz))


def training_figures(employees_qs: QuerySet[Employee], start: dt.date, end: dt.date, *,
                     each_unit: list[OrgUnit] | None = None) -> dict:
    """For reporting, over the given staff and dates (inclusive): courses assigned in the period,
    completions in the period, and assignments overdue at the end of the period (still open, or
    completed after their due date but after the period ended).

    With `each_unit`: {unit.pk: those figures over the staff of `employees_qs` whose org unit is in
    that unit's subtree} for every unit, from two grouped queries however many units there are."""
    lo, hi = _window(start, end)
    assigned = Q(created_at__range=(lo, hi))
    overdue = Q(due_on__lt=end, created_at__lte=hi) & (
        Q(status=Assignment.Status.OPEN) | Q(status=Assignment.Status.COMPLETED, completed_at__gt=hi)
    )
    assignments = Assignment.objects.filter(employee__in=employees_qs)
    completions = Completion.objects.filter(employee__in=employees_qs, completed_at__range=(lo, hi))
    if each_unit is not None:
        per_unit = {"tree_id": F("employee__org_unit__tree_id"), "lft": F("employee__org_unit__lft")}
        in_a_unit = Q(employee__org_unit__isnull=False)
        rows = [
            *assignments.filter(in_a_unit & (assigned | overdue)).values(**per_unit)
            .annotate(assigned=Count("id", filter=assigned), overdue=Count("id", filter=overdue)).order_by(),
            *completions.filter(in_a_unit).values(**per_unit).annotate(completed=Count("id")).order_by(),
        ]
        return subtree_sums(each_unit, [{"assigned": 0, "completed": 0, "overdue": 0, **r} for r in rows],
                            ["assigned", "completed", "overdue"])
    return {
        "assigned": assignments.filter(assigned).count(),
        "completed": completions.count(),
        "overdue": assignments.filter(overdue).count(),
    }


def champion_figures(units_or_employees_qs, start: dt.date, end: dt.date, *, each_unit: bool = False) -> dict:
    """Active champions among the given units (with their subtrees) or staff, and the help they
    logged in the period: {"champions", "help_count", "help_minutes"}.

    With `each_unit` (the first argument then being units, a list or a queryset): {unit.pk: those
    figures for the unit and its subtree} for every unit, from one grouped query."""
    if each_unit:
        given = Q(employee__help_given__given_on__range=(start, end))
        rows = list(
            Champion.objects.filter(is_active=True)
            .values(tree_id=F("unit__tree_id"), lft=F("unit__lft"))
            .annotate(champions=Count("id", distinct=True),
                      help_count=Count("employee__help_given", filter=given),
                      help_minutes=Sum("employee__help_given__minutes", filter=given))
            .order_by()
        )
        return subtree_sums(list(units_or_employees_qs), rows, ["champions", "help_count", "help_minutes"])
    if units_or_employees_qs.model is OrgUnit:
        champions = Champion.objects.filter(is_active=True, unit__in=units_within(list(units_or_employees_qs)))
    else:
        champions = Champion.objects.filter(is_active=True, employee__in=units_or_employees_qs)
    logs = HelpLog.objects.filter(champion__in=champions.values("employee"), given_on__range=(start, end))
    agg = logs.aggregate(n=Count("id"), minutes=Sum("minutes"))
    return {"champions": champions.count(), "help_count": agg["n"] or 0, "help_minutes": agg["minutes"] or 0}


def attempt_questions(attempt: QuizAttempt) -> list:
    """The attempt's questions in the order drawn, each with `choices`: [(option index, text)] in
    the order shown."""
    by_id = {q.pk: q for q in attempt.course.quiz_questions.filter(pk__in=[d["question"] for d in attempt.drawn])}
    out = []
    for d in attempt.drawn:
        q = by_id.get(d["question"])
        if q is not None:  # a question deleted since the draw is left out of the attempt
            q.choices = [(i, q.options[i]) for i in d["order"] if i < len(q.options)]
            out.append(q)
    return out


def session_visible_to(user, pk: int) -> Session:
    """A session the user may see (its page, its calendar invite): one of a course on offer, any
    for learning staff, and any the user has ever been booked on (a retired course's session keeps
    its invite for the people who went). Raises Session.DoesNotExist otherwise, so it is a 404."""
    me = employee_for(user)
    visible = Q(course__is_active=True)
    if permissions.can_manage_catalogue(user):
        visible = Q()
    elif me is not None:
        visible |= Q(bookings__employee=me)
    return Session.objects.select_related("course").filter(visible).distinct().get(pk=pk)


# --- mandatory training ------------------------------------------------------------------------


def mandatory_compliance_by_unit(units: list[OrgUnit], employees_qs: QuerySet[Employee],
                                 as_of: dt.date | None = None) -> dict[int, float | None]:
    """mandatory_compliance's percent for each unit's subtree, from one pass over `employees_qs`
    (everyone in those units): a status depends on the employee alone, so it is worked out once and
    counted per org unit, then summed over each unit's range. Queries do not grow with the units."""
    statuses = requirement_statuses(employees_qs, as_of=as_of)
    where = dict(employees_qs.values_list("pk", "org_unit_id"))
    per_unit: dict[int, list[int]] = {}  # org unit -> [required, in date]
    for (employee_id, _course), status in statuses.items():
        counts = per_unit.setdefault(where[employee_id], [0, 0])
        counts[0] += 1
        counts[1] += status.state in IN_DATE
    position = {pk: (tree, lft) for pk, tree, lft in
                OrgUnit.objects.filter(pk__in=per_unit).values_list("pk", "tree_id", "lft")}
    out = {}
    for unit in units:
        required = in_date = 0
        for pk, (tree, lft) in position.items():
            if tree == unit.tree_id and unit.lft <= lft <= unit.rght:
                required += per_unit[pk][0]
                in_date += per_unit[pk][1]
        out[unit.pk] = round(100 * in_date / required, 1) if required else None
    return out


def mandatory_rules() -> QuerySet[MandatoryCourse]:
    return MandatoryCourse.objects.select_related("course", "unit", "role_profile").order_by(
        "-is_active", "course__title", "id")


def team_mandatory_out_of_date(manager: Employee, as_of: dt.date | None = None) -> list[dict]:
    """The manager's reports (whole chain) whose mandatory courses are out of date or never done,
    with the renewal (or first) assignment the nightly run made, if any. Four queries plus one per
    active rule."""
    as_of = as_of or timezone.localdate()
    statuses = requirement_statuses(reports_of(manager), as_of=as_of)
    late = {pair: s for pair, s in statuses.items() if s.state in (MISSING, EXPIRED)}
    if not late:
        return []
    people = Employee.objects.in_bulk({e for e, _ in late})
    courses = Course.objects.in_bulk({c for _, c in late})
    open_assignments = {
        (a.employee_id, a.course_id): a
        for a in Assignment.objects.filter(status=Assignment.Status.OPEN, employee_id__in={e for e, _ in late},
                                           course_id__in={c for _, c in late})
    }
    rows = [
        {"employee": people[e], "course": courses[c], "status": s, "assignment": open_assignments.get((e, c))}
        for (e, c), s in late.items()
    ]
    return sorted(rows, key=lambda r: (r["employee"].last_name, r["employee"].first_name, r["course"].title))


def mandatory_compliance_by_department(as_of: dt.date | None = None) -> list[dict]:
    """One row per department and mandatory course: staff required, in date, out of date, never
    done, and the share in date. Everyone in a department's subtree counts for it; staff outside
    any department are left out. A fixed few queries whatever the size of the council."""
    as_of = as_of or timezone.localdate()
    statuses = requirement_statuses(Employee.objects.filter(is_active=True), as_of=as_of)
    units = {pk: (parent_id, kind) for pk, parent_id, kind in OrgUnit.objects.values_list("pk", "parent_id", "kind")}
    departments = OrgUnit.objects.in_bulk([pk for pk, (_, kind) in units.items() if kind == OrgUnit.Kind.DEPARTMENT])

    def department_of(unit_id):
        while unit_id is not None and unit_id in units:
            if unit_id in departments:
                return departments[unit_id]
            unit_id = units[unit_id][0]
        return None

    unit_of = dict(Employee.objects.filter(pk__in={e for e, _ in statuses}).values_list("pk", "org_unit_id"))
    courses = Course.objects.in_bulk({c for _, c in statuses})
    table: dict[tuple[int, int], dict] = {}
    for (employee_id, course_id), s in statuses.items():
        dept = department_of(unit_of.get(employee_id))
        if dept is None:
            continue
        row = table.setdefault((dept.pk, course_id), {
            "department": dept, "course": courses[course_id], "required": 0, "in_date": 0, "expired": 0, "missing": 0})
        row["required"] += 1
        row["in_date"] += s.state in IN_DATE
        row["expired"] += s.state == EXPIRED
        row["missing"] += s.state == MISSING
    for row in table.values():
        row["percent"] = round(100 * row["in_date"] / row["required"], 1)
    return sorted(table.values(), key=lambda r: (r["department"].name, r["course"].title))
