"""Each figure from a known fixture against a hand count.

The fixture council (tests/conftest.py): 13 active staff.
  Adults (portfolio, 7): director, and Social Work (6): head, champion, Team A (manager, alice, bob),
  Team B (carol). Place (portfolio, 2): Highways: other_manager, dave. Council itself: hr, payroll,
  payroll2, admin. One digital champion (in Social Work).
"""

import datetime as dt

import pytest
from django.utils import timezone

from news.models import ArticleRead
from reporting.figures import compute_figures
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _values(org, period, *unit_names):
    units = [org[n] for n in unit_names]
    out = {}
    for r in compute_figures(units, period):
        if r.available and not r.definition.council_only:
            out[r.key] = {n: r.values[org[n].pk] for n in unit_names}
        elif r.available:
            out[r.key] = r.values[None]
        else:
            out[r.key] = "n/a"
    return out


def test_people_and_intranet_use_figures(signed_in, org, period):
    people = signed_in
    article = ArticleFactory()
    ArticleRead.objects.create(article=article, employee=people["alice"], read_at=timezone.now())
    ArticleRead.objects.create(article=article, employee=people["bob"], read_at=timezone.now())
    # carol read it long before the period: not counted
    ArticleRead.objects.create(article=ArticleFactory(), employee=people["carol"],
                               read_at=timezone.now() - dt.timedelta(days=200))
    # someone who has left is not staff any more
    people["payroll2"].is_active = False
    people["payroll2"].save(update_fields=["is_active"])

    v = _values(org, period, "council", "adults", "social", "place")
    assert v["headcount"] == {"council": 12, "adults": 7, "social": 6, "place": 2}
    # 1 champion: 1/12, 1/7, 1/6 per 100 staff
    assert v["champions_per_100"] == {"council": 8.3, "adults": 14.3, "social": 16.7, "place": 0.0}
    # alice, bob (Adults, Social Work) and dave (Place) signed in
    assert v["active_users_pct"] == {"council": 25.0, "adults": 28.6, "social": 33.3, "place": 50.0}
    # alice and bob opened news in the period
    assert v["news_reach_pct"] == {"council": 16.7, "adults": 28.6, "social": 33.3, "place": 0.0}


def test_self_service_figures_and_gov_uk_kpis(people, org, period):
    from self_service.models import Request, RequestType

    rtype = RequestType.objects.first()
    assert rtype is not None, "self_service ships its request types in a migration"
    now = timezone.now()
    before = now - dt.timedelta(days=120)  # in the equally long period before

    def req(who, channel, status, when=now, rating=None):
        e = people[who]
        return Request.objects.create(type=rtype, employee=e, submitted_by=e.user, channel=channel, status=status,
                                      submitted_at=when, rating=rating)

    req("alice", "online", "processed", rating=5)
    req("bob", "assisted", "processed", rating=3)
    req("carol", "paper", "submitted")
    req("dave", "online", "rejected")
    Request.objects.create(type=rtype, employee=people["alice"], submitted_by=people["alice"].user, status="draft")
    req("alice", "paper", "processed", when=before)

    v = _values(org, period, "adults", "place")
    assert v["requests_online"] == {"adults": 1, "place": 1}
    assert v["requests_assisted"] == {"adults": 1, "place": 0}
    assert v["requests_paper"] == {"adults": 1, "place": 0}
    assert v["digital_take_up"] == {"adults": 33.3, "place": 100.0}
    # Adults: 0% online before, 33.3% now. Place had no requests before: no shift to report.
    assert v["channel_shift"] == {"adults": 33.3, "place": None}
    # default costs: online £0.40, assisted £4.50, paper £8.60
    assert v["cost_per_transaction"] == {"adults": 4.5, "place": 0.4}
    assert v["completion_rate"] == {"adults": 66.7, "place": 0.0}
    assert v["satisfaction"] == {"adults": 4.0, "place": None}


def test_cost_per_contact_is_configurable(people, org, period):
    from reporting.models import ChannelCost
    from self_service.models import Request, RequestType

    ChannelCost.objects.create(channel="online", cost_per_contact="1.00")
    e = people["dave"]
    Request.objects.create(type=RequestType.objects.first(), employee=e, submitted_by=e.user, channel="online",
                           status="submitted", submitted_at=timezone.now())
    assert _values(org, period, "place")["cost_per_transaction"] == {"place": 1.0}


def test_a_failing_source_shows_not_available_rather_than_a_number(people, org, period, monkeypatch, caplog):
    """A selector that raises while computing (a bug, a missing table) marks its figures unavailable
    and is logged; the others still show. A selector that is renamed or gone is not this case: the
    plain imports at the top of reporting.figures fail, and with them every test."""
    from reporting import figures

    def broken(*args, **kwargs):
        raise RuntimeError("training selector broke")

    monkeypatch.setattr(figures, "training_figures", broken)
    monkeypatch.setattr(figures, "champion_figures", broken)
    v = _values(org, period, "adults")
    assert v["training_assigned"] == "n/a" and v["champion_help_given"] == "n/a"
    assert v["headcount"] == {"adults": 7}
    assert "reporting: figure training_assigned failed" in caplog.text and "training selector broke" in caplog.text


def test_figures_read_the_apps_selectors_through_plain_imports():
    """Not through importlib with a "not available" fallback, which hid a renamed selector."""
    from news import selectors as news_selectors
    from reporting import figures
    from self_service import selectors as self_service_selectors
    from skills_matrix import selectors as skills_selectors
    from skills_matrix.recruitment import selectors as recruitment_selectors
    from training import selectors as training_selectors

    assert figures.readers_by_unit is news_selectors.readers_by_unit
    assert figures.requests_by_channel is self_service_selectors.requests_by_channel
    assert figures.request_kpis is self_service_selectors.request_kpis
    assert figures.assessment_coverage is skills_selectors.assessment_coverage
    assert figures.gaps_for is skills_selectors.gaps_for
    assert figures.training_figures is training_selectors.training_figures
    assert figures.champion_figures is training_selectors.champion_figures
    assert figures.recruitment_statistics is recruitment_selectors.statistics
    assert not hasattr(figures, "importlib")


def test_skills_figures(people, org, period):
    """alice and bob need level 3 in one skill; alice is validated at 1 (short by 2), bob has no
    validated level (short by 3). Everyone else's requirements are on retired skills (short by 0).
    alice has submitted a skills analysis."""
    from skills_matrix.framework_data import load_default_framework
    from skills_matrix.models import FrameworkVersion, RoleProfile, RoleRequirement, Skill, SkillDescriptor
    from tests.skills_matrix.factories import (
        assign,
        make_area,
        make_campaign,
        make_profile,
        make_skill,
        only_test_skills_active,
        set_levels,
        submitted_assessment,
    )

    load_default_framework(Skill=Skill, SkillDescriptor=SkillDescriptor, FrameworkVersion=FrameworkVersion,
                           RoleProfile=RoleProfile, RoleRequirement=RoleRequirement)
    area = make_area()
    skill = make_skill(area, "Using Teams")
    only_test_skills_active(area, skill)
    profile = make_profile({skill: 3})
    assign(people["alice"], profile)
    assign(people["bob"], profile)
    set_levels(people["alice"], {skill: 1})
    submitted_assessment(people["alice"], make_campaign(), {skill: 2})

    v = _values(org, period, "adults", "team_a", "place")
    assert v["skills_analysis_pct"] == {"adults": 14.3, "team_a": 33.3, "place": 0.0}  # 1/7, 1/3, 0/2
    # recorded figures come from snapshots on pages; compute it live as the snapshot job does
    live = {r.key: r for r in compute_figures([org["adults"], org["team_a"], org["place"]], period, live=True)}
    gap = live["average_gap"].values
    assert (gap[org["adults"].pk], gap[org["team_a"].pk], gap[org["place"].pk]) == (0.71, 1.67, 0.0)  # 5/7, 5/3


def test_training_and_champion_figures(people, org, period):
    from training.models import Assignment, Champion, Completion, Course, HelpLog

    today = timezone.localdate()
    now = timezone.now()
    course = Course.objects.create(code="teams-basics", title="Teams basics", kind=Course.Kind.choices[0][0])
    # alice: assigned this period, completed; bob: assigned, overdue; dave: assigned, not yet due
    Assignment.objects.create(course=course, employee=people["alice"], source="manager", due_on=today,
                              status="completed", completed_at=now)
    Completion.objects.create(employee=people["alice"], course=course, source="manual", completed_at=now)
    Assignment.objects.create(course=course, employee=people["bob"], source="gap", due_on=today - dt.timedelta(days=5))
    Assignment.objects.create(course=course, employee=people["dave"], source="hr", due_on=today + dt.timedelta(days=30))
    Champion.objects.create(employee=people["champion"], unit=org["social"])
    for days_ago in (1, 10, 200):  # the last is before the period
        HelpLog.objects.create(champion=people["champion"], colleague=people["alice"], topic="Teams", minutes=15,
                               channel=HelpLog.Channel.choices[0][0], given_on=today - dt.timedelta(days=days_ago))

    v = _values(org, period, "adults", "place")
    assert v["training_assigned"] == {"adults": 2, "place": 1}
    assert v["training_completed"] == {"adults": 1, "place": 0}
    assert v["training_overdue"] == {"adults": 1, "place": 0}
    assert v["champion_help_given"] == {"adults": 2, "place": 0}


def test_recruitment_baseline_pass_rate(people, org, period):
    """Two applicants finished a two-area test: both passed "Safe online"; one passed "Spreadsheets".
    Three area passes out of four: 75%. An applicant still in the test is not counted."""
    from skills_matrix.models import Level
    from skills_matrix.recruitment import services as recruitment
    from skills_matrix.recruitment.models import Attempt, AttemptAreaResult
    from tests.skills_matrix.recruitment.conftest import make_area, make_skill, single

    safe, sheets = make_area("Safe online"), make_area("Spreadsheets")
    for area in (safe, sheets):
        skill = make_skill(area, f"{area.name} skill")
        single(skill, "Q1")
        single(skill, "Q2")
    template = recruitment.template_create(
        actor=None, name="Adviser baseline", role_name="Adviser", time_limit_minutes=10,
        areas=[recruitment.AreaSpec(area=safe, question_count=2, pass_mark_percent=50, baseline_level=Level.WORKING),
               recruitment.AreaSpec(area=sheets, question_count=2, pass_mark_percent=100,
                                    baseline_level=Level.FOUNDATION)],
    )
    now = timezone.now()
    for i, (state, results) in enumerate([
        ("submitted", [(safe, True), (sheets, False)]),
        ("submitted", [(safe, True), (sheets, True)]),
        ("in_progress", [(safe, False), (sheets, False)]),
    ]):
        invitation, _ = recruitment.invitation_create(
            actor=None, template=template, name=f"Applicant {i}", email=f"a{i}@example.com", vacancy_reference="V1",
            base_url="http://testserver/",
        )
        attempt = Attempt.objects.create(invitation=invitation, template=template, vacancy_reference="V1", state=state,
                                         started_at=now, deadline=now + dt.timedelta(minutes=10))
        for area, passed in results:
            AttemptAreaResult.objects.create(attempt=attempt, area=area, question_count=2,
                                             correct_count=2 if passed else 0, percent=100 if passed else 0,
                                             pass_mark_percent=50, baseline_level=Level.WORKING, passed=passed)

    assert _values(org, period, "adults")["recruitment_pass_rate"] == 75.0
