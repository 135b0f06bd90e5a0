"""Statement Resource (xAPI 1.0.3 Communication 2.1, Data 2.4): POST, PUT, GET by id, voiding,
validation naming the field, version and credential rules, authority from the credentials."""

import pytest

from lrs.models import Statement

from .conftest import XapiClient, new_id, statement

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def test_post_without_id_is_stored_and_given_an_id(xapi):
    response = xapi.post("statements", statement())
    assert response.status_code == 200, response.content
    assert response["X-Experience-API-Version"] == "1.0.3"
    [sid] = response.json()
    got = xapi.get("statements", {"statementId": sid})
    assert got.status_code == 200
    body = got.json()
    assert body["id"] == sid and body["actor"]["mbox"] == "mailto:learner@example.org"
    assert body["stored"] and body["timestamp"] and body["version"] == "1.0.0"
    assert body["authority"]["account"]["name"] == "lrs-test"  # from the credentials, not the sender


def test_authority_sent_by_the_client_is_replaced(xapi):
    forged = {"objectType": "Agent", "mbox": "mailto:boss@example.org"}
    [sid] = xapi.post("statements", statement(authority=forged)).json()
    assert xapi.get("statements", {"statementId": sid}).json()["authority"]["account"]["name"] == "lrs-test"


def test_batch_returns_ids_in_order_and_is_all_or_nothing(xapi):
    ids = [new_id(), new_id()]
    response = xapi.post("statements", [statement(id=ids[0]), statement(id=ids[1])])
    assert response.status_code == 200 and response.json() == ids
    bad = xapi.post("statements", [statement(), statement(verb={"id": "not an iri"})])
    assert bad.status_code == 400 and "[1].verb.id" in bad.json()
    assert Statement.objects.count() == 2


def test_put_with_statement_id(xapi):
    sid = new_id()
    assert xapi.put("statements", statement(), {"statementId": sid}).status_code == 204
    assert xapi.get("statements", {"statementId": sid}).json()["id"] == sid
    # the same statement again changes nothing; a different one with the id is a conflict
    assert xapi.put("statements", statement(), {"statementId": sid}).status_code == 204
    assert xapi.put("statements", statement(result={"success": True}), {"statementId": sid}).status_code == 409
    assert xapi.post("statements", statement(id=sid, result={"success": True})).status_code == 409
    assert Statement.objects.count() == 1


def test_put_needs_statement_id_matching_the_body(xapi):
    assert xapi.put("statements", statement()).status_code == 400
    assert xapi.put("statements", statement(id=new_id()), {"statementId": new_id()}).status_code == 400


def test_unknown_statement_is_404_and_bad_id_400(xapi):
    assert xapi.get("statements", {"statementId": new_id()}).status_code == 404
    assert xapi.get("statements", {"statementId": "nope"}).status_code == 400
    assert xapi.get("statements", {"statementId": new_id(), "verb": "http://x.org/v"}).status_code == 400


def test_voiding_hides_the_statement_except_by_voided_statement_id(xapi):
    target = new_id()
    xapi.post("statements", statement(id=target))
    voiding = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": target})
    [voiding_id] = xapi.post("statements", voiding).json()
    assert xapi.get("statements", {"statementId": target}).status_code == 404
    assert xapi.get("statements", {"voidedStatementId": target}).json()["id"] == target
    listed = [s["id"] for s in xapi.get("statements").json()["statements"]]
    assert target not in listed and voiding_id in listed
    # a voiding statement cannot be voided, and voiding needs a StatementRef
    again = statement(verb={"id": VOIDED}, object={"objectType": "StatementRef", "id": voiding_id})
    assert xapi.post("statements", again).status_code == 400
    assert xapi.post("statements", statement(verb={"id": VOIDED})).status_code == 400


@pytest.mark.parametrize(("change", "field"), [
    ({"actor": {"name": "No identifier"}}, "actor"),
    ({"actor": {"mbox": "learner@example.org"}}, "actor.mbox"),
    ({"actor": {"mbox": "mailto:a@b.org", "openid": "http://x.org/me"}}, "actor"),
    ({"actor": {"objectType": "Group", "name": "Anonymous without members"}}, "actor.member"),
    ({"actor": {"account": {"homePage": "example.org", "name": "x"}}}, "actor.account.homePage"),
    ({"verb": {"id": "experienced"}}, "verb.id"),
    ({"verb": {"id": "http://x.org/v", "display": {"not a tag!": "x"}}}, "verb.display.not a tag!"),
    ({"object": {"id": "http://x.org/a", "definition": {"moreInfo": "x.org"}}}, "object.definition.moreInfo"),
    ({"object": {"id": "http://x.org/a", "definition": {"interactionType": "essay"}}},
     "object.definition.interactionType"),
    ({"object": {"objectType": "Agent"}}, "object"),
    ({"result": {"score": {"scaled": 1.5}}}, "result.score.scaled"),
    ({"result": {"score": {"raw": 5, "min": 10}}}, "result.score.raw"),
    ({"result": {"duration": "an hour"}}, "result.duration"),
    ({"result": {"success": "yes"}}, "result.success"),
    ({"context": {"registration": "not-a-uuid"}}, "context.registration"),
    ({"context": {"extensions": {"not-an-iri": 1}}}, "context.extensions.not-an-iri"),
    ({"timestamp": "2026-01-01T10:00:00-00:00"}, "timestamp"),
    ({"timestamp": "yesterday"}, "timestamp"),
    ({"version": "0.95"}, "version"),
    ({"id": "not-a-uuid"}, "id"),
    ({"result": None}, "result"),
    ({"colour": "blue"}, "colour"),
    ({"authority": {"objectType": "Group", "member": [{"mbox": "mailto:a@b.org"}]}}, "authority.member"),
])
def test_invalid_statement_gets_400_naming_the_field(xapi, change, field):
    response = xapi.post("statements", statement(**change))
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Statement.objects.exists()


def test_extensions_may_hold_null_and_empty_values(xapi):
    ext = {"http://x.org/e1": None, "http://x.org/e2": "", "http://x.org/e3": {}}
    assert xapi.post("statements", statement(result={"extensions": ext})).status_code == 200


def test_single_context_activity_is_returned_as_a_list(xapi):
    ctx = {"contextActivities": {"parent": {"id": "http://x.org/course"}}}
    [sid] = xapi.post("statements", statement(context=ctx)).json()
    got = xapi.get("statements", {"statementId": sid}).json()
    assert got["context"]["contextActivities"]["parent"] == [{"id": "http://x.org/course"}]


def test_version_header_is_required_except_for_about(xapi, client):
    no_version = {k: v for k, v in xapi.headers.items() if k != "HTTP_X_EXPERIENCE_API_VERSION"}
    assert client.get("/xapi/statements", **no_version).status_code == 400
    assert client.get("/xapi/statements", **no_version, HTTP_X_EXPERIENCE_API_VERSION="0.9").status_code == 400
    assert client.get("/xapi/statements", **no_version, HTTP_X_EXPERIENCE_API_VERSION="1.0").status_code == 200
    about = client.get("/xapi/about")
    assert about.status_code == 200 and "1.0.3" in about.json()["version"]


@pytest.mark.parametrize("creds", [None, ("lrs-test", "wrong"), ("nobody", "lrs-secret")])
def test_credentials_are_required(provider, client, creds):
    headers = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    if creds:
        headers = XapiClient(*creds).headers
    response = client.post("/xapi/statements", data=statement(), content_type="application/json", **headers)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Basic")


def test_a_provider_reads_only_the_statements_it_sent(xapi, db):
    from django.contrib.auth.hashers import make_password

    from training.models import ContentProvider

    ContentProvider.objects.create(name="Other", key_id="other", key_hash=make_password("other-secret"))
    [sid] = xapi.post("statements", statement()).json()
    other = XapiClient("other", "other-secret")
    assert other.get("statements", {"statementId": sid}).status_code == 404
    assert other.get("statements").json()["statements"] == []


def test_head_answers_like_get_without_a_body(xapi):
    [sid] = xapi.post("statements", statement()).json()
    response = xapi.head("statements", {"statementId": sid})
    assert response.status_code == 200 and response.content == b""
    assert "X-Experience-API-Consistent-Through" in response


def test_statement_with_substatement_and_group(xapi):
    sub = {"objectType": "SubStatement", "actor": {"objectType": "Group", "member": [{"mbox": "mailto:m@x.org"}]},
           "verb": {"id": "http://x.org/planned"}, "object": {"id": "http://x.org/a"}}
    assert xapi.post("statements", statement(object=sub)).status_code == 200
    nested = dict(sub, object=dict(sub))
    assert xapi.post("statements", statement(object=nested)).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_the_same_statement_sent_twice_at_once_is_stored_once(provider):
    import threading

    from django.db import connection

    sid, codes = new_id(), []

    def send():
        try:
            codes.append(XapiClient().put("statements", statement(), {"statementId": sid}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert codes == [204, 204, 204] and Statement.objects.count() == 1


def test_very_long_iri_is_a_400_not_a_server_error(xapi):
    response = xapi.post("statements", statement(verb={"id": "http://x.org/" + "v" * 3000}))
    assert response.status_code == 400 and "verb.id" in response.json()


def test_a_batch_reusing_an_id_is_refused(xapi):
    sid = new_id()
    response = xapi.post("statements", [statement(id=sid), statement(id=sid, result={"success": True})])
    assert response.status_code == 400 and "id" in response.json()
    assert not Statement.objects.exists()
