"""Training, champion help and self-service figures for every reported unit come from a fixed few
grouped queries, and give exactly what the per-unit selectors give for each unit.

The council: the fixture tree (council > portfolios > departments > teams) plus `departments` more
departments under Place, each with a team beneath it, and a second tree of its own. Staff are
spread over all of them (a few in no unit, a few leavers); each has a request, an assignment and a
completion dated across this period, the one before and long ago; every tenth is a champion (some
no longer active) who logged help."""

import datetime as dt

import pytest
from django.utils import timezone

from people.models import Employee, OrgUnit
from people.selectors import staff_on
from reporting.figures import _scope_units, _staff_in, compute_figures
from reporting.periods import Period
from self_service.selectors import request_kpis, requests_by_channel
from skills_matrix.selectors import assessment_coverage
from tests.factories import OrgUnitFactory
from training.selectors import champion_figures, training_figures

pytestmark = pytest.mark.django_db

GROUPED = ["skills_analysis_pct", "training_assigned", "training_completed", "training_overdue", "champion_help_given", "requests_online",
           "requests_assisted", "requests_paper", "digital_take_up", "channel_shift", "completion_rate",
           "satisfaction", "cost_per_transaction"]


def _spread(org, people, departments: int, staff: int) -> list[OrgUnit]:
    from self_service.models import Request, RequestType
    from skills_matrix.models import Assessment, Campaign
    from training.models import Assignment, Champion, Completion, Course, HelpLog

    for i in range(departments):
        dep = OrgUnitFactory(code=f"dep-{i}", name=f"Department {i}", kind=OrgUnit.Kind.DEPARTMENT, parent=org["place"])
        OrgUnitFactory(code=f"dep-{i}-team", name=f"Department {i} team", kind=OrgUnit.Kind.TEAM, parent=dep)
    other = OrgUnitFactory(code="trust", name="Partner trust", kind=OrgUnit.Kind.COUNCIL)
    OrgUnitFactory(code="trust-team", name="Trust team", kind=OrgUnit.Kind.TEAM, parent=other)
    OrgUnitFactory(code="closed", name="Closed team", kind=OrgUnit.Kind.TEAM, parent=org["highways"], is_active=False)
    places = list(OrgUnit.objects.order_by("tree_id", "lft"))

    today, now = timezone.localdate(), timezone.now()
    staff_rows = Employee.objects.bulk_create([
        Employee(first_name="Sam", last_name=f"Staff{i}", employee_number=f"S{i:05d}",
                 org_unit=None if i % 23 == 0 else places[i % len(places)],
                 is_active=i % 17 != 0, left_on=today - dt.timedelta(days=30) if i % 17 == 0 else None)
        for i in range(staff)
    ])
    everyone = [*people.values(), *staff_rows]
    rtype, user = RequestType.objects.first(), people["hr"].user
    statuses = ["submitted", "processed", "rejected", "withdrawn", "processed", "draft", "approved"]
    Request.objects.bulk_create([
        Request(type=rtype, employee=e, submitted_by=user, channel=["online", "assisted", "paper"][i % 3],
                status=statuses[i % len(statuses)], rating=(i % 5) + 1 if i % 2 else None,
                submitted_at=None if i % 29 == 0 else now - dt.timedelta(days=(7 * i) % 400, hours=i % 24))
        for i, e in enumerate(everyone)
    ])
    course = Course.objects.create(code="teams-basics", title="Teams basics", kind=Course.Kind.choices[0][0])
    assignments = []
    for i, e in enumerate(everyone):
        status = ["open", "completed", "withdrawn", "completed"][i % 4]
        assignments.append(Assignment(
            course=course, employee=e, source="manager", status=status,
            due_on=today - dt.timedelta(days=(11 * i) % 300 - 30),
            completed_at=now - dt.timedelta(days=(5 * i) % 250) if status == "completed" else None))
    Assignment.objects.bulk_create(assignments)
    for i, a in enumerate(assignments):
        a.created_at = now - dt.timedelta(days=(13 * i) % 350, hours=i % 24)
    Assignment.objects.bulk_update(assignments, ["created_at"])
    Completion.objects.bulk_create([
        Completion(employee=e, course=course, source="manual", completed_at=now - dt.timedelta(days=(3 * i) % 300))
        for i, e in enumerate(everyone) if i % 3
    ])
    champions = [e for e in everyone if e.pk % 10 == 0]
    Champion.objects.bulk_create([
        Champion(employee=e, unit=places[(i * 7) % len(places)], is_active=i % 4 != 3) for i, e in enumerate(champions)
    ])
    HelpLog.objects.bulk_create([
        HelpLog(champion=e, colleague=people["alice"], topic="Teams", minutes=10 + k, channel="in_person",
                given_on=today - dt.timedelta(days=(17 * k + i) % 250))
        for i, e in enumerate(champions) for k in range(4)
    ])
    campaigns = [Campaign.objects.create(name=f"Round {k}", opens_on=today - dt.timedelta(days=400),
                                         closes_on=today) for k in range(2)]
    Assessment.objects.bulk_create([
        Assessment(employee=e, campaign=campaigns[k], status=["draft", "submitted", "validated"][(i + k) % 3],
                   submitted_at=now - dt.timedelta(days=(19 * i + k) % 380) if (i + k) % 3 else None,
                   validated_at=now - dt.timedelta(days=(7 * i) % 200) if (i + k) % 3 == 2 else None)
        for i, e in enumerate(everyone) for k in range(2) if i % (k + 2)
    ])
    return list(OrgUnit.objects.filter(is_active=True).order_by("tree_id", "lft"))


# One grouped query each for the people counts, news reach, skills analyses, champion help and the
# recorded skills gap (5); training (2: assignments, completions); mandatory training (2 with no
# rules set); requests by channel for the period and the one before, and the request KPIs (3);
# channel costs (1); recruitment (1). Nothing per unit or per person.
FIGURES_QUERIES = 14


@pytest.mark.parametrize("departments, staff", [(2, 50), (20, 500)])
def test_figures_take_a_fixed_number_of_queries(departments, staff, people, org, period, django_assert_num_queries):
    units = _spread(org, people, departments, staff)
    with django_assert_num_queries(FIGURES_QUERIES):
        compute_figures(units, period)


def _periods(period):
    today = timezone.localdate()
    return [period, period.previous(), Period("old", "Long ago", today - dt.timedelta(days=390), today - dt.timedelta(days=200))]


def _same_kpis(grouped: dict, per_unit: dict) -> bool:
    """The grouped mean rating is a sum over a count worked out in Python, the per-unit one the
    database's AVG: equal to the last binary digit; everything else (satisfaction too) exactly."""
    rest = {k: v for k, v in grouped.items() if k != "mean_rating"}
    return rest == {k: v for k, v in per_unit.items() if k != "mean_rating"} and (
        grouped["mean_rating"] == pytest.approx(per_unit["mean_rating"], rel=1e-15, abs=0)
        if per_unit["mean_rating"] is not None else grouped["mean_rating"] is None)


def test_grouped_selectors_agree_with_the_per_unit_ones(people, org, period):
    units = _spread(org, people, 3, 120)
    seen = {"assigned": 0, "completed": 0, "overdue": 0, "help": 0, "requests": 0, "rated": 0, "analysed": 0}
    for p in _periods(period):
        s, e = p.start, p.end
        coverage = assessment_coverage(staff_on(e), as_of=p.end_dt, each_unit=units)
        training = training_figures(Employee.objects.all(), s, e, each_unit=units)
        help_given = champion_figures(units, s, e, each_unit=True)
        channels = requests_by_channel(units=units, start=s, end=e, each_unit=True)
        kpis = request_kpis(units=units, start=s, end=e, each_unit=True)
        assert channels[None] == requests_by_channel(start=s, end=e)
        assert _same_kpis(kpis[None], request_kpis(start=s, end=e))
        for u in units:
            where = (p.key, u.code)
            assert coverage[u.pk] == assessment_coverage(_staff_in(u, e), as_of=p.end_dt), where
            assert training[u.pk] == training_figures(_staff_in(u), s, e), where
            assert help_given[u.pk] == champion_figures(OrgUnit.objects.filter(pk=u.pk), s, e), where
            assert channels[u.pk] == requests_by_channel(units=[u], start=s, end=e), where
            assert _same_kpis(kpis[u.pk], request_kpis(units=[u], start=s, end=e)), where
            for key in ("assigned", "completed", "overdue"):
                seen[key] += training[u.pk][key]
            seen["help"] += help_given[u.pk]["help_count"]
            seen["requests"] += sum(channels[u.pk].values())
            seen["rated"] += kpis[u.pk]["rated"]
            seen["analysed"] += coverage[u.pk]["completed"] + coverage[u.pk]["validated"]
    assert all(seen.values()), seen  # the data reached every family


def _take_up(c):
    total = sum(c.values())
    return round(100 * c["online"] / total, 1) if total else None


def test_figures_are_what_the_per_unit_selectors_give_for_every_unit(people, org, period):
    """What compute_figures gave when it called the selectors once per unit, recomputed here that way."""
    from reporting.models import ChannelCost

    units = _spread(org, people, 3, 120)
    costs = ChannelCost.current()
    for p in _periods(period):
        s, e = p.start, p.end
        got = {r.key: r.values for r in compute_figures(units, p, GROUPED)}
        for u in units:
            cov = assessment_coverage(_staff_in(u, e), as_of=p.end_dt)
            t = training_figures(_staff_in(u), s, e)
            c = requests_by_channel(units=_scope_units(u), start=s, end=e)
            before = requests_by_channel(units=_scope_units(u), start=p.previous().start, end=p.previous().end)
            k = request_kpis(units=_scope_units(u), start=s, end=e)
            a, b = _take_up(c), _take_up(before)
            total = sum(c.values())
            expected = {
                "skills_analysis_pct": cov["completed_percent"],
                "training_assigned": t["assigned"], "training_completed": t["completed"],
                "training_overdue": t["overdue"],
                "champion_help_given": champion_figures(OrgUnit.objects.filter(pk=u.pk), s, e)["help_count"],
                "requests_online": c["online"], "requests_assisted": c["assisted"], "requests_paper": c["paper"],
                "digital_take_up": a, "channel_shift": round(a - b, 1) if a is not None and b is not None else None,
                "completion_rate": round(100 * k["completion_rate"], 1) if k["completion_rate"] is not None else None,
                "satisfaction": k["satisfaction"],
                "cost_per_transaction": round(float(sum(costs.get(ch, 0) * n for ch, n in c.items()) / total), 2)
                if total else None,
            }
            assert {key: got[key][u.pk] for key in GROUPED} == expected, (p.key, u.code)
