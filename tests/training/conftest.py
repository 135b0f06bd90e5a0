"""Training fixtures: a small catalogue on top of the shared council (tests/conftest.py)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from people import roles
from skills_matrix.models import Level, Skill
from training.models import Champion, Course, CourseSkill, Session


def future(days=7, hour=10, minutes=120):
    start = (timezone.now() + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(minutes=minutes)


@pytest.fixture
def skills(db):
    area = Skill.objects.create(code="t-area", name="Working digitally", kind=Skill.Kind.AREA, sort_order=900)
    return {
        "email": Skill.objects.create(code="t-email", name="Email safety", parent=area),
        "sheets": Skill.objects.create(code="t-sheets", name="Spreadsheets", parent=area),
        "teams": Skill.objects.create(code="t-teams", name="Online meetings", parent=area),
    }


@pytest.fixture
def learning_admin(people):
    user = people["admin"].user
    user.groups.add(Group.objects.get_or_create(name=roles.LEARNING_ADMIN)[0])
    return people["admin"]


def make_course(code="excel", kind=Course.Kind.CLASSROOM, skill_levels=(), **kw):
    kw.setdefault("title", code.replace("-", " ").title())
    if kind == Course.Kind.ELEARNING:
        kw.setdefault("launch_url", f"https://learning.example/{code}")
    course = Course.objects.create(code=code, kind=kind, **kw)
    CourseSkill.objects.bulk_create(CourseSkill(course=course, skill=s, level=lv) for s, lv in skill_levels)
    return course


def make_session(course, *, capacity=5, days=7, hour=10, minutes=120, **kw):
    start, end = future(days, hour, minutes)
    kw.setdefault("venue", "Civic Centre, room 1")
    return Session.objects.create(course=course, starts_at=start, ends_at=end, capacity=capacity, **kw)


@pytest.fixture
def course(skills):
    return make_course("excel-working", skill_levels=[(skills["sheets"], Level.WORKING)])


@pytest.fixture
def session(course):
    return make_session(course, capacity=2)


@pytest.fixture
def champion_profile(people, org, skills):
    c = Champion.objects.create(employee=people["champion"], unit=org["social"], availability="Tuesdays")
    c.skills.set([skills["email"]])
    return c
