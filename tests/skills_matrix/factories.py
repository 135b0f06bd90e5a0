"""Test helpers for skills: small frameworks, profiles, validated levels and campaigns."""

import datetime

from django.utils import timezone

from skills_matrix.models import (
    Assessment,
    Campaign,
    CurrentSkills,
    EmployeeRoleProfile,
    Rating,
    RoleProfile,
    RoleRequirement,
    Skill,
    SkillDescriptor,
)

_counter = {"n": 0}


def _next(prefix):
    _counter["n"] += 1
    return f"{prefix}-{_counter['n']}"


def make_area(name="Test area"):
    return Skill.objects.create(code=_next("area"), name=name, kind=Skill.Kind.AREA, sort_order=100)


def make_skill(area, name="Test skill", descriptors=True):
    skill = Skill.objects.create(code=_next("skill"), name=name, kind=Skill.Kind.SKILL, parent=area)
    if descriptors:
        SkillDescriptor.objects.bulk_create(
            SkillDescriptor(skill=skill, level=lv, text=f"{name} at level {lv}") for lv in range(5)
        )
    return skill


def make_profile(requirements: dict, name="Test profile", **kw):
    profile = RoleProfile.objects.create(code=_next("profile"), name=name, **kw)
    RoleRequirement.objects.bulk_create(
        RoleRequirement(profile=profile, skill=skill, level=lv) for skill, lv in requirements.items()
    )
    return profile


def assign(employee, profile):
    return EmployeeRoleProfile.objects.update_or_create(employee=employee, defaults={"profile": profile})[0]


def set_levels(employee, levels: dict):
    """Validated current levels straight into the derived table (fast setup for matrix tests)."""
    row, _ = CurrentSkills.objects.get_or_create(employee=employee)
    row.levels = {**row.levels, **{str(s.pk if hasattr(s, "pk") else s): lv for s, lv in levels.items()}}
    row.save()
    return row


def make_campaign(name="2027 skills analysis", *, open_=True, org_unit=None):
    today = timezone.localdate()
    if open_:
        opens, closes = today - datetime.timedelta(days=7), today + datetime.timedelta(days=21)
    else:
        opens, closes = today - datetime.timedelta(days=60), today - datetime.timedelta(days=1)
    return Campaign.objects.create(name=name, opens_on=opens, closes_on=closes, org_unit=org_unit)


def submitted_assessment(employee, campaign, levels: dict):
    a = Assessment.objects.create(
        employee=employee, campaign=campaign, status=Assessment.Status.SUBMITTED, submitted_at=timezone.now()
    )
    Rating.objects.bulk_create(
        Rating(assessment=a, skill=s, self_level=lv, skill_name=s.name, descriptor="") for s, lv in levels.items()
    )
    return a


def only_test_skills_active(*keep):
    """Retire the default framework's skills so a test works with a small, known framework."""
    Skill.objects.exclude(pk__in=[s.pk for s in keep]).exclude(parent__in=list(keep)).update(is_active=False)
