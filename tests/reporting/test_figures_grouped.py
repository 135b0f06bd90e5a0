"""The selectors' `each_unit` answers (skills analyses, training, champion help, self-service
requests) give exactly what they give for each unit on its own.

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
from reporting.figures import _staff_in
from reporting.periods import Period
from self_service.selectors import request_kpis, requests_by_channel
from skills_matrix.selectors import assessment_coverage
from tests.factories import OrgUnitFactory
from training.selectors import champion_figures, training_figures

pytestmark = pytest.mark.django_db

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
