"""Automatic assignment from skills gaps over 20,000 staff: the first run (creating assignments) and a
repeat run (nothing new to assign), plus booking throughput on one session with a waiting list."""

import datetime as dt
import random
import time

STAFF = 20_000
SKILLS = 30


def _setup():
    from people.models import Employee, OrgUnit
    from skills_matrix.models import CurrentSkills, EmployeeRoleProfile, RoleProfile, RoleRequirement, Skill
    from training.models import Course, CourseSkill

    rng = random.Random(11)
    council = OrgUnit.objects.create(code="bench-train-council", name="Training bench", kind=OrgUnit.Kind.COUNCIL)
    teams = [OrgUnit.objects.create(code=f"bench-train-team-{i}", name=f"T{i}", kind=OrgUnit.Kind.TEAM, parent=council)
             for i in range(40)]
    area = Skill.objects.create(code="bench-train-area", name="Training bench area", kind=Skill.Kind.AREA)
    skills = [Skill.objects.create(code=f"bench-train-skill-{i}", name=f"Skill {i}", parent=area) for i in range(SKILLS)]
    profile = RoleProfile.objects.create(code="bench-train-profile", name="Training bench profile")
    RoleRequirement.objects.bulk_create(RoleRequirement(profile=profile, skill=s, level=rng.randint(1, 3)) for s in skills)
    # Two or three courses per skill at different levels, as a real catalogue would have.
    for i, s in enumerate(skills):
        for level in sorted(rng.sample([1, 2, 3, 4], rng.randint(2, 3))):
            c = Course.objects.create(code=f"bench-train-{i}-{level}", title=f"Course {i}/{level}", kind=Course.Kind.CLASSROOM)
            CourseSkill.objects.create(course=c, skill=s, level=level)
    Employee.objects.bulk_create(
        [Employee(first_name=f"P{i}", last_name=f"Train{i:05d}", org_unit=teams[i % len(teams)]) for i in range(STAFF)],
        batch_size=2000,
    )
    ids = list(Employee.objects.filter(org_unit__in=teams).values_list("pk", flat=True))
    EmployeeRoleProfile.objects.bulk_create([EmployeeRoleProfile(employee_id=pk, profile=profile) for pk in ids],
                                            batch_size=2000)
    CurrentSkills.objects.bulk_create(
        [CurrentSkills(employee_id=pk, levels={str(s.pk): rng.randint(0, 3) for s in skills}) for pk in ids],
        batch_size=2000,
    )
    return Employee.objects.filter(org_unit__in=teams), skills


def _booking_throughput():
    from django.utils import timezone

    from people.models import Employee
    from training.models import Course, Session

    course = Course.objects.create(code="bench-train-booking", title="Booking bench", kind=Course.Kind.CLASSROOM)
    start = timezone.now() + dt.timedelta(days=10)
    session = Session.objects.create(course=course, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                     capacity=50, venue="Bench room")
    learners = list(Employee.objects.filter(last_name__startswith="Train")[:120])
    started = time.perf_counter()
    for e in learners:
        _book_as_learning_staff(session, e)
    return len(learners), time.perf_counter() - started


_cache: dict = {}


def _book_as_learning_staff(session, employee):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from people import roles
    from training import services

    if "admin" not in _cache:
        _cache["admin"] = get_user_model().objects.create_user("bench-train-admin", password="x" * 12)
        _cache["admin"].groups.add(Group.objects.get_or_create(name=roles.LEARNING_ADMIN)[0])
    return services.booking_create(actor=_cache["admin"], session=session, employee=employee)


def run():
    from django.utils import timezone

    from training import services
    from training.models import Assignment

    staff, _skills = _setup()
    due = timezone.localdate() + dt.timedelta(days=60)

    started = time.perf_counter()
    first = services.assignments_from_gaps(employees=staff, due_on=due)
    first_s = time.perf_counter() - started

    started = time.perf_counter()
    second = services.assignments_from_gaps(employees=staff, due_on=due)
    second_s = time.perf_counter() - started

    n, booking_s = _booking_throughput()
    return [
        (f"auto-assignment over {STAFF:,} staff, first run", f"{first_s:.2f} s ({first['assigned']:,} assigned)"),
        (f"auto-assignment over {STAFF:,} staff, repeat run", f"{second_s:.2f} s ({second['assigned']:,} assigned)"),
        ("open assignments after both runs", f"{Assignment.objects.filter(status='open').count():,}"),
        (f"bookings onto one 50-place session ({n} people, locked)", f"{booking_s / n * 1000:.1f} ms each"),
    ]
