"""Every dashboard figure for a past period, against hand counts: nothing that happened after the
period (a later sign-in, a joiner, a later skills analysis, today's recorded gap) may leak in.

The fixture council (tests/conftest.py) has 13 active staff; see test_figures.py for the tree.
The period is the month before last. In it:
  - alice joined after it and carol left during it: neither is staff at its end; payroll2 left
    after it, so still counts (council 11, Adults 5, Social Work 4, Team A 2, Place 2).
"""

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.utils import timezone

from news.models import ArticleRead
from people.models import SignIn
from reporting import services
from reporting.figures import compute_figures
from reporting.models import FigureSnapshot
from reporting.periods import month_period
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db

UNITS = ("council", "adults", "social", "team_a", "place")


@pytest.fixture
def past():
    return month_period(timezone.localdate().replace(day=1) - relativedelta(months=2))


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.fixture
def history(people, org, past):
    """What happened in and around the past period (see the module docstring for the staff)."""
    mid, after, before = _at(past.start + dt.timedelta(days=10)), timezone.now(), _at(past.start - dt.timedelta(days=3))
    p = people
    p["alice"].start_date = past.end + dt.timedelta(days=1)
    p["alice"].save(update_fields=["start_date"])
    for who, left in (("carol", past.start + dt.timedelta(days=3)), ("payroll2", past.end + dt.timedelta(days=5))):
        p[who].is_active, p[who].left_on = False, left
        p[who].save(update_fields=["is_active", "left_on"])

    # Sign-ins: bob (recorded) and dave (only his last login) in the period; the manager only since,
    # the head only before.
    User = get_user_model()
    User.objects.update(last_login=None)
    SignIn.objects.all().delete()
    SignIn.objects.create(user=p["bob"].user, at=mid)
    SignIn.objects.create(user=p["manager"].user, at=after)
    SignIn.objects.create(user=p["head"].user, at=before)
    User.objects.filter(pk=p["dave"].user_id).update(last_login=mid)
    User.objects.filter(pk=p["manager"].user_id).update(last_login=after)

    # News: bob read in the period, the head only afterwards.
    article = ArticleFactory()
    ArticleRead.objects.create(article=article, employee=p["bob"], read_at=mid)
    ArticleRead.objects.create(article=article, employee=p["head"], read_at=after)
    return {"mid": mid, "after": after, "before": before}


def _values(org, period, live=False):
    units = [org[n] for n in UNITS]
    return {r.key: ({n: r.values.get(org[n].pk) for n in UNITS} if r.available else "n/a")
            for r in compute_figures(units, period, live=live) if not r.definition.council_only}


def test_people_and_news_figures_for_a_past_period(history, org, past):
    v = _values(org, past)
    assert v["headcount"] == {"council": 11, "adults": 5, "social": 4, "team_a": 2, "place": 2}
    # one champion (Social Work): 1/11, 1/5, 1/4 per 100 staff
    assert v["champions_per_100"] == {"council": 9.1, "adults": 20.0, "social": 25.0, "team_a": 0.0, "place": 0.0}
    # bob (Team A) and dave (Place) signed in during the period; the manager's later sign-in does not count
    assert v["active_users_pct"] == {"council": 18.2, "adults": 20.0, "social": 25.0, "team_a": 50.0, "place": 50.0}
    # bob read news in the period
    assert v["news_reach_pct"] == {"council": 9.1, "adults": 20.0, "social": 25.0, "team_a": 50.0, "place": 0.0}


def test_skills_figures_for_a_past_period(history, people, org, past):
    from skills_matrix.models import Assessment
    from tests.skills_matrix.factories import make_campaign, submitted_assessment

    campaign = make_campaign()
    submitted_assessment(people["bob"], campaign, {})
    submitted_assessment(people["manager"], campaign, {})  # after the period
    Assessment.objects.filter(employee=people["bob"]).update(submitted_at=history["mid"])
    # bob (Team A) of Adults' five staff and Team A's two
    assert _values(org, past)["skills_analysis_pct"] == {
        "council": 9.1, "adults": 20.0, "social": 25.0, "team_a": 50.0, "place": 0.0}

    # The gap is recorded monthly: the period shows its own month's record, not this month's.
    this_month = timezone.localdate().replace(day=1)
    for month, value in ((past.start, 1.5), (this_month, 0.25)):
        for code in ("council", "adults", "social", "team-a", "place"):
            FigureSnapshot.objects.create(month=month, unit_code=code, unit_name=code, figure="average_gap", value=value)
    [gap] = list(compute_figures([org["adults"]], past, ["average_gap"]))
    assert gap.values == {org["adults"].pk: 1.5}
    assert gap.note == f"As recorded for {past.start:%B %Y}"
    # the month after the period has nothing recorded: no data rather than another month's figure
    [gap] = compute_figures([org["adults"]], month_period(past.start + relativedelta(months=1)), ["average_gap"])
    assert gap.values == {org["adults"].pk: None} and gap.note.startswith("Not recorded yet")
    # the emailed monthly PDF reads the same table for its month
    table = {r.key: cells for r, cells in services.figure_table([org["adults"]], past)}
    assert table["average_gap"] == [(org["adults"], 1.5)]


def test_re_taking_an_old_month_keeps_its_recorded_gap(people, org, past):
    FigureSnapshot.objects.create(month=past.start, unit_code="adults", unit_name="Adults", figure="average_gap",
                                  value=1.5)
    services.snapshot_take(month=past.start)
    # today's gap (0.0: no requirements) would be wrong for that month; the month's other figures are re-taken
    assert FigureSnapshot.objects.get(month=past.start, unit_code="adults", figure="average_gap").value == 1.5
    assert FigureSnapshot.objects.get(month=past.start, unit_code="adults", figure="headcount").value == 7


def test_training_and_champion_figures_for_a_past_period(history, people, org, past):
    from training.models import Assignment, Champion, Completion, Course, HelpLog

    course = Course.objects.create(code="teams-basics", title="Teams basics", kind=Course.Kind.choices[0][0])
    bob = Assignment.objects.create(course=course, employee=people["bob"], source="manager",
                                    due_on=past.start + dt.timedelta(days=15))  # still open: overdue at the end
    done_at = _at(past.end - dt.timedelta(days=1))
    dave = Assignment.objects.create(course=course, employee=people["dave"], source="hr", due_on=past.end,
                                     status="completed", completed_at=done_at)
    Completion.objects.create(employee=people["dave"], course=course, source="manual", completed_at=done_at)
    Assignment.objects.filter(pk__in=[bob.pk, dave.pk]).update(created_at=history["mid"])
    Assignment.objects.create(course=course, employee=people["head"], source="hr", due_on=past.end)  # made today
    Champion.objects.create(employee=people["champion"], unit=org["social"])
    for when in (past.start + dt.timedelta(days=2), past.end + dt.timedelta(days=2)):
        HelpLog.objects.create(champion=people["champion"], colleague=people["bob"], topic="Teams", minutes=15,
                               channel=HelpLog.Channel.choices[0][0], given_on=when)

    v = _values(org, past)
    assert v["training_assigned"] == {"council": 2, "adults": 1, "social": 1, "team_a": 1, "place": 1}
    assert v["training_completed"] == {"council": 1, "adults": 0, "social": 0, "team_a": 0, "place": 1}
    assert v["training_overdue"] == {"council": 1, "adults": 1, "social": 1, "team_a": 1, "place": 0}
    assert v["champion_help_given"] == {"council": 1, "adults": 1, "social": 1, "team_a": 0, "place": 0}


def test_self_service_figures_for_a_past_period(history, people, org, past):
    from self_service.models import Request, RequestType

    rtype = RequestType.objects.first()

    def req(who, channel, status, when, rating=None):
        e = people[who]
        Request.objects.create(type=rtype, employee=e, submitted_by=e.user, channel=channel, status=status,
                               submitted_at=when, rating=rating)

    req("bob", "online", "processed", history["mid"], rating=4)
    req("dave", "paper", "submitted", history["mid"])
    req("bob", "assisted", "processed", history["after"])  # after the period
    req("bob", "paper", "processed", history["before"])  # in the equally long period before

    v = _values(org, past)
    assert v["requests_online"] == {"council": 1, "adults": 1, "social": 1, "team_a": 1, "place": 0}
    assert v["requests_assisted"] == {"council": 0, "adults": 0, "social": 0, "team_a": 0, "place": 0}
    assert v["requests_paper"] == {"council": 1, "adults": 0, "social": 0, "team_a": 0, "place": 1}
    assert v["digital_take_up"] == {"council": 50.0, "adults": 100.0, "social": 100.0, "team_a": 100.0, "place": 0.0}
    # before: one paper request from bob (0% online); Place had none before
    assert v["channel_shift"] == {"council": 50.0, "adults": 100.0, "social": 100.0, "team_a": 100.0, "place": None}
    assert v["cost_per_transaction"] == {"council": 4.5, "adults": 0.4, "social": 0.4, "team_a": 0.4, "place": 8.6}
    assert v["completion_rate"] == {"council": 50.0, "adults": 100.0, "social": 100.0, "team_a": 100.0, "place": 0.0}
    assert v["satisfaction"] == {"council": 4.0, "adults": 4.0, "social": 4.0, "team_a": 4.0, "place": None}


def test_a_sign_in_is_recorded(people, client):
    SignIn.objects.all().delete()
    client.force_login(people["alice"].user)
    [row] = SignIn.objects.all()
    people["alice"].user.refresh_from_db()
    assert row.user_id == people["alice"].user_id and row.at == people["alice"].user.last_login
