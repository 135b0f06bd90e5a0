"""The e-learning API has the pages' permissions: packages for the learning team, attempts for the
learner, their managers up the line and the learning team (404 for anyone else). Reporting's
training figures count e-learning completions."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from people.models import Employee
from training import selectors, services
from training.elearning.sample import sample_package
from training.models import Course, ElearningPackage

from .conftest import make_course
from .test_elearning_player import cmi2004, launch, post

COURSE_PAGE_QUERIES = 13


@pytest.fixture
def elearning(learning_admin):
    course = make_course("spot-scams", kind=Course.Kind.ELEARNING, title="Spot scams and phishing", launch_url="")
    services.package_upload(actor=learning_admin.user, course=course,
                            upload=SimpleUploadedFile("p.zip", sample_package()))
    return course


@pytest.fixture
def alices_attempt(people, elearning):
    return services.attempt_open(actor=people["alice"].user, employee=people["alice"], course=elearning)


# who sees Alice's attempt (page and API alike): herself, her manager and his manager (the chain),
# the learning team; not a colleague, another department's manager, or HR without the learning role
# (HR is learning staff here: training.permissions.LEARNING_STAFF includes HR).
SEES = {"alice": True, "manager": True, "head": True, "director": True, "bob": False, "carol": False,
        "other_manager": False, "dave": False, "hr": True, "admin": True, "payroll": False}


@pytest.mark.parametrize(("who", "sees"), SEES.items())
def test_attempts_permission_table(api_as, login, people, learning_admin, alices_attempt, elearning, who, sees):
    api = api_as(people[who])
    listed = api.get(reverse("training_api:elearning-attempts"), {"course": elearning.code})
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["results"]] == ([alices_attempt.pk] if sees else [])
    detail = api.get(reverse("training_api:elearning-attempt", args=[alices_attempt.pk]))
    assert detail.status_code == (200 if sees else 404)
    page = login(people[who]).get(reverse("training:course", args=[elearning.code]))
    assert [a.pk for a in page.context["elearning_attempts"]] == ([alices_attempt.pk] if sees else [])


@pytest.mark.parametrize(("who", "code"), [("admin", 200), ("hr", 200), ("alice", 403), ("manager", 403)])
def test_packages_are_the_learning_teams(api_as, people, learning_admin, elearning, who, code):
    api = api_as(people[who])
    listed = api.get(reverse("training_api:packages", args=[elearning.code]))
    assert listed.status_code == code
    uploaded = api.post(reverse("training_api:packages", args=[elearning.code]),
                        {"package": SimpleUploadedFile("p.zip", sample_package("scorm12"))}, format="multipart")
    assert uploaded.status_code == (201 if code == 200 else 403)
    if code == 200:
        assert uploaded.json()["version"] == 2 and uploaded.json()["standard"] == "scorm12"
        assert listed.json()["results"][0]["version"] == 1


def test_api_refuses_a_bad_package_naming_the_problem(api_as, learning_admin, elearning):
    response = api_as(learning_admin).post(reverse("training_api:packages", args=[elearning.code]),
                                           {"package": SimpleUploadedFile("p.zip", b"nope")}, format="multipart")
    assert response.status_code == 400
    assert "The file is not a zip" in response.json()["package"][0]
    assert ElearningPackage.objects.filter(course=elearning).count() == 1


def test_attempt_list_query_count_does_not_grow(api_as, people, learning_admin, elearning, django_assert_num_queries):
    from tests.factories import EmployeeFactory

    api = api_as(learning_admin)

    def add(n):
        for _ in range(n):
            e = EmployeeFactory(org_unit=people["alice"].org_unit)
            services.attempt_open(actor=e.user, employee=e, course=elearning)

    # count (1), the page of attempts with learner, package and course joined (1); the viewer's roles
    # are cached on the user object (force_authenticate hands every request the same one): two, for
    # 2 attempts or 12.
    for n, total in ((2, 2), (10, 12)):
        add(n)
        with django_assert_num_queries(2):
            listed = api.get(reverse("training_api:elearning-attempts"))
        assert listed.status_code == 200 and listed.json()["count"] == total  # every row, not fewer queries


def test_course_page_attempt_list_query_count_does_not_grow(login, people, learning_admin, elearning,
                                                            django_assert_num_queries):
    from tests.factories import EmployeeFactory

    client = login(learning_admin)
    # Ten for the course page as it was (session, user, employee, roles, course with skills and
    # prerequisites, sessions, bookings, completion, quiz), plus three for its e-learning: the current
    # package, the viewer's attempt in progress, the attempts they may see with learner, package and
    # course joined. The same at 1 attempt and at 9: the list never costs a query per row.
    for n, total in ((1, 1), (8, 9)):
        for _ in range(n):
            e = EmployeeFactory(org_unit=people["alice"].org_unit)
            services.attempt_open(actor=e.user, employee=e, course=elearning)
        with django_assert_num_queries(COURSE_PAGE_QUERIES):
            page = client.get(reverse("training:course", args=[elearning.code]))
        assert page.status_code == 200 and len(page.context["elearning_attempts"]) == total


def test_reporting_training_figures_count_elearning_completions(login, people, elearning):
    client = login(people["alice"])
    _, config, _ = launch(client, elearning)
    post(client, config["commitUrl"], cmi2004(completion_status="completed", success_status="passed"))
    today = timezone.localdate()
    figures = selectors.training_figures(Employee.objects.filter(pk=people["alice"].pk),
                                         today - dt.timedelta(days=1), today)
    assert figures["completed"] == 1
    assert json.loads(json.dumps(figures)) == figures


@pytest.mark.parametrize("bad", ["²", "１", "abc", "99999999999999999999", "0"])
def test_attempts_filtered_by_a_bad_employee_id_is_a_400_naming_it(api_as, learning_admin, bad):
    response = api_as(learning_admin).get(reverse("training_api:elearning-attempts"), {"employee": bad})
    assert response.status_code == 400 and "employee" in response.json()
