"""Home tasks, the Learning nav item, detail pages, and the demo seeder."""

import datetime as dt
import io
import random

from django.utils import timezone
from django.utils.html import escape

from training import demo, services
from training.models import Booking, Champion, Course, ElearningPackage, HelpLog, Session

from .conftest import make_session


def test_home_shows_learning_tasks(people, login, course, champion_profile):
    services.assignment_create(actor=people["manager"].user, course=course, employees=[people["alice"]],
                               due_on=timezone.localdate() + dt.timedelta(days=5))
    session = make_session(course, days=2)
    services.booking_create(actor=people["alice"].user, session=session, employee=people["alice"])
    services.help_request_create(actor=people["bob"].user, topic="Printer")

    page = login(people["alice"]).get("/").content.decode()
    assert "Assigned courses due soon" in page and "Training sessions this week" in page
    assert 'href="/training/"' in page and "Learning" in page
    assert "Colleagues waiting for a digital champion" in login(people["champion"]).get("/").content.decode()


def test_pending_approval_is_a_home_task_for_the_manager(people, login, course):
    course.requires_approval = True
    course.save(update_fields=["requires_approval"])
    services.booking_create(actor=people["alice"].user, session=make_session(course), employee=people["alice"])
    assert "Training bookings to approve" in login(people["manager"]).get("/").content.decode()
    approvals = login(people["manager"]).get("/training/approvals/").content.decode()
    assert escape(people["alice"].display_name) in approvals  # as HTML: a name may hold an apostrophe


def test_course_and_session_pages(people, login, course, learning_admin):
    session = make_session(course, host=people["champion"])
    page = login(people["alice"]).get(f"/training/courses/{course.code}/").content.decode()
    assert course.title in page and "Spreadsheets" in page and f"/training/sessions/{session.pk}/" in page
    page = login(people["alice"]).get(f"/training/sessions/{session.pk}/").content.decode()
    assert "Book a place" in page
    ics = login(people["alice"]).get(f"/training/sessions/{session.pk}/invite.ics")
    assert ics["Content-Type"].startswith("text/calendar") and b"BEGIN:VEVENT" in ics.content
    assert login(people["alice"]).get("/training/courses/no-such-course/").status_code == 404

    start = (timezone.localtime() + dt.timedelta(days=9)).replace(hour=10, minute=0)
    response = login(learning_admin).post(f"/training/courses/{course.code}/sessions/new/", {
        "starts_at": start.strftime("%Y-%m-%d %H:%M"), "ends_at": start.replace(hour=9).strftime("%Y-%m-%d %H:%M"),
        "venue": "Room 1", "capacity": "10",
    })
    assert response.status_code == 200 and "ends_at" in response.context["form"].errors
    response = login(learning_admin).post(f"/training/courses/{course.code}/sessions/new/", {
        "starts_at": start.strftime("%Y-%m-%d %H:%M"), "ends_at": start.replace(hour=12).strftime("%Y-%m-%d %H:%M"),
        "venue": "Room 1", "capacity": "10",
    })
    assert response.status_code == 302 and Session.objects.count() == 2


def test_course_page_shows_my_place_and_my_completion_but_not_anothers(people, login, course):
    session = make_session(course)
    services.booking_create(actor=people["alice"].user, session=session, employee=people["alice"])
    services.completion_record(actor=None, employee=people["alice"], course=course, source="manual")
    url = f"/training/courses/{course.code}/"
    page = login(people["alice"]).get(url).content.decode()
    assert "Place confirmed" in page and "You have completed this course" in page
    page = login(people["bob"]).get(url).content.decode()
    assert "Place confirmed" not in page and "You have completed this course" not in page


def test_demo_seeder_builds_a_working_catalogue(people):
    out = io.StringIO()
    demo.seed(rng=random.Random(7), staff_count=len(people), stdout=out)
    assert Course.objects.count() == len(demo.COURSES) + len(demo.PLAYED_COURSES)
    assert sorted(ElearningPackage.objects.values_list("course__code", "standard")) == [
        ("spot-scams", "scorm2004"), ("spot-scams-cmi5", "cmi5")]
    assert Champion.objects.filter(employee=people["champion"]).exists()
    full = [s for s in Session.objects.all() if s.bookings.filter(status=Booking.Status.WAITLISTED).exists()]
    assert full, "some sessions should be full with a waiting list"
    assert HelpLog.objects.exists() and "courses" in out.getvalue()


def test_the_invite_is_for_people_who_may_see_the_session_and_cancels_a_cancelled_one(people, login, course,
                                                                                      learning_admin):
    session = make_session(course)
    url = f"/training/sessions/{session.pk}/invite.ics"
    Booking.objects.create(session=session, employee=people["alice"], status=Booking.Status.CONFIRMED)
    Course.objects.filter(pk=course.pk).update(is_active=False)  # retired: only its people and learning staff
    assert login(people["bob"]).get(url).status_code == 404
    assert login(people["alice"]).get(url).status_code == 200
    assert login(learning_admin).get(url).status_code == 200
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    body = login(people["alice"]).get(url).content
    assert b"METHOD:CANCEL" in body and b"STATUS:CANCELLED" in body
