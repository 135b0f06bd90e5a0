"""Statements stored by the LRS flow into training: one naming a member of staff and a course of
the provider becomes a completion (and skills evidence); any other statement is kept, not counted."""

import pytest

from skills_matrix.models import Evidence, Level
from training.models import Completion, Course

from ..training.conftest import make_course
from .conftest import statement

IRI = "https://learning.example/cyber"
PASSED = {"id": "http://adlnet.gov/expapi/verbs/passed"}


@pytest.fixture
def skills(db):
    from skills_matrix.models import Skill

    area = Skill.objects.create(code="l-area", name="Working digitally", kind=Skill.Kind.AREA, sort_order=901)
    return {"email": Skill.objects.create(code="l-email", name="Email safety", parent=area)}


@pytest.fixture
def cyber(provider, skills):
    return make_course("cyber", kind=Course.Kind.ELEARNING, activity_iri=IRI, content_provider=provider,
                       skill_levels=[(skills["email"], Level.WORKING)])


def test_staff_statement_on_a_known_course_becomes_a_completion(xapi, people, cyber, django_capture_on_commit_callbacks):
    st = statement(actor={"mbox": f"mailto:{people['alice'].email}"}, verb=PASSED, object={"id": IRI},
                   result={"score": {"scaled": 0.8}, "success": True})
    with django_capture_on_commit_callbacks(execute=True):
        assert xapi.post("statements", st).status_code == 200
    completion = Completion.objects.get(employee=people["alice"], course=cyber)
    assert completion.source == Completion.Source.XAPI and float(completion.score_scaled) == 0.8
    assert Evidence.objects.filter(employee=people["alice"], source="training").count() == 1


def test_other_statements_are_stored_but_not_counted(xapi, people, cyber, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        stranger = statement(actor={"mbox": "mailto:visitor@elsewhere.example"}, verb=PASSED, object={"id": IRI})
        assert xapi.post("statements", stranger).status_code == 200
        unknown_course = statement(actor={"mbox": f"mailto:{people['alice'].email}"}, verb=PASSED)
        assert xapi.post("statements", unknown_course).status_code == 200
    assert not Completion.objects.exists()
    assert len(xapi.get("statements").json()["statements"]) == 2


def test_a_failing_listener_does_not_fail_the_client(xapi, people, cyber, django_capture_on_commit_callbacks,
                                                      monkeypatch, caplog):
    from training import xapi as training_xapi

    def broken(**kwargs):
        raise RuntimeError("completion store down")

    monkeypatch.setattr(training_xapi, "statement_record", broken)
    st = statement(actor={"mbox": f"mailto:{people['alice'].email}"}, verb=PASSED, object={"id": IRI})
    with django_capture_on_commit_callbacks(execute=True):
        response = xapi.post("statements", st)
    assert response.status_code == 200
    assert "statements_stored receiver" in caplog.text and response.json()[0] in caplog.text


def test_the_narrow_endpoint_copies_its_statements_into_the_lrs(xapi, people, cyber, login):
    import uuid

    from training.models import XapiStatement

    kept = statement(id=str(uuid.uuid4()), actor={"mbox": f"mailto:{people['alice'].email}"}, verb=PASSED,
                     object={"id": IRI}, result={"score": {"scaled": 0.9}, "success": True})
    odd = dict(kept, id=str(uuid.uuid4()), colour="blue")  # the narrow endpoint ignores unknown properties
    response = xapi.client.post("/api/training/xapi/statements", data=[kept, odd], content_type="application/json",
                                HTTP_AUTHORIZATION=xapi.headers["HTTP_AUTHORIZATION"])
    assert response.status_code == 200, response.content
    assert XapiStatement.objects.count() == 2 and Completion.objects.count() == 1
    assert xapi.get("statements", {"statementId": kept["id"]}).status_code == 200
    assert xapi.get("statements", {"statementId": odd["id"]}).status_code == 404  # the LRS refuses "colour"
    assert IRI in login(people["alice"]).get("/training/my/records/").content.decode()  # no name: the IRI
