"""Pages: who may open what (tables), the main journeys, and query counts that do not grow."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.html import escape

from people import roles
from skills_matrix.models import Level
from training import services
from training.models import (
    Assignment,
    Booking,
    Completion,
    HelpLog,
    HelpRequest,
    QuizAttempt,
    QuizQuestion,
    Session,
)

from .conftest import make_course, make_session


@pytest.fixture
def completion(people, course):
    return Completion.objects.create(employee=people["alice"], course=course, source="manual",
                                     completed_at=timezone.now())


@pytest.mark.parametrize(("who", "url_name", "expected"), [
    ("alice", "catalogue", 200),
    ("dave", "sessions", 200),
    ("alice", "my_learning", 200),
    ("bob", "team", 200),
    ("alice", "course_new", 403),
    ("manager", "course_new", 403),
    ("hr", "course_new", 200),
    ("learning_admin", "course_new", 200),
    ("bob", "assign", 403),          # manages nobody
    ("manager", "assign", 200),
    ("hr", "assign", 200),
    ("alice", "champions", 200),
    ("alice", "ask_champion", 200),
    ("alice", "help_requests", 403),
    ("champion", "help_requests", 200),
    ("alice", "help_log", 403),
    ("champion", "help_log", 200),
    ("champion", "champion_profile", 200),
    ("manager", "approvals", 200),
])
def test_page_permissions(people, login, learning_admin, champion_profile, who, url_name, expected):
    from django.urls import reverse

    employee = learning_admin if who == "learning_admin" else people[who]
    assert login(employee).get(reverse(f"training:{url_name}")).status_code == expected


def test_pages_need_sign_in(client, db):
    response = client.get("/training/")
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


@pytest.mark.parametrize(("who", "expected"), [
    ("alice", 200),     # her own
    ("manager", 200),   # her line manager
    ("head", 200),      # indirect manager
    ("hr", 200),
    ("bob", 403),       # a colleague
    ("carol", 403),     # her report: managers see down the chain, not up
    ("dave", 403),
])
def test_certificate_permissions(people, login, completion, who, expected):
    response = login(people[who]).get(f"/training/certificates/{completion.pk}.pdf")
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_a_learning_admin_who_is_not_hr_sees_certificates_and_cancels_bookings(people, login, course, completion):
    """Learning staff include learning admins, whom people's own record rule (HR, admins, managers)
    does not name; dave manages no one and is outside alice's line."""
    people["dave"].user.groups.add(Group.objects.get_or_create(name=roles.LEARNING_ADMIN)[0])
    booking = services.booking_create(actor=people["alice"].user, session=make_session(course),
                                      employee=people["alice"])
    client = login(people["dave"])
    assert client.get(f"/training/certificates/{completion.pk}.pdf").status_code == 200
    response = client.post(f"/training/bookings/{booking.pk}/cancel/", follow=True)
    assert "The booking is cancelled" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED


def test_register_only_for_host_and_learning_staff(people, login, course, learning_admin):
    session = make_session(course, host=people["champion"])
    for who, sees in [(people["alice"], False), (people["champion"], True), (learning_admin, True)]:
        page = login(who).get(f"/training/sessions/{session.pk}/").content.decode()
        assert ("Register" in page) is sees


def test_book_cancel_and_waiting_list_through_pages(people, client, course, django_capture_on_commit_callbacks):
    session = make_session(course, capacity=1)
    client.force_login(people["alice"].user)
    response = client.post(f"/training/sessions/{session.pk}/book/", follow=True)
    assert "Your place is booked" in response.content.decode()
    client.force_login(people["bob"].user)
    response = client.post(f"/training/sessions/{session.pk}/book/", follow=True)
    assert "waiting list" in response.content.decode()
    bob_booking = Booking.objects.get(employee=people["bob"])
    assert bob_booking.status == Booking.Status.WAITLISTED

    client.force_login(people["alice"].user)
    mine = Booking.objects.get(employee=people["alice"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/training/bookings/{mine.pk}/cancel/",
                               {"next": f"/training/sessions/{session.pk}/"}, follow=True)
    assert "The booking is cancelled" in response.content.decode()
    bob_booking.refresh_from_db()
    assert bob_booking.status == Booking.Status.CONFIRMED

    # Someone else's booking cannot be cancelled, and a full error is shown rather than a 500.
    client.force_login(people["dave"].user)
    assert client.post(f"/training/bookings/{bob_booking.pk}/cancel/").status_code == 403


def test_cancel_next_must_be_on_this_site(people, client, course):
    session = make_session(course)
    booking = services.booking_create(actor=people["alice"].user, session=session, employee=people["alice"])
    client.force_login(people["alice"].user)
    response = client.post(f"/training/bookings/{booking.pk}/cancel/", {"next": "https://evil.example/"})
    assert response["Location"] == "/training/my/"


def test_booking_clash_is_shown_as_a_message(people, client, course):
    session = make_session(course)
    client.force_login(people["alice"].user)
    client.post(f"/training/sessions/{session.pk}/book/")
    response = client.post(f"/training/sessions/{session.pk}/book/", follow=True)
    assert "already booked on this session" in response.content.decode()


def test_ask_a_champion_and_champion_logs_it(people, client, champion_profile, skills):
    client.force_login(people["alice"].user)
    response = client.post("/training/champions/ask/", {"topic": "Teams on my phone", "details": "It crashes"},
                           follow=True)
    assert "gone to the digital champions for Social Work" in response.content.decode()
    req = HelpRequest.objects.get()
    client.force_login(people["champion"].user)
    assert "Teams on my phone" in client.get("/training/champions/requests/").content.decode()
    client.post(f"/training/champions/requests/{req.pk}/take/")
    response = client.post(f"/training/champions/requests/{req.pk}/log/",
                           {"topic": "Teams on my phone", "minutes": "20", "channel": "in_person"}, follow=True)
    assert "help you gave is logged" in response.content.decode()
    req.refresh_from_db()
    assert req.status == HelpRequest.Status.RESOLVED
    assert HelpLog.objects.get().minutes == 20


def test_help_log_form_names_bad_fields(people, client, champion_profile):
    client.force_login(people["champion"].user)
    response = client.post("/training/champions/log/", {"topic": "", "minutes": "0", "channel": "pigeon"})
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"topic", "minutes", "channel"}


def test_champions_page_per_department(people, client, org, champion_profile):
    dropin = make_course("dropin", kind="dropin")
    make_session(dropin, host=people["champion"], venue="Library")
    client.force_login(people["dave"].user)
    page = client.get("/training/champions/").content.decode()
    assert "Social Work" in page
    page = client.get(f"/training/champions/{org['social'].code}/").content.decode()
    assert escape(people["champion"].display_name) in page and "Tuesdays" in page and "Email safety" in page
    assert "Drop-in sessions you can book" in page and "Library" in page


def test_quiz_pass_records_completion(people, client, skills):
    course = make_course("quiz-course", kind="elearning", pass_mark=50)
    q1 = QuizQuestion.objects.create(course=course, text="Q1", options=["a", "b"], correct_option=1)
    q2 = QuizQuestion.objects.create(course=course, text="Q2", options=["a", "b"], correct_option=0)
    client.force_login(people["bob"].user)
    assert "Open the course content first" in client.get(f"/training/courses/{course.code}/quiz/").content.decode()
    response = client.post(f"/training/courses/{course.code}/start/")
    assert response.status_code == 302 and response["Location"] == course.launch_url
    response = client.post(f"/training/courses/{course.code}/quiz/", {f"q{q1.pk}": "1"})
    assert response.content.decode().count("Choose an answer") == 1  # (questions come in the drawn order)
    response = client.post(f"/training/courses/{course.code}/quiz/", {f"q{q1.pk}": "1", f"q{q2.pk}": "²"})
    assert response.content.decode().count("Choose an answer") == 1  # a tampered answer is unanswered, not a 500
    response = client.post(f"/training/courses/{course.code}/quiz/", {f"q{q1.pk}": "0", f"q{q2.pk}": "1"})
    assert "Not passed" in response.content.decode() and not Completion.objects.exists()
    assert "You can try the quiz again from" in client.get(f"/training/courses/{course.code}/quiz/").content.decode()
    QuizAttempt.objects.update(submitted_at=timezone.now() - dt.timedelta(hours=1))  # the cool-down is over
    response = client.post(f"/training/courses/{course.code}/quiz/", {f"q{q1.pk}": "1", f"q{q2.pk}": "1"})
    assert "You passed" in response.content.decode()
    assert Completion.objects.get(employee=people["bob"]).source == Completion.Source.QUIZ


def test_course_form_saves_skill_mapping(people, client, skills, learning_admin):
    client.force_login(learning_admin.user)
    response = client.post("/training/courses/new/", {
        "code": "new-course", "title": "New course", "kind": "elearning", "duration_minutes": "30",
        "launch_url": "https://learning.example/new", "cancellation_cutoff_hours": "24", "pass_mark": "80",
        "is_active": "on", "skill_levels": "t-email 2\nt-teams 1",
    })
    assert response.status_code == 302
    from training.models import Course

    course = Course.objects.get(code="new-course")
    assert {(link.skill.code, link.level) for link in course.skill_links.all()} == {("t-email", 2), ("t-teams", 1)}
    bad = client.post("/training/courses/new/", {"code": "x", "title": "X", "kind": "classroom",
                                                 "duration_minutes": "30", "cancellation_cutoff_hours": "1",
                                                 "pass_mark": "80", "skill_levels": "nope 9"})
    assert "skill_levels" in bad.context["form"].errors


def test_assign_page_by_manager(people, client, course):
    client.force_login(people["manager"].user)
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = client.post("/training/assign/", {"course": course.pk, "people": [people["alice"].pk], "due_on": due})
    assert response.status_code == 302
    assert Assignment.objects.get().employee == people["alice"]
    # Someone outside their chain cannot be posted in.
    response = client.post("/training/assign/", {"course": course.pk, "people": [people["dave"].pk], "due_on": due})
    assert response.status_code == 200 and "people" in response.context["form"].errors


# --- query counts ------------------------------------------------------------------------------


def _catalogue_data(skills, n):
    for i in range(n):
        c = make_course(f"c{n}-{i}", skill_levels=[(skills["email"], Level.WORKING), (skills["sheets"], 1)])
        make_session(c, days=3 + i % 20)


def _learning_data(people, skills, n):
    for i in range(n):
        c = make_course(f"l{n}-{i}", skill_levels=[(skills["email"], Level.WORKING)])
        s = make_session(c, days=3 + i, hour=9 + i % 5, minutes=30)
        Booking.objects.create(session=s, employee=people["alice"], status=Booking.Status.CONFIRMED)
        Assignment.objects.create(course=c, employee=people["alice"], source="manager",
                                  due_on=timezone.localdate() + dt.timedelta(days=i))
        Completion.objects.create(course=c, employee=people["alice"], source="manual", completed_at=timezone.now())


# Every signed-in page: the session, the user, and the user's groups (roles, read once per request).
BASE = 3


@pytest.mark.parametrize("n", [3, 15])
def test_catalogue_query_count_is_constant(people, login, skills, django_assert_num_queries, n):
    _catalogue_data(skills, n)
    client = login(people["alice"])
    # BASE + skills for the filter + count for the paginator + the page of courses + their skill
    # links with skills (one prefetch).
    with django_assert_num_queries(BASE + 4):
        assert client.get("/training/").status_code == 200


@pytest.mark.parametrize("n", [3, 15])
def test_my_learning_query_count_is_constant(people, login, skills, django_assert_num_queries, n):
    _learning_data(people, skills, n)
    client = login(people["alice"])
    # BASE + the employee record + open assignments, live bookings and completions, one query each
    # with their joins.
    with django_assert_num_queries(BASE + 4):
        assert client.get("/training/my/").status_code == 200


@pytest.mark.parametrize("n", [3, 15])
def test_session_list_query_count_is_constant(people, login, skills, django_assert_num_queries, n):
    _catalogue_data(skills, n)
    client = login(people["alice"])
    # BASE + paginator count + one page of sessions with course, host and place counts annotated.
    with django_assert_num_queries(BASE + 2):
        assert client.get("/training/sessions/").status_code == 200
    assert Session.objects.count() == n


def test_learning_staff_appoint_a_champion(people, client, org, learning_admin):
    client.force_login(people["alice"].user)
    assert client.get("/training/champions/appoint/").status_code == 403
    client.force_login(learning_admin.user)
    bad = client.post("/training/champions/appoint/", {"person": "nobody", "unit": org["highways"].pk})
    assert "person" in bad.context["form"].errors
    response = client.post("/training/champions/appoint/",
                           {"person": people["dave"].user.username, "unit": org["highways"].pk,
                            "availability": "Fridays"})
    assert response.status_code == 302
    people["dave"].refresh_from_db()
    assert people["dave"].is_digital_champion and people["dave"].champion_profile.unit == org["highways"]
    assert people["dave"].user.groups.filter(name="Digital champion").exists()


def test_learning_staff_cancel_a_session_and_everyone_is_told(people, client, course, learning_admin,
                                                               django_capture_on_commit_callbacks):
    from django.core import mail

    session = make_session(course, capacity=1)
    services.booking_create(actor=people["alice"].user, session=session, employee=people["alice"])
    services.booking_create(actor=people["bob"].user, session=session, employee=people["bob"])
    client.force_login(people["alice"].user)
    assert client.post(f"/training/sessions/{session.pk}/cancel/").status_code == 403
    mail.outbox.clear()
    client.force_login(learning_admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/training/sessions/{session.pk}/cancel/")
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED and session.sequence == 1
    assert {m.to[0] for m in mail.outbox} == {people["alice"].email, people["bob"].email}
    assert not session.bookings.filter(status__in=Booking.ACTIVE).exists()


def test_provider_key_command_prints_secret_once_and_stores_hash(people):
    import io

    from django.contrib.auth.hashers import check_password
    from django.core.management import call_command

    from training.models import ContentProvider

    out = io.StringIO()
    call_command("training_provider_key", name="LMS", key_id="lms", by=people["hr"].user.username, stdout=out)
    secret = next(line.split()[-1] for line in out.getvalue().splitlines() if line.startswith("Secret"))
    provider = ContentProvider.objects.get(key_id="lms")
    assert secret not in provider.key_hash and check_password(secret, provider.key_hash)


def test_learning_staff_change_a_session_and_people_get_the_update(people, client, course, learning_admin,
                                                                    django_capture_on_commit_callbacks):
    from django.core import mail

    session = make_session(course, capacity=1)
    services.booking_create(actor=people["alice"].user, session=session, employee=people["alice"])
    waiting = services.booking_create(actor=people["bob"].user, session=session, employee=people["bob"])
    client.force_login(people["alice"].user)
    assert client.get(f"/training/sessions/{session.pk}/edit/").status_code == 403
    client.force_login(learning_admin.user)
    form = client.get(f"/training/sessions/{session.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(venue="Town Hall", capacity="2", host=people["champion"].pk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/training/sessions/{session.pk}/edit/", data)
    assert response.status_code == 302
    session.refresh_from_db()
    waiting.refresh_from_db()
    assert (session.venue, session.sequence, session.host) == ("Town Hall", 1, people["champion"])
    assert waiting.status == Booking.Status.CONFIRMED  # the extra place went to the waiting list
    assert {m.to[0] for m in mail.outbox} == {people["alice"].email, people["bob"].email}
    data.update(capacity="0")
    assert "capacity" in client.post(f"/training/sessions/{session.pk}/edit/", data).context["form"].errors


@pytest.mark.parametrize("n", [2, 10])
def test_team_page_query_count_is_constant(people, login, org, course, django_assert_num_queries, n):
    from tests.factories import EmployeeFactory, UserFactory

    for i in range(n):
        e = EmployeeFactory(user=UserFactory(username=f"report{n}-{i}"), org_unit=org["team_a"],
                            line_manager=people["manager"])
        Assignment.objects.create(course=course, employee=e, source="manager",
                                  due_on=timezone.localdate() - dt.timedelta(days=1))
        Completion.objects.create(course=course, employee=e, source="manual", completed_at=timezone.now())
    client = login(people["manager"])
    # BASE + the employee record + paginator count + the page of reports with their counts annotated
    # + the overdue assignments with course and person joined + the active mandatory rules (none).
    with django_assert_num_queries(BASE + 5):
        response = client.get("/training/team/")
    assert response.status_code == 200 and response.content.decode().count("Withdraw<span") == n


def test_manager_withdraws_an_overdue_assignment(people, client, course):
    a = Assignment.objects.create(course=course, employee=people["alice"], source="manager",
                                  due_on=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(people["dave"].user)
    assert client.post(f"/training/assignments/{a.pk}/withdraw/").status_code == 403
    client.force_login(people["manager"].user)
    client.post(f"/training/assignments/{a.pk}/withdraw/")
    a.refresh_from_db()
    assert a.status == Assignment.Status.WITHDRAWN


def test_hr_assigns_by_username_or_number_and_unknown_names_are_named(people, client, course):
    client.force_login(people["hr"].user)
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    bad = client.post("/training/assign/", {"course": course.pk, "people": "alice\nghost", "due_on": due})
    assert "ghost" in str(bad.context["form"].errors["people"])
    response = client.post("/training/assign/", {
        "course": course.pk, "people": f"alice\n{people['dave'].employee_number}", "due_on": due})
    assert response.status_code == 302
    assert set(Assignment.objects.values_list("employee__user__username", flat=True)) == {"alice", "dave"}


def test_auto_assignment_rules_page(people, client, org, learning_admin, django_capture_on_commit_callbacks):
    from training.models import AutoAssignmentRule

    client.force_login(people["manager"].user)
    assert client.get("/training/auto-assignment/").status_code == 403
    client.force_login(learning_admin.user)
    bad = client.post("/training/auto-assignment/", {"action": "add", "name": "", "due_in_days": "0"})
    assert {"name", "due_in_days"} <= set(bad.context["form"].errors)
    client.post("/training/auto-assignment/", {"action": "add", "name": "Adults", "unit": org["adults"].pk,
                                               "due_in_days": "45"})
    rule = AutoAssignmentRule.objects.get()
    assert (rule.unit, rule.due_in_days) == (org["adults"], 45)
    with django_capture_on_commit_callbacks(execute=True):  # Celery runs eagerly in tests
        response = client.post("/training/auto-assignment/", {"action": "run"}, follow=True)
    assert "Automatic assignment is running" in response.content.decode()


def test_course_form_links_xapi_activity_to_a_provider(people, client, learning_admin):
    from django.contrib.auth.hashers import make_password

    from training.models import ContentProvider, Course

    provider = ContentProvider.objects.create(name="LMS", key_id="lms", key_hash=make_password("x"))
    client.force_login(learning_admin.user)
    base = {"code": "gdpr", "title": "GDPR", "kind": "elearning", "duration_minutes": "30",
            "launch_url": "https://learning.example/gdpr", "cancellation_cutoff_hours": "24", "pass_mark": "80"}
    half = client.post("/training/courses/new/", {**base, "activity_iri": "https://learning.example/gdpr"})
    assert "activity_iri" in half.context["form"].errors
    client.post("/training/courses/new/", {**base, "activity_iri": "https://learning.example/gdpr",
                                           "content_provider": provider.pk})
    assert Course.objects.get(code="gdpr").content_provider == provider
    client.post("/training/courses/new/", {**base, "code": "other"})
    assert Course.objects.get(code="other").activity_iri is None


def test_an_account_with_no_employee_record_is_refused_with_the_one_message(db, client, course):
    """Pages refuse with 403, the booking API with a 400 on `employee`, the help service with
    PermissionDenied: each through people.selectors.my_employee, saying the same thing."""
    from django.core.exceptions import PermissionDenied
    from rest_framework.test import APIClient

    from people.selectors import NOT_LINKED
    from tests.factories import UserFactory

    user = UserFactory(username="unlinked")
    client.force_login(user)
    for url in ["/training/my/", "/training/team/", "/training/assign/", "/training/champions/ask/"]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert NOT_LINKED in response.content.decode(), url
    session = make_session(course)
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/training/bookings/", {"session": session.pk}, format="json")
    assert response.status_code == 400
    assert NOT_LINKED in str(response.json()) and "employee" in str(response.json())
    with pytest.raises(PermissionDenied, match="not linked to an employee record"):
        services.help_request_create(actor=user, topic="Printing")
