"""cmi5: the intranet launches the AU with endpoint, fetch, registration, activityId and actor; it
writes LMS.LaunchData to the State API and a `launched` statement; the fetch URL hands out one
auth-token per launch; the AU's statements go to our /xapi/; `completed` and `passed` (moveOn
CompletedAndPassed) finish the attempt, complete the assignment and end the registration."""

import base64
import datetime as dt
import json
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lrs.credentials import forget_verified
from lrs.models import Statement
from training import services
from training.elearning.sample import CMI5_AU_IRI, sample_package
from training.models import Assignment, Completion, Course, ElearningAttempt

from ..lrs.conftest import XapiClient
from .conftest import make_course
from .test_elearning_player import launch

VERB = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def cmi5_course(learning_admin):
    course = make_course("spot-scams-cmi5", kind=Course.Kind.ELEARNING, title="Spot scams (cmi5)", launch_url="")
    services.package_upload(actor=learning_admin.user, course=course,
                            upload=SimpleUploadedFile("p.zip", sample_package("cmi5")))
    return course


def au_client(token: str) -> XapiClient:
    key_id, _, secret = base64.b64decode(token).decode().partition(":")
    return XapiClient(key_id, secret)


def statement(actor, registration, verb, result=None, session=""):
    st = {"id": str(uuid.uuid4()), "actor": actor, "verb": {"id": VERB + verb},
          "object": {"id": CMI5_AU_IRI, "objectType": "Activity"},
          "context": {"registration": registration,
                      "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": session}}}
    if result:
        st["result"] = result
    return st


def test_cmi5_launch_fetch_statements_and_completion(login, people, cmi5_course, django_capture_on_commit_callbacks):
    Assignment.objects.create(course=cmi5_course, employee=people["alice"], source=Assignment.Source.HR,
                              due_on=dt.date.today() + dt.timedelta(days=10))
    client = login(people["alice"])
    attempt, config, _ = launch(client, cmi5_course)
    url = urlsplit(config["contentUrl"])
    assert url.path == f"/training/elearning/content/{attempt.pk}/index.html"
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert set(params) == {"endpoint", "fetch", "registration", "activityId", "actor"}
    assert params["endpoint"] == "http://testserver/xapi/"
    assert params["registration"] == str(attempt.registration) and params["activityId"] == CMI5_AU_IRI
    actor = json.loads(params["actor"])
    assert actor["account"]["name"] == "alice"
    assert Statement.objects.filter(registration=attempt.registration, verb_iri=VERB + "launched").count() == 1

    fetched = client.post(urlsplit(params["fetch"]).path)
    token = fetched.json()["auth-token"]
    assert client.post(urlsplit(params["fetch"]).path).json()["error-code"] == "1"  # once per launch
    au = au_client(token)
    state = {"activityId": CMI5_AU_IRI, "agent": actor, "registration": params["registration"],
             "stateId": "LMS.LaunchData"}
    launch_data = au.get("activities/state", state).json()
    assert launch_data["launchMode"] == "Normal" and launch_data["moveOn"] == "CompletedAndPassed"
    assert launch_data["masteryScore"] == 0.8 and launch_data["returnURL"].endswith("/training/courses/spot-scams-cmi5/")
    session = launch_data["contextTemplate"]["extensions"]["https://w3id.org/xapi/cmi5/context/extensions/sessionid"]

    reg = params["registration"]
    with django_capture_on_commit_callbacks(execute=True):
        assert au.post("statements", [statement(actor, reg, "initialized", session=session),
                                      statement(actor, reg, "completed", {"completion": True}, session)]).status_code == 200
    attempt.refresh_from_db()
    assert attempt.completion_status == "completed" and attempt.finished_at is None  # moveOn wants a pass too
    with django_capture_on_commit_callbacks(execute=True):
        assert au.post("statements", [statement(actor, reg, "passed", {"success": True, "score": {"scaled": 0.9}},
                                                session)]).status_code == 200
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.success_status == "passed"
    completion = Completion.objects.get(employee=people["alice"], course=cmi5_course)
    assert completion.source == Completion.Source.ELEARNING and float(completion.score_scaled) == 0.9
    assert Assignment.objects.get(course=cmi5_course).status == Assignment.Status.COMPLETED
    # The AU terminates the session, and the registration ends: its launch token no longer works.
    with django_capture_on_commit_callbacks(execute=True):
        assert au.post("statements", [statement(actor, reg, "terminated", session=session)]).status_code == 200
    forget_verified()
    assert au.post("statements", [statement(actor, reg, "experienced", session=session)]).status_code == 401
    assert Completion.objects.filter(employee=people["alice"]).count() == 1


def test_cmi5_token_is_confined_to_its_learner(login, people, cmi5_course):
    client = login(people["alice"])
    attempt, config, _ = launch(client, cmi5_course)
    params = {k: v[0] for k, v in parse_qs(urlsplit(config["contentUrl"]).query).items()}
    token = client.post(urlsplit(params["fetch"]).path).json()["auth-token"]
    bob = {"objectType": "Agent", "account": {"homePage": json.loads(params["actor"])["account"]["homePage"],
                                              "name": "bob"}}
    response = au_client(token).post("statements", [statement(bob, params["registration"], "passed")])
    assert response.status_code == 403
    assert ElearningAttempt.objects.get(pk=attempt.pk).finished_at is None
    # Bob cannot fetch Alice's token either.
    assert login(people["bob"]).post(urlsplit(params["fetch"]).path).json()["error-code"] == "3"
