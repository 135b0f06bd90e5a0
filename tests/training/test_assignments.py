"""Assignments: manual, automatic from skills gaps (exactly the courses that close them, stopping
once closed), reminders and overdue escalation."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.errors import DomainError
from people.models import AuditEntry
from skills_matrix.models import Level
from tests.skills_matrix.factories import assign, make_profile, set_levels
from training import services
from training.models import Assignment, AutoAssignmentRule, Booking, Completion

from .conftest import make_course, make_session

DUE = timezone.localdate() + dt.timedelta(days=60)


def open_courses(employee):
    return set(Assignment.objects.filter(employee=employee, status=Assignment.Status.OPEN)
               .values_list("course__code", flat=True))


@pytest.fixture
def gap_catalogue(skills):
    return {
        "sheets-1": make_course("sheets-1", skill_levels=[(skills["sheets"], Level.FOUNDATION)]),
        "sheets-2": make_course("sheets-2", skill_levels=[(skills["sheets"], Level.WORKING)]),
        "sheets-4": make_course("sheets-4", skill_levels=[(skills["sheets"], Level.EXPERT)]),
        "email-2": make_course("email-2", skill_levels=[(skills["email"], Level.WORKING)]),
        "teams-2": make_course("teams-2", skill_levels=[(skills["teams"], Level.WORKING)]),
        "retired": make_course("retired", is_active=False, skill_levels=[(skills["sheets"], Level.WORKING)]),
    }


@pytest.fixture
def profile(skills, people):
    p = make_profile({skills["sheets"]: 2, skills["email"]: 2, skills["teams"]: 1})
    for who in ("alice", "bob"):
        assign(people[who], p)
    set_levels(people["alice"], {skills["email"]: 2, skills["teams"]: 1})
    set_levels(people["bob"], {skills["sheets"]: 1, skills["teams"]: 2})
    return p


def test_auto_assignment_assigns_exactly_the_courses_that_close_gaps(people, gap_catalogue, profile, skills):
    result = services.assignments_from_gaps(employees=[people["alice"], people["bob"]], due_on=DUE)

    # alice: spreadsheets 0 -> 2 takes both steps; email and meetings are met; nothing above the need.
    assert open_courses(people["alice"]) == {"sheets-1", "sheets-2"}
    # bob: spreadsheets 1 -> 2 needs only the Working course; email 0 -> 2.
    assert open_courses(people["bob"]) == {"sheets-2", "email-2"}
    assert result == {"assigned": 4, "withdrawn": 0}
    row = Assignment.objects.get(employee=people["bob"], course__code="email-2")
    assert (row.source, row.gap_skill_id, row.due_on) == (Assignment.Source.GAP, skills["email"].pk, DUE)
    audit = AuditEntry.objects.get(action="training.assigned_from_gaps", subject=people["bob"])
    assert audit.changes == {"assigned": [None, ["email-2", "sheets-2"]]}

    # Running again changes nothing.
    assert services.assignments_from_gaps(employees=[people["alice"], people["bob"]], due_on=DUE) == \
        {"assigned": 0, "withdrawn": 0}


def test_auto_assignment_stops_once_the_gap_is_closed(people, gap_catalogue, profile, skills):
    services.assignments_from_gaps(employees=[people["alice"]], due_on=DUE)
    set_levels(people["alice"], {skills["sheets"]: 2})  # validated: the gap is closed

    result = services.assignments_from_gaps(employees=[people["alice"]], due_on=DUE)

    assert result == {"assigned": 0, "withdrawn": 2}
    assert open_courses(people["alice"]) == set()
    assert AuditEntry.objects.filter(action="training.assigned_from_gaps", subject=people["alice"]).first().changes \
        == {"withdrawn": [None, ["sheets-1", "sheets-2"]]}
    assert services.assignments_from_gaps(employees=[people["alice"]], due_on=DUE)["assigned"] == 0


def test_completed_course_is_not_assigned_again_while_evidence_waits(people, gap_catalogue, profile):
    services.assignments_from_gaps(employees=[people["bob"]], due_on=DUE)
    services.completion_record(actor=None, employee=people["bob"], course=gap_catalogue["email-2"],
                               source=Completion.Source.MANUAL)
    # The gap stays open until the manager accepts the evidence, but the course is done.
    services.assignments_from_gaps(employees=[people["bob"]], due_on=DUE)
    assert open_courses(people["bob"]) == {"sheets-2"}
    assert Assignment.objects.get(employee=people["bob"], course=gap_catalogue["email-2"]).status == "completed"


def test_when_no_course_sits_in_the_gap_the_lowest_above_it_is_used(people, skills):
    only_expert = make_course("sheets-expert-only", skill_levels=[(skills["sheets"], Level.EXPERT)])
    assign(people["carol"], make_profile({skills["sheets"]: 2}))
    services.assignments_from_gaps(employees=[people["carol"]], due_on=DUE)
    assert open_courses(people["carol"]) == {only_expert.code}


def test_courses_for_gap_rule():
    links = {7: [(1, 10), (2, 20), (3, 30), (4, 40)]}
    assert services.courses_for_gap(links, 7, 0, 2) == [10, 20]
    assert services.courses_for_gap(links, 7, 2, 3) == [30]
    assert services.courses_for_gap({7: [(4, 40)]}, 7, 0, 2) == [40]
    assert services.courses_for_gap(links, 8, 0, 2) == []


def test_rule_run_covers_its_unit_only(people, org, gap_catalogue, profile):
    AutoAssignmentRule.objects.create(name="Team A", unit=org["team_a"], due_in_days=30)
    services.auto_assignment_run()
    assert open_courses(people["alice"]) == {"sheets-1", "sheets-2"}
    assert not Assignment.objects.exclude(employee__org_unit=org["team_a"]).exists()


def test_manual_assignment_permissions(people, course):
    with pytest.raises(PermissionDenied):
        services.assignment_create(actor=people["bob"].user, course=course, employees=[people["alice"]], due_on=DUE)
    with pytest.raises(PermissionDenied):
        services.assignment_create(actor=people["manager"].user, course=course, employees=[people["dave"]], due_on=DUE)
    with pytest.raises(DomainError, match="past"):
        services.assignment_create(actor=people["manager"].user, course=course, employees=[people["alice"]],
                                   due_on=timezone.localdate() - dt.timedelta(days=1))
    made = services.assignment_create(actor=people["manager"].user, course=course,
                                      employees=[people["alice"], people["bob"]], due_on=DUE)
    again = services.assignment_create(actor=people["hr"].user, course=course,
                                       employees=[people["alice"], people["dave"]], due_on=DUE)
    assert len(made) == 2 and [a.employee for a in again] == [people["dave"]]


def test_reminders_and_overdue_escalation_once_each(people, course, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    services.assignment_create(actor=people["manager"].user, course=course, employees=[people["alice"]],
                               due_on=today + dt.timedelta(days=3))
    late = Assignment.objects.create(course=make_course("late"), employee=people["bob"], due_on=today - dt.timedelta(days=2),
                                     source=Assignment.Source.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assignment_reminders_send(today=today) == 1
        assert services.assignments_overdue_tell(today=today) == 1
        assert services.assignments_overdue_escalate(today=today) == 1
    # alice: falling due; bob: his course is overdue; his manager: bob's overdue course
    assert {m.to[0] for m in mail.outbox} == {people["alice"].email, people["bob"].email, people["manager"].email}
    escalation = next(m for m in mail.outbox if m.to == [people["manager"].email])
    assert people["bob"].display_name in escalation.body and late.course.title in escalation.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assignment_reminders_send(today=today) == 0
        assert services.assignments_overdue_tell(today=today) == 0
        assert services.assignments_overdue_escalate(today=today) == 0
    assert mail.outbox == []


def test_session_reminders_once_for_people_with_a_place(people, course, django_capture_on_commit_callbacks):
    soon = make_session(course, days=0, hour=23, minutes=30, capacity=1)
    type(soon).objects.filter(pk=soon.pk).update(
        starts_at=timezone.now() + dt.timedelta(hours=5), ends_at=timezone.now() + dt.timedelta(hours=6))
    services.booking_create(actor=people["alice"].user, session=soon, employee=people["alice"])
    services.booking_create(actor=people["bob"].user, session=soon, employee=people["bob"])  # waiting list
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_reminders_send() == 1
        assert services.session_reminders_send() == 0
    assert [m.to for m in mail.outbox] == [[people["alice"].email]]
    assert Booking.objects.get(employee=people["bob"]).reminder_sent_at is None


def test_completion_evidence_accepted_by_manager_closes_the_gap_end_to_end(people, gap_catalogue, profile, skills):
    """Gap -> assignment -> completion -> evidence pending -> manager accepts -> gap closed -> no more."""
    from skills_matrix import services as skills_services
    from skills_matrix.models import Evidence

    services.assignments_from_gaps(employees=[people["bob"]], due_on=DUE)
    assert open_courses(people["bob"]) == {"sheets-2", "email-2"}
    services.completion_record(actor=None, employee=people["bob"], course=gap_catalogue["sheets-2"],
                               source=Completion.Source.MANUAL)
    evidence = Evidence.objects.get(employee=people["bob"], skill=skills["sheets"])
    skills_services.evidence_decide(actor=people["manager"].user, evidence=evidence, accept=True)

    services.assignments_from_gaps(employees=[people["bob"]], due_on=DUE)
    assert open_courses(people["bob"]) == {"email-2"}
    assert Assignment.objects.get(employee=people["bob"], course__code="sheets-2").status == "completed"
