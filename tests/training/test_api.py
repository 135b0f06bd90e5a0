"""API: permission tables per role and record owner, booking and assignment through the API."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from training.models import Assignment, Booking, Completion

from .conftest import make_session

DUE = (timezone.localdate() + dt.timedelta(days=30)).isoformat()


@pytest.mark.parametrize("url", ["/api/training/courses/", "/api/training/sessions/", "/api/training/bookings/",
                                 "/api/training/assignments/", "/api/training/completions/"])
def test_anonymous_is_refused(db, url):
    assert APIClient().get(url).status_code == 401


def test_catalogue_and_sessions(people, api_as, course, skills):
    make_session(course)
    body = api_as(people["dave"]).get("/api/training/courses/", {"skill": "t-sheets"}).json()
    assert [c["code"] for c in body["results"]] == [course.code]
    assert body["results"][0]["skills"] == [{"skill": "t-sheets", "skill_name": "Spreadsheets", "level": 2}]
    assert api_as(people["dave"]).get("/api/training/courses/", {"skill": "nope"}).status_code == 400
    sessions = api_as(people["dave"]).get("/api/training/sessions/", {"course": course.code}).json()["results"]
    assert sessions[0]["places_taken"] == 0 and sessions[0]["capacity"] == 5


@pytest.mark.parametrize(("who", "sees"), [
    ("alice", {"alice"}),
    ("bob", {"bob"}),
    ("manager", {"alice", "bob"}),
    ("head", {"alice", "bob"}),
    ("dave", set()),
    ("hr", {"alice", "bob"}),
])
def test_completions_and_bookings_visible_by_role(people, api_as, course, who, sees):
    session = make_session(course)
    for name in ("alice", "bob"):
        Completion.objects.create(employee=people[name], course=course, source="manual", completed_at=timezone.now())
        Booking.objects.create(session=session, employee=people[name], status="confirmed")
    client = api_as(people[who])
    by_id = {people[n].pk: n for n in ("alice", "bob")}
    completions = client.get("/api/training/completions/").json()["results"]
    bookings = client.get("/api/training/bookings/").json()["results"]
    assert {by_id[r["employee"]] for r in completions} == sees
    assert {by_id[r["employee"]] for r in bookings} == sees


def test_book_for_self_and_for_a_report_but_not_a_stranger(people, api_as, course):
    session = make_session(course, capacity=1)
    mine = api_as(people["alice"]).post("/api/training/bookings/", {"session": session.pk}, format="json")
    assert mine.status_code == 201 and mine.json()["status"] == "confirmed"
    again = api_as(people["alice"]).post("/api/training/bookings/", {"session": session.pk}, format="json")
    assert again.status_code == 400 and "session" in again.json()
    for_bob = api_as(people["manager"]).post("/api/training/bookings/",
                                             {"session": session.pk, "employee": people["bob"].pk}, format="json")
    assert for_bob.status_code == 201 and for_bob.json()["status"] == "waitlisted"
    stranger = api_as(people["dave"]).post("/api/training/bookings/",
                                           {"session": session.pk, "employee": people["carol"].pk}, format="json")
    assert stranger.status_code == 400 and "employee" in stranger.json()
    assert api_as(people["alice"]).post("/api/training/bookings/", {}, format="json").json().keys() == {"session"}


def test_cancel_through_api_promotes_and_hides_others_bookings(people, api_as, course):
    session = make_session(course, capacity=1)
    a = Booking.objects.create(session=session, employee=people["alice"], status="confirmed")
    b = Booking.objects.create(session=session, employee=people["bob"], status="waitlisted", queued_at=timezone.now())
    assert api_as(people["dave"]).post(f"/api/training/bookings/{a.pk}/cancel/").status_code == 404
    response = api_as(people["alice"]).post(f"/api/training/bookings/{a.pk}/cancel/")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    b.refresh_from_db()
    assert b.status == "confirmed"
    assert api_as(people["alice"]).post(f"/api/training/bookings/{a.pk}/cancel/").status_code == 409


@pytest.mark.parametrize(("who", "whom", "expected"), [
    ("manager", "alice", 201),
    ("head", "alice", 201),
    ("hr", "dave", 201),
    ("bob", "alice", 403),
    ("alice", "bob", 403),
    ("other_manager", "alice", 403),
])
def test_assignment_permissions(people, api_as, course, who, whom, expected):
    response = api_as(people[who]).post("/api/training/assignments/",
                                        {"course": course.code, "employees": [people[whom].pk], "due_on": DUE},
                                        format="json")
    assert response.status_code == expected
    assert Assignment.objects.count() == (1 if expected == 201 else 0)


def test_assignment_bad_input_names_field(people, api_as, course):
    client = api_as(people["manager"])
    r = client.post("/api/training/assignments/", {"course": "nope", "employees": [], "due_on": "soon"}, format="json")
    assert r.status_code == 400 and {"course", "employees", "due_on"} <= r.json().keys()
    r = client.post("/api/training/assignments/", {"course": course.code, "employees": [999999], "due_on": DUE},
                    format="json")
    assert r.status_code == 400 and "employees" in r.json()
