"""Demo data: role profiles for most staff, last year's validated baseline for most people, and this
year's campaign part-way through (some sent and waiting for their manager, some in progress).

Deterministic (the rng given) and bulk: a few thousand people take seconds."""

import datetime

from django.db import connection
from django.utils import timezone

from people.models import Employee

from .models import (
    Assessment,
    Campaign,
    CurrentSkills,
    EmployeeRoleProfile,
    FrameworkVersion,
    Rating,
    RoleProfile,
    Skill,
)

BATCH = 5000


def _profile_for(employee_row, profiles):
    _pk, title, style, has_reports = employee_row
    title = (title or "").lower()
    if has_reports and "team-manager" in profiles:
        return profiles["team-manager"]
    if "contact" in title or "customer" in title or "adviser" in title:
        return profiles.get("contact-centre-adviser")
    if style == Employee.WorkStyle.MOBILE:
        return profiles.get("frontline-mobile-worker")
    if style == Employee.WorkStyle.STATIC:
        return profiles.get("office-based-officer")
    return None  # the default profile


def seed_skills(*, rng, staff_count, stdout=None) -> None:
    today = timezone.localdate()
    skills = list(Skill.objects.filter(kind=Skill.Kind.SKILL, is_active=True).order_by("tree_id", "lft").prefetch_related("descriptors"))
    if not skills:
        return
    descriptors = {(s.pk, d.level): d.text for s in skills for d in s.descriptors.all()}
    profiles = {p.code: p for p in RoleProfile.objects.filter(is_active=True)}
    version = FrameworkVersion.objects.order_by("-number").first()
    managers = set(Employee.objects.filter(is_active=True, line_manager__isnull=False).values_list("line_manager_id", flat=True))
    people = [
        (pk, title, style, pk in managers)
        for pk, title, style in Employee.objects.filter(is_active=True).order_by("pk").values_list("pk", "job_title", "work_style")
    ]
    demo_employee = Employee.objects.filter(user__username="employee").values_list("pk", flat=True).first()
    # The demo manager's reports have all sent theirs, so signing in as them shows work to validate.
    demo_reports = set(Employee.objects.filter(line_manager__user__username="manager").values_list("pk", flat=True))

    EmployeeRoleProfile.objects.bulk_create(
        [EmployeeRoleProfile(employee_id=row[0], profile=p) for row in people if (p := _profile_for(row, profiles))],
        batch_size=BATCH,
    )
    baseline = Campaign.objects.create(
        name=f"{today.year - 1} skills baseline", opens_on=today - datetime.timedelta(days=400),
        closes_on=today - datetime.timedelta(days=340),
    )
    current = Campaign.objects.create(
        name=f"{today.year + (1 if today.month >= 9 else 0)} skills analysis",
        opens_on=today - datetime.timedelta(days=14), closes_on=today + datetime.timedelta(days=28),
    )
    # A person's general confidence with technology and each skill's difficulty shape the levels.
    difficulty = {s.pk: rng.uniform(-0.8, 0.6) for s in skills}
    validated_at = timezone.now() - datetime.timedelta(days=330)
    submitted_at = timezone.now() - datetime.timedelta(days=3)
    baseline_rows, current_rows, plan = [], [], {}
    for pk, _title, _style, _mgr in people:
        ability = rng.gauss(2.0, 0.8)
        levels = {s.pk: max(0, min(4, round(ability - difficulty[s.pk] + rng.gauss(0, 0.6)))) for s in skills}
        roll = rng.random()
        if roll < 0.75:
            baseline_rows.append(Assessment(employee_id=pk, campaign=baseline, status=Assessment.Status.VALIDATED,
                                            framework_version=version, submitted_at=validated_at, validated_at=validated_at,
                                            validated_by_id=None))
            plan[pk] = levels
        if pk == demo_employee:
            continue  # the demo employee still has this year's self-assessment to do
        now_roll = rng.random()
        if now_roll < 0.35 or pk in demo_reports:
            current_rows.append((Assessment(employee_id=pk, campaign=current, status=Assessment.Status.SUBMITTED,
                                            framework_version=version, submitted_at=submitted_at),
                                 {sid: min(4, lv + (1 if rng.random() < 0.3 else 0)) for sid, lv in levels.items()}))
        elif now_roll < 0.5:
            current_rows.append((Assessment(employee_id=pk, campaign=current, status=Assessment.Status.DRAFT,
                                            framework_version=version), {}))
    Assessment.objects.bulk_create(baseline_rows, batch_size=BATCH)
    Assessment.objects.bulk_create([a for a, _ in current_rows], batch_size=BATCH)
    ratings = []
    for a in baseline_rows:
        for sk in skills:
            lv = plan[a.employee_id][sk.pk]
            ratings.append((a.pk, sk.pk, lv, lv, "", sk.name, descriptors.get((sk.pk, lv), "")))
    for a, levels in current_rows:
        for sk in skills:
            if sk.pk in levels:
                lv = levels[sk.pk]
                ratings.append((a.pk, sk.pk, lv, None, "", sk.name, descriptors.get((sk.pk, lv), "")))
    _insert_ratings(ratings)
    CurrentSkills.objects.bulk_create(
        [CurrentSkills(employee_id=pk, levels={str(k): v for k, v in lv.items()}) for pk, lv in plan.items()],
        batch_size=BATCH,
    )
    if stdout is not None:
        stdout.write(f"  skills: {len(baseline_rows):,} validated baseline assessments, {len(current_rows):,} in this year's campaign")



RATING_COLUMNS = ("assessment_id", "skill_id", "self_level", "validated_level", "adjust_reason", "skill_name", "descriptor")


def _insert_ratings(rows: list[tuple]) -> None:
    """A demo council has a hundred thousand ratings or more: COPY them on PostgreSQL (seconds instead
    of the ORM's half a minute), bulk_create elsewhere (SQLite)."""
    if connection.vendor == "postgresql":
        table = Rating._meta.db_table
        with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({', '.join(RATING_COLUMNS)}) FROM STDIN"  # noqa: S608 - constant names, no input
        ) as copy:
            for row in rows:
                copy.write_row(row)
        return
    Rating.objects.bulk_create((Rating(**dict(zip(RATING_COLUMNS, row, strict=True))) for row in rows), batch_size=BATCH)
