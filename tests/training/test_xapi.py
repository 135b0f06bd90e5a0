"""xAPI statement endpoint: provider authentication, idempotency, 400s naming the field."""

import base64
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from rest_framework.test import APIClient

from skills_matrix.models import Level
from training.models import Completion, ContentProvider, Course, XapiStatement

from .conftest import make_course

URL = "/api/training/xapi/statements"
IRI = "https://learning.example/cyber"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
FAILED = "http://adlnet.gov/expapi/verbs/failed"


@pytest.fixture
def provider(db):
    return ContentProvider.objects.create(name="LMS", key_id="lms", key_hash=make_password("s3cret-value"))


@pytest.fixture
def cyber(provider, skills):
    return make_course("cyber", kind=Course.Kind.ELEARNING, activity_iri=IRI, content_provider=provider,
                       skill_levels=[(skills["email"], Level.WORKING)])


def client_for(key_id="lms", secret="s3cret-value"):  # noqa: S107 - test credentials
    c = APIClient()
    token = base64.b64encode(f"{key_id}:{secret}".encode()).decode()
    c.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return c


def statement(actor, verb=PASSED, **extra):
    body = {"id": str(uuid.uuid4()), "actor": actor, "verb": {"id": verb}, "object": {"id": IRI},
            "result": {"score": {"scaled": 0.9, "raw": 18}, "success": True}}
    body.update(extra)
    return body


def test_replayed_statement_creates_one_completion(people, cyber):
    st = statement({"mbox": f"mailto:{people['alice'].email.upper()}"})
    first = client_for().post(URL, st, format="json")
    again = client_for().post(URL, st, format="json")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == [st["id"]]
    completion = Completion.objects.get(employee=people["alice"], course=cyber)
    assert completion.source == Completion.Source.XAPI and float(completion.score_scaled) == 0.9
    assert XapiStatement.objects.count() == 1
    # The completion raised evidence for the mapped skill, waiting for the manager.
    from skills_matrix.models import Evidence

    assert Evidence.objects.filter(employee=people["alice"], source="training").count() == 1


def test_same_id_different_statement_is_a_conflict(people, cyber):
    st = statement({"mbox": f"mailto:{people['alice'].email}"})
    client_for().post(URL, st, format="json")
    st["result"]["score"]["scaled"] = 0.1
    response = client_for().post(URL, st, format="json")
    assert response.status_code == 409 and "id" in response.json()


def test_account_actor_and_completed_then_passed_are_one_completion(people, cyber):
    actor = {"account": {"homePage": "https://intranet.example", "name": people["bob"].user.username}}
    assert client_for().post(URL, statement(actor, verb=COMPLETED, result={}), format="json").status_code == 200
    assert client_for().post(URL, statement(actor, verb=PASSED), format="json").status_code == 200
    assert Completion.objects.filter(employee=people["bob"]).count() == 1
    assert float(Completion.objects.get(employee=people["bob"]).score_scaled) == 0.9


def test_failed_is_stored_without_completion(people, cyber):
    st = statement({"mbox": f"mailto:{people['carol'].email}"}, verb=FAILED,
                   result={"score": {"scaled": 0.3}, "success": False})
    assert client_for().post(URL, st, format="json").status_code == 200
    assert XapiStatement.objects.filter(verb="failed").count() == 1
    assert not Completion.objects.exists()


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda s: s.update(actor={"mbox": "mailto:nobody@nowhere.example"}), "actor.mbox"),
    (lambda s: s.update(actor={"account": {"homePage": "https://x", "name": "ghost"}}), "actor.account.name"),
    (lambda s: s.update(actor={"openid": "x"}), "actor"),
    (lambda s: s.update(actor="alice"), "actor"),
    (lambda s: s.update(id="not-a-uuid"), "id"),
    (lambda s: s.pop("id"), "id"),
    (lambda s: s.update(verb={"id": "http://adlnet.gov/expapi/verbs/experienced"}), "verb.id"),
    (lambda s: s.update(object={"id": "https://elsewhere.example/course"}), "object.id"),
    (lambda s: s.update(object=[]), "object"),
    (lambda s: s.update(result={"score": {"scaled": 1.5}}), "result.score.scaled"),
    (lambda s: s.update(result={"score": {"raw": "lots"}}), "result.score.raw"),
    (lambda s: s.update(result={"success": "yes"}), "result.success"),
    (lambda s: s.update(timestamp="yesterday"), "timestamp"),
    (lambda s: s.update(timestamp="2026-13-45T10:00:00Z"), "timestamp"),
])
def test_bad_statement_gets_400_naming_the_field(people, cyber, mutate, field):
    st = statement({"mbox": f"mailto:{people['alice'].email}"})
    mutate(st)
    response = client_for().post(URL, st, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Completion.objects.exists() and not XapiStatement.objects.exists()


def test_batch_is_all_or_nothing_and_names_the_bad_statement(people, cyber):
    good = statement({"mbox": f"mailto:{people['alice'].email}"})
    bad = statement({"mbox": "mailto:ghost@nowhere.example"})
    response = client_for().post(URL, [good, bad], format="json")
    assert response.status_code == 400 and "[1].actor.mbox" in response.json()
    assert not XapiStatement.objects.exists()


@pytest.mark.parametrize("creds", [None, ("lms", "wrong"), ("nobody", "s3cret-value")])
def test_provider_must_authenticate(people, cyber, creds):
    c = APIClient() if creds is None else client_for(*creds)
    response = c.post(URL, statement({"mbox": f"mailto:{people['alice'].email}"}), format="json")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_staff_session_cannot_post_statements(people, cyber, api_as):
    response = api_as(people["alice"]).post(URL, statement({"mbox": f"mailto:{people['alice'].email}"}), format="json")
    assert response.status_code == 403  # signed in as staff, but not a content provider
    assert not Completion.objects.exists()


def test_provider_may_only_report_its_own_courses(people, cyber):
    ContentProvider.objects.create(name="Other", key_id="other", key_hash=make_password("other-secret"))
    response = client_for("other", "other-secret").post(
        URL, statement({"mbox": f"mailto:{people['alice'].email}"}), format="json")
    assert response.status_code == 400 and "object.id" in response.json()


def test_xapi_endpoint_is_in_the_openapi_schema(people, api_as):
    schema = api_as(people["alice"]).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    doc = schema.json()
    op = doc["paths"]["/api/training/xapi/statements"]["post"]
    assert "idempotent" in op["description"].lower() or "same id" in op["description"]
    assert "contentProviderBasic" in doc["components"]["securitySchemes"]
