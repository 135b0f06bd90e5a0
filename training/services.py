"""Writes for training. Each function is one atomic change with its audit entry; emails go out
after commit (`transaction.on_commit`) so a rolled-back change tells nobody anything.

Lock order (to keep concurrent bookings deadlock-free): the Session row first, then the learner's
Employee row, then Booking rows. Every path that changes places on a session follows it.
"""

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.errors import DomainError, IllegalTransition
from people.audit import audit_bulk, audit_record
from people.models import AuditEntry, Employee, OrgUnit
from people.selectors import employee_for, reports_of
from skills_matrix.models import Skill

from . import notifications, permissions
from .models import (
    Assignment,
    Booking,
    Champion,
    Completion,
    ContentProvider,
    Course,
    CourseSkill,
    HelpLog,
    HelpRequest,
    Session,
)
from .states import booking_transition_check

B = Booking.Status


def _on_commit(fn, *args, **kwargs):
    transaction.on_commit(lambda: fn(*args, **kwargs))


# --- catalogue -------------------------------------------------------------------------------


@transaction.atomic
def course_save(*, actor, course: Course, skill_levels: list[tuple] | None = None) -> Course:
    """Create or change a course and (when given) replace its skill mapping [(skill, level), ...]."""
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators manage the catalogue.")
    created = course.pk is None
    course.full_clean(exclude=["prerequisites"])
    course.save()
    if skill_levels is not None:
        course.skill_links.all().delete()
        CourseSkill.objects.bulk_create(
            [CourseSkill(course=course, skill=skill, level=int(level)) for skill, level in skill_levels]
        )
    audit_record(actor=actor, action="course.created" if created else "course.updated", target=course)
    return course


@transaction.atomic
def session_create(*, actor, course: Course, starts_at, ends_at, capacity: int, venue: str = "",
                   online_url: str = "", host: Employee | None = None) -> Session:
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators schedule sessions.")
    if not course.has_sessions:
        raise DomainError("E-learning modules have no dated sessions.", field="course")
    session = Session(course=course, starts_at=starts_at, ends_at=ends_at, capacity=capacity, venue=venue,
                      online_url=online_url, host=host)
    _session_validate(session)
    session.save()
    audit_record(actor=actor, action="session.created", target=session)
    return session


def _session_validate(session: Session) -> None:
    if session.ends_at <= session.starts_at:
        raise DomainError("The session must end after it starts.", field="ends_at")
    if session.capacity < 1:
        raise DomainError("A session needs at least one place.", field="capacity")
    if not (session.venue or session.online_url):
        raise DomainError("Give a venue or an online joining link.", field="venue")


_UNCHANGED = object()


@transaction.atomic
def session_update(*, actor, session: Session, starts_at=None, ends_at=None, venue=None, online_url=None,
                   capacity: int | None = None, host=_UNCHANGED) -> Session:
    """Change when, where or how big a session is. Everyone holding a place gets an updated invite
    (same UID, SEQUENCE + 1); a larger capacity promotes people from the waiting list."""
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators change sessions.")
    session = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    before = {"starts_at": session.starts_at, "ends_at": session.ends_at, "venue": session.venue,
              "online_url": session.online_url, "capacity": session.capacity}
    for field, value in [("starts_at", starts_at), ("ends_at", ends_at), ("venue", venue),
                         ("online_url", online_url), ("capacity", capacity)]:
        if value is not None:
            setattr(session, field, value)
    if host is not _UNCHANGED:
        before["host"] = session.host_id
        session.host = host
    _session_validate(session)
    confirmed = session.bookings.filter(status__in=Booking.HOLDS_PLACE).count()
    if session.capacity < confirmed:
        raise DomainError(f"{confirmed} people already hold places; capacity cannot go below that.", field="capacity")
    after = {k: getattr(session, "host_id" if k == "host" else k) for k in before}
    changes = {k: [str(before[k]), str(after[k])] for k in before if before[k] != after[k]}
    if not changes:
        return session
    calendar_change = any(k in changes for k in ("starts_at", "ends_at", "venue", "online_url"))
    if calendar_change:
        session.sequence += 1
    session.save(update_fields=[*before.keys(), "sequence"])
    audit_record(actor=actor, action="session.updated", target=session, changes=changes)
    if calendar_change:
        for booking_id in session.bookings.filter(status=B.CONFIRMED).values_list("id", flat=True):
            _on_commit(notifications.session_changed, booking_id)
    _promote_waiting_list(session, actor=actor)
    return session


@transaction.atomic
def session_cancel(*, actor, session: Session) -> Session:
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators cancel sessions.")
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        raise DomainError("This session is already cancelled.")
    session.status = Session.Status.CANCELLED
    session.sequence += 1
    session.save(update_fields=["status", "sequence"])
    for booking in session.bookings.select_for_update().filter(status__in=Booking.ACTIVE):
        booking.status = B.CANCELLED
        booking.save(update_fields=["status", "updated_at"])
        _on_commit(notifications.booking_cancelled, booking.pk)
    audit_record(actor=actor, action="session.cancelled", target=session)
    return session


# --- bookings --------------------------------------------------------------------------------


def _places_taken(session: Session) -> int:
    return session.bookings.filter(status__in=Booking.HOLDS_PLACE).count()


def _waiting_position(booking: Booking) -> int:
    return Booking.objects.filter(
        Q(queued_at__lt=booking.queued_at) | Q(queued_at=booking.queued_at, id__lte=booking.id),
        session_id=booking.session_id, status=B.WAITLISTED,
    ).count()


def _refuse_clashes(session: Session, employee: Employee) -> None:
    live = Booking.objects.filter(employee=employee, status__in=Booking.ACTIVE,
                                  session__status=Session.Status.SCHEDULED).select_related("session__course")
    if live.filter(session=session).exists():
        raise DomainError("You are already booked on this session.", field="session")
    same_course = live.filter(session__course_id=session.course_id, session__ends_at__gt=timezone.now()).first()
    if same_course:
        raise DomainError(
            f"You already have a booking for this course on {timezone.localtime(same_course.session.starts_at):%d %B %Y}. "
            "Cancel that one first if you want to change date.", field="session",
        )
    clash = live.filter(session__starts_at__lt=session.ends_at, session__ends_at__gt=session.starts_at).first()
    if clash:
        raise DomainError(
            f"This overlaps “{clash.session.course.title}” on "
            f"{timezone.localtime(clash.session.starts_at):%d %B %Y at %H:%M}, which you are already booked on.",
            field="session",
        )


def _missing_prerequisites(course: Course, employee: Employee) -> list[str]:
    needed = list(course.prerequisites.all())
    if not needed:
        return []
    done = set(
        Completion.objects.filter(employee=employee, course__in=needed).values_list("course_id", flat=True)
    )
    return [c.title for c in needed if c.pk not in done]


@transaction.atomic
def booking_create(*, actor, session: Session, employee: Employee,
                   channel: str = AuditEntry.Channel.ONLINE) -> Booking:
    """Book `employee` onto `session`: a place if one is free, else the waiting list; or, where the
    course needs it and the booker is not the approver, pending the line manager's approval.

    Holds the session row lock while counting places, so concurrent bookings never exceed capacity.
    """
    me = employee_for(actor)
    if not ((me and me.pk == employee.pk) or permissions.can_act_for(actor, employee)):
        raise PermissionDenied("You can only book places for yourself or for people you manage.")
    session = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=session.pk)
    # Serialise one person's bookings so two parallel requests cannot both pass the clash check.
    Employee.objects.select_for_update().filter(pk=employee.pk).values_list("pk", flat=True).get()
    if session.status != Session.Status.SCHEDULED:
        raise DomainError("This session has been cancelled.", field="session")
    if session.starts_at <= timezone.now():
        raise DomainError("This session has already started.", field="session")
    if not session.course.is_active:
        raise DomainError("This course is no longer offered.", field="session")
    _refuse_clashes(session, employee)
    missing = _missing_prerequisites(session.course, employee)
    if missing:
        raise DomainError(f"Complete {', '.join(missing)} first.", field="session")

    booking = Booking(session=session, employee=employee, decided_by=None)
    approver_is_booking = permissions.can_act_for(actor, employee)
    if session.course.requires_approval and not approver_is_booking:
        booking.status = B.PENDING
    else:
        _give_place_or_queue(booking, session)
        if session.course.requires_approval:
            booking.decided_by = actor
    booking.save()
    audit_record(actor=actor, action=f"booking.{booking.status}", target=booking, subject=employee, channel=channel)
    _notify_booking(booking)
    return booking


def _give_place_or_queue(booking: Booking, session: Session) -> None:
    """Caller holds the session row lock."""
    if _places_taken(session) < session.capacity:
        booking.status = B.CONFIRMED
        booking.queued_at = None
    else:
        booking.status = B.WAITLISTED
        booking.queued_at = timezone.now()


def _notify_booking(booking: Booking) -> None:
    if booking.status == B.CONFIRMED:
        _on_commit(notifications.booking_confirmed, booking.pk)
    elif booking.status == B.WAITLISTED:
        _on_commit(notifications.booking_waitlisted, booking.pk, _waiting_position(booking))
    elif booking.status == B.PENDING:
        _on_commit(notifications.booking_needs_approval, booking.pk)


@transaction.atomic
def booking_decide(*, actor, booking: Booking, approve: bool) -> Booking:
    """A line manager (or learning staff) approves or declines a pending booking."""
    session = Session.objects.select_for_update().get(pk=booking.session_id)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("employee").get(pk=booking.pk)
    if not permissions.can_approve_booking(actor, booking):
        raise PermissionDenied("Only the learner's managers or learning staff can decide this booking.")
    if booking.status != B.PENDING:
        raise IllegalTransition(f"This booking is “{booking.get_status_display().lower()}”: there is nothing to decide.")
    if approve:
        _give_place_or_queue(booking, session)
    else:
        booking_transition_check(booking, B.REJECTED)
        booking.status = B.REJECTED
    booking.decided_by = actor
    booking.save(update_fields=["status", "queued_at", "decided_by", "updated_at"])
    audit_record(actor=actor, action="booking.approved" if approve else "booking.rejected", target=booking,
                 subject=booking.employee)
    if approve:
        _notify_booking(booking)
    else:
        _on_commit(notifications.booking_rejected, booking.pk)
    return booking


@transaction.atomic
def booking_cancel(*, actor, booking: Booking) -> Booking:
    """Cancel a booking. A freed place goes to the first person on the waiting list, who is told.

    Learners cannot cancel their own confirmed place inside the course's cut-off (the place would go
    to waste); their manager or learning staff still can.
    """
    session = Session.objects.select_for_update(of=("self",)).select_related("course").get(pk=booking.session_id)
    booking = Booking.objects.select_for_update(of=("self",)).select_related("employee").get(pk=booking.pk)
    if not permissions.can_cancel_booking(actor, booking):
        raise PermissionDenied("You can only cancel your own bookings or those of people you manage.")
    booking_transition_check(booking, B.CANCELLED)
    cutoff = session.starts_at - dt.timedelta(hours=session.course.cancellation_cutoff_hours)
    if (booking.status == B.CONFIRMED and timezone.now() >= cutoff
            and not permissions.can_act_for(actor, booking.employee)):
        raise DomainError(
            f"Places cannot be cancelled less than {session.course.cancellation_cutoff_hours} hours before the "
            "start. Ask your manager if you cannot attend.", field="booking",
        )
    held_place = booking.status == B.CONFIRMED
    booking.status = B.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action="booking.cancelled", target=booking, subject=booking.employee)
    _on_commit(notifications.booking_cancelled, booking.pk)
    if held_place:
        _promote_waiting_list(session, actor=actor)
    return booking


def _promote_waiting_list(session: Session, *, actor) -> list[Booking]:
    """Fill free places from the waiting list in the order people joined it. Caller holds the
    session row lock."""
    free = session.capacity - _places_taken(session)
    if free <= 0 or session.starts_at <= timezone.now():
        return []
    promoted = list(
        session.bookings.select_for_update(of=("self",)).select_related("employee")
        .filter(status=B.WAITLISTED).order_by("queued_at", "id")[:free]
    )
    for booking in promoted:
        booking.status = B.CONFIRMED
        booking.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="booking.promoted", target=booking, subject=booking.employee,
                     channel=AuditEntry.Channel.SYSTEM)
        _on_commit(notifications.booking_confirmed, booking.pk, promoted=True)
    return promoted


@transaction.atomic
def booking_mark_attendance(*, actor, booking: Booking, attended: bool) -> Booking:
    """Take the register. Attendance records a completion (and with it skills evidence)."""
    booking = Booking.objects.select_for_update(of=("self",)).select_related("session__course", "employee").get(pk=booking.pk)
    if not permissions.can_take_register(actor, booking.session):
        raise PermissionDenied("Only the session's host or learning staff take the register.")
    if booking.session.starts_at > timezone.now():
        raise DomainError("The register opens when the session starts.", field="booking")
    to = B.ATTENDED if attended else B.NO_SHOW
    booking_transition_check(booking, to)
    booking.status = to
    booking.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=f"booking.{to}", target=booking, subject=booking.employee)
    if attended:
        completion_record(actor=actor, employee=booking.employee, course=booking.session.course,
                          source=Completion.Source.ATTENDANCE, booking=booking,
                          completed_at=booking.session.ends_at)
    return booking


# --- completions -----------------------------------------------------------------------------


@transaction.atomic
def completion_record(*, actor, employee: Employee, course: Course, source: str, completed_at=None,
                      score_scaled: Decimal | None = None, score_raw: Decimal | None = None,
                      booking: Booking | None = None) -> Completion:
    """Record that `employee` completed `course`: closes their open assignment for it and raises
    evidence (pending manager validation) for each skill the course maps to."""
    completion = Completion.objects.create(
        employee=employee, course=course, source=source, completed_at=completed_at or timezone.now(),
        score_scaled=score_scaled, score_raw=score_raw, booking=booking,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Assignment.objects.filter(employee=employee, course=course, status=Assignment.Status.OPEN).update(
        status=Assignment.Status.COMPLETED, completed_at=completion.completed_at
    )
    audit_record(actor=actor, action="completion.recorded", target=completion, subject=employee,
                 channel=AuditEntry.Channel.API if source == Completion.Source.XAPI else AuditEntry.Channel.ONLINE,
                 note=Completion.Source(source).label)
    _raise_evidence(completion, actor=actor)
    return completion


def _raise_evidence(completion: Completion, *, actor) -> None:
    from skills_matrix import services as skills_services

    # Retired skills and areas cannot take evidence; the mapping may still name them historically.
    links = completion.course.skill_links.filter(skill__is_active=True, skill__kind=Skill.Kind.SKILL)
    for link in links.select_related("skill"):
        skills_services.evidence_record(
            employee=completion.employee, skill=link.skill, level=link.level, source="training",
            source_ref=f"training.completion:{completion.pk}", actor=actor,
        )


@dataclass(frozen=True)
class QuizResult:
    correct: int
    total: int
    percent: int
    passed: bool
    completion: Completion | None


@transaction.atomic
def quiz_submit(*, actor, employee: Employee, course: Course, answers: dict[int, int]) -> QuizResult:
    """Mark the end-of-course quiz: `answers` maps question id to the chosen option index."""
    me = employee_for(actor)
    if me is None or me.pk != employee.pk:
        raise PermissionDenied("You can only take a quiz yourself.")
    questions = list(course.quiz_questions.all())
    if not questions:
        raise DomainError("This course has no quiz.")
    correct = sum(1 for q in questions if answers.get(q.pk) == q.correct_option)
    percent = round(100 * correct / len(questions))
    passed = percent >= course.pass_mark
    completion = None
    if passed:
        completion = completion_record(
            actor=actor, employee=employee, course=course, source=Completion.Source.QUIZ,
            score_scaled=Decimal(correct) / Decimal(len(questions)), score_raw=Decimal(correct),
        )
    else:
        audit_record(actor=actor, action="quiz.failed", target=course, subject=employee, note=f"{percent}%")
    return QuizResult(correct, len(questions), percent, passed, completion)


# --- assignments -----------------------------------------------------------------------------


@transaction.atomic
def assignment_create(*, actor, course: Course, employees: list[Employee], due_on: dt.date) -> list[Assignment]:
    """Assign a course to people (a manager to their reports; HR and learning staff to anyone).
    People who already have it open keep their existing assignment."""
    if due_on < timezone.localdate():
        raise DomainError("The due date cannot be in the past.", field="due_on")
    if not employees:
        raise DomainError("Choose at least one person.", field="employees")
    if not permissions.is_learning_staff(actor):
        me = employee_for(actor)
        # One query for the whole chain beneath the manager rather than one per person.
        mine = set(reports_of(me, include_inactive=True).values_list("pk", flat=True)) if me else set()
        outside = [e for e in employees if e.pk not in mine]
        if outside:
            raise PermissionDenied(f"You cannot assign training to {outside[0].display_name}.")
    source = Assignment.Source.HR if permissions.is_learning_staff(actor) else Assignment.Source.MANAGER
    already = set(
        Assignment.objects.filter(course=course, employee__in=employees, status=Assignment.Status.OPEN)
        .values_list("employee_id", flat=True)
    )
    created = Assignment.objects.bulk_create(
        [Assignment(course=course, employee=e, assigned_by=actor, source=source, due_on=due_on)
         for e in employees if e.pk not in already]
    )
    _audit_assignments(created, actor=actor, action="assignment.created")
    return created


def _audit_assignments(rows: list[Assignment], *, actor, action: str) -> None:
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Assignment)
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    audit_bulk([
        AuditEntry(actor=actor_user, action=action, content_type=ct, object_id=str(a.pk),
                   target_repr=f"{a.course_id}/{a.employee_id}"[:300], subject_id=a.employee_id,
                   channel=AuditEntry.Channel.ONLINE if actor_user else AuditEntry.Channel.SYSTEM)
        for a in rows
    ])


@transaction.atomic
def assignment_withdraw(*, actor, assignment: Assignment) -> Assignment:
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("employee").get(pk=assignment.pk)
    if not permissions.can_act_for(actor, assignment.employee):
        raise PermissionDenied("Only the learner's managers or learning staff can withdraw an assignment.")
    if assignment.status != Assignment.Status.OPEN:
        raise DomainError("Only open assignments can be withdrawn.")
    assignment.status = Assignment.Status.WITHDRAWN
    assignment.save(update_fields=["status"])
    audit_record(actor=actor, action="assignment.withdrawn", target=assignment, subject=assignment.employee)
    return assignment


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
    """Automatic assignment: for each person's skills gaps (skills_matrix.selectors.gaps_for), assign
    the active courses that close them, once. A course they completed, or have open, is skipped;
    automatic assignments whose gap has since closed are withdrawn, so it stops once closed.

    Set-based (a handful of queries whatever the head-count) so it runs over the whole council.
    Audited once per person changed (the courses assigned or withdrawn), not once per row.
    """
    from skills_matrix.selectors import gaps_for

    if isinstance(employees, QuerySet):
        staff = employees.values("pk")
    else:
        staff = [getattr(e, "pk", e) for e in employees]
    gaps = gaps_for(employees)
    links_by_skill: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for skill_id, level, course_id in (
        CourseSkill.objects.filter(course__is_active=True).order_by("skill_id", "level", "course__code")
        .values_list("skill_id", "level", "course_id")
    ):
        links_by_skill[skill_id].append((level, course_id))

    wanted: dict[tuple[int, int], int] = {}  # (employee, course) -> the gap's skill
    for employee_id, employee_gaps in gaps.items():
        for gap in employee_gaps:
            for course_id in courses_for_gap(links_by_skill, gap.skill_id, int(gap.current or 0), int(gap.required)):
                wanted.setdefault((employee_id, course_id), gap.skill_id)

    open_rows = Assignment.objects.filter(employee_id__in=staff, status=Assignment.Status.OPEN)
    open_pairs = {(e, c): (pk, src) for pk, e, c, src in open_rows.values_list("pk", "employee_id", "course_id", "source")}
    done_pairs = set(
        Completion.objects.filter(employee_id__in=staff).values_list("employee_id", "course_id").distinct()
    )
    new = [(e, c, skill) for (e, c), skill in wanted.items() if (e, c) not in open_pairs and (e, c) not in done_pairs]
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    assigned = _insert_gap_assignments(new, due_on=due_on, actor_user=actor_user)
    closed = [(pair, pk) for pair, (pk, src) in open_pairs.items() if src == Assignment.Source.GAP and pair not in wanted]
    Assignment.objects.filter(pk__in=[pk for _pair, pk in closed]).update(status=Assignment.Status.WITHDRAWN)

    codes = dict(Course.objects.filter(pk__in={c for _e, c, _s in new} | {p[1] for p, _pk in closed})
                 .values_list("pk", "code"))
    per_person: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"assigned": [], "withdrawn": []})
    for e, c, _skill in new:
        per_person[e]["assigned"].append(codes[c])
    for (e, c), _pk in closed:
        per_person[e]["withdrawn"].append(codes[c])
    _audit_gap_run(per_person, actor_user=actor_user)
    return {"assigned": assigned, "withdrawn": len(closed)}


def _insert_gap_assignments(rows: list[tuple[int, int, int]], *, due_on: dt.date, actor_user) -> int:
    """Insert (employee, course, skill) assignments. On PostgreSQL one INSERT ... SELECT FROM unnest()
    per 50,000 rows: building hundreds of thousands of model instances for bulk_create costs far more
    than the insert itself over the whole council. ON CONFLICT DO NOTHING leaves alone any open
    assignment a concurrent run or a manager created meanwhile (the one-open-per-course constraint)."""
    if not rows:
        return 0
    if connection.vendor != "postgresql":
        made = Assignment.objects.bulk_create(
            [Assignment(employee_id=e, course_id=c, gap_skill_id=s, source=Assignment.Source.GAP, due_on=due_on,
                        assigned_by=actor_user) for e, c, s in rows],
            batch_size=1000, ignore_conflicts=True,
        )
        return len(made)
    table = Assignment._meta.db_table
    now = timezone.now()
    inserted = 0
    sql = (
        f"INSERT INTO {table} (employee_id, course_id, gap_skill_id, source, due_on, status, assigned_by_id, created_at) "  # noqa: S608 - table name from model meta
        "SELECT e, c, s, %s, %s, %s, %s, %s FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[]) AS t(e, c, s) "
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 50_000):
            chunk = rows[i:i + 50_000]
            cursor.execute(sql, [
                Assignment.Source.GAP, due_on, Assignment.Status.OPEN, getattr(actor_user, "pk", None), now,
                [r[0] for r in chunk], [r[1] for r in chunk], [r[2] for r in chunk],
            ])
            inserted += cursor.rowcount
    return inserted


def _audit_gap_run(per_person: dict[int, dict[str, list[str]]], *, actor_user) -> None:
    from django.contrib.contenttypes.models import ContentType

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
    from .models import AutoAssignmentRule

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


def auto_assignment_request_run(*, actor) -> None:
    """Queue a run of every active rule now (it can take a while over the whole council)."""
    from . import tasks

    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators run automatic assignment.")
    transaction.on_commit(lambda: tasks.auto_assignment.delay())


def auto_assignment_run(*, actor=None) -> dict[str, int]:
    """Run every active automatic assignment rule."""
    from people.selectors import units_within

    from .models import AutoAssignmentRule

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


@transaction.atomic
def assignment_reminders_send(*, today: dt.date | None = None, days_ahead: int = 7) -> int:
    """Remind learners once when an open assignment falls due within `days_ahead` days."""
    today = today or timezone.localdate()
    rows = Assignment.objects.select_for_update(skip_locked=True).filter(
        status=Assignment.Status.OPEN, reminded_at__isnull=True,
        due_on__gte=today, due_on__lte=today + dt.timedelta(days=days_ahead),
    )
    ids = list(rows.values_list("pk", flat=True))
    Assignment.objects.filter(pk__in=ids).update(reminded_at=timezone.now())
    if ids:
        _on_commit(notifications.assignments_due, ids)
    return len(ids)


@transaction.atomic
def assignments_overdue_escalate(*, today: dt.date | None = None) -> int:
    """Tell line managers, once per assignment, about their reports' overdue courses."""
    today = today or timezone.localdate()
    rows = Assignment.objects.select_for_update(skip_locked=True).filter(
        status=Assignment.Status.OPEN, escalated_at__isnull=True, due_on__lt=today
    )
    ids = list(rows.values_list("pk", flat=True))
    Assignment.objects.filter(pk__in=ids).update(escalated_at=timezone.now())
    if ids:
        _on_commit(notifications.assignments_overdue, ids)
    return len(ids)


@transaction.atomic
def session_reminders_send(*, now: dt.datetime | None = None, hours_ahead: int = 24) -> int:
    """Remind people with a place, once, when their session starts within `hours_ahead` hours."""
    now = now or timezone.now()
    rows = Booking.objects.select_for_update(skip_locked=True, of=("self",)).filter(
        status=B.CONFIRMED, reminder_sent_at__isnull=True, session__status=Session.Status.SCHEDULED,
        session__starts_at__gt=now, session__starts_at__lte=now + dt.timedelta(hours=hours_ahead),
    )
    ids = list(rows.values_list("pk", flat=True))
    Booking.objects.filter(pk__in=ids).update(reminder_sent_at=now)
    for booking_id in ids:
        _on_commit(notifications.session_reminder, booking_id)
    return len(ids)


# --- xAPI content providers ------------------------------------------------------------------


@transaction.atomic
def content_provider_issue_key(*, actor, name: str, key_id: str) -> tuple[ContentProvider, str]:
    """Register an e-learning host; returns the provider and its secret, which is shown only once."""
    if not permissions.can_manage_catalogue(actor):
        raise PermissionDenied("Only HR and learning administrators register content providers.")
    secret = secrets.token_urlsafe(32)
    provider = ContentProvider.objects.create(name=name, key_id=key_id, key_hash=make_password(secret))
    audit_record(actor=actor, action="content_provider.key_issued", target=provider)
    return provider, secret


# --- digital champions -----------------------------------------------------------------------


@transaction.atomic
def champion_save(*, actor, employee: Employee, unit: OrgUnit, skills, availability: str,
                  is_active: bool = True) -> Champion:
    """Learning staff appoint champions; champions keep their own skills and availability current."""
    me = employee_for(actor)
    existing = Champion.objects.filter(employee=employee).first()
    own = me is not None and me.pk == employee.pk and existing is not None
    if not (permissions.is_learning_staff(actor) or own):
        raise PermissionDenied("Only learning staff appoint digital champions.")
    if own and not permissions.is_learning_staff(actor) and (unit.pk != existing.unit_id or not is_active):
        raise PermissionDenied("Ask learning staff to change the area you cover.")
    champion, _ = Champion.objects.update_or_create(
        employee=employee, defaults={"unit": unit, "availability": availability, "is_active": is_active}
    )
    champion.skills.set(skills)
    if employee.is_digital_champion != is_active:
        employee.is_digital_champion = is_active
        employee.save(update_fields=["is_digital_champion"])
    if employee.user_id:
        # Keep the directory flag and the role group (what other apps check) in step with the profile.
        from django.contrib.auth.models import Group

        from people import roles

        group, _ = Group.objects.get_or_create(name=roles.DIGITAL_CHAMPION)
        (employee.user.groups.add if is_active else employee.user.groups.remove)(group)
    audit_record(actor=actor, action="champion.saved", target=champion, subject=employee)
    return champion


def champion_unit_for(employee: Employee) -> OrgUnit | None:
    """The nearest unit at or above the employee's own that has an active champion (not themselves)."""
    if employee.org_unit_id is None:
        return None
    chain = list(employee.org_unit.get_ancestors(ascending=True, include_self=True))
    served = set(
        Champion.objects.filter(is_active=True, unit__in=chain).exclude(employee=employee)
        .values_list("unit_id", flat=True)
    )
    return next((u for u in chain if u.pk in served), None)


@transaction.atomic
def help_request_create(*, actor, topic: str, details: str = "", skill=None) -> HelpRequest:
    """Ask a champion: routed to the champions of the requester's own unit, or the nearest unit
    above it that has any, and emailed to them."""
    me = employee_for(actor)
    if me is None:
        raise PermissionDenied("Your account is not linked to an employee record.")
    if not topic.strip():
        raise DomainError("Say what you need help with.", field="topic")
    unit = champion_unit_for(me)
    if unit is None:
        raise DomainError("There are no digital champions for your area yet. Contact the IT service desk.",
                          field="topic")
    req = HelpRequest.objects.create(requester=me, routed_unit=unit, topic=topic.strip(), details=details,
                                     skill=skill)
    audit_record(actor=actor, action="help_request.created", target=req, subject=me)
    emails = list(
        Champion.objects.filter(unit=unit, is_active=True).exclude(employee=me)
        .values_list("employee__email", flat=True)
    )
    _on_commit(notifications.help_requested, req.pk, emails)
    return req


def _champion_may_serve(champion_employee: Employee, req: HelpRequest) -> bool:
    profile = Champion.objects.filter(employee=champion_employee, is_active=True).select_related("unit").first()
    if profile is None:
        return False
    # A champion serves their own unit and anything beneath it.
    u, r = profile.unit, req.routed_unit
    return u.tree_id == r.tree_id and u.lft <= r.lft and r.rght <= u.rght


@transaction.atomic
def help_request_take(*, actor, help_request: HelpRequest) -> HelpRequest:
    me = employee_for(actor)
    req = HelpRequest.objects.select_for_update(of=("self",)).select_related("routed_unit").get(pk=help_request.pk)
    if me is None or not _champion_may_serve(me, req):
        raise PermissionDenied("Only champions for this area can take this request.")
    if req.status != HelpRequest.Status.OPEN:
        raise DomainError("Another champion has already taken this request.")
    req.status = HelpRequest.Status.TAKEN
    req.champion = me
    req.save(update_fields=["status", "champion", "updated_at"])
    audit_record(actor=actor, action="help_request.taken", target=req, subject=req.requester)
    return req


@transaction.atomic
def help_log_record(*, actor, topic: str, minutes: int, channel: str, given_on: dt.date | None = None,
                    skill=None, colleague: Employee | None = None,
                    help_request: HelpRequest | None = None) -> HelpLog:
    """A champion logs help given; logging against a request resolves it."""
    me = employee_for(actor)
    if me is None or not Champion.objects.filter(employee=me, is_active=True).exists():
        raise PermissionDenied("Only digital champions log help.")
    if not 1 <= int(minutes) <= 600:
        raise DomainError("Minutes must be between 1 and 600.", field="minutes")
    if channel not in HelpLog.Channel.values:
        raise DomainError("Choose how you helped.", field="channel")
    given_on = given_on or timezone.localdate()
    if given_on > timezone.localdate():
        raise DomainError("The date cannot be in the future.", field="given_on")
    if help_request is not None:
        help_request = HelpRequest.objects.select_for_update(of=("self",)).select_related("routed_unit").get(pk=help_request.pk)
        if not _champion_may_serve(me, help_request):
            raise PermissionDenied("This request is for another area's champions.")
        if help_request.status == HelpRequest.Status.RESOLVED:
            raise DomainError("This request is already resolved.")
        colleague = help_request.requester
        help_request.status = HelpRequest.Status.RESOLVED
        help_request.champion = me
        help_request.save(update_fields=["status", "champion", "updated_at"])
        audit_record(actor=actor, action="help_request.resolved", target=help_request, subject=colleague)
    log = HelpLog.objects.create(champion=me, colleague=colleague, help_request=help_request, topic=topic,
                                 skill=skill, minutes=minutes, channel=channel, given_on=given_on)
    audit_record(actor=actor, action="help_log.recorded", target=log, subject=colleague)
    return log
