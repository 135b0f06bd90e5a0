"""Per-launch tokens (cmi5): act for the provider, but only as the launched learner, only in the
launch's registration, and only until they expire or are revoked."""

import base64
import datetime as dt

import pytest

from lrs.launch import launch_token_issue, launch_tokens_revoke
from training.lrs_link import provider_principal

from .conftest import XapiClient, new_id, statement

LEARNER = {"objectType": "Agent", "account": {"homePage": "https://intranet.example", "name": "alice"}}
ACT = "https://learning.example/au/1"


@pytest.fixture
def launch(provider):
    registration = new_id()
    token = launch_token_issue(issuer=provider_principal("lrs-test", "lrs-secret"), actor=LEARNER,
                               registration=registration, activity_iri=ACT)
    key_id, _, secret = base64.b64decode(token).decode().partition(":")
    return XapiClient(key_id, secret), registration


def test_launch_token_writes_and_reads_its_learner_only(launch, xapi):
    client, registration = launch
    mine = statement(actor=LEARNER, context={"registration": registration})
    response = client.post("statements", mine)
    assert response.status_code == 200, response.content
    [sid] = response.json()
    assert client.get("statements", {"statementId": sid}).status_code == 200
    # stored as the provider's: the provider reads it too, and training sees the provider's authority
    assert xapi.get("statements", {"statementId": sid}).json()["authority"]["account"]["name"] == "lrs-test"
    other = xapi.post("statements", statement(context={"registration": registration})).json()[0]
    assert client.get("statements", {"statementId": other}).status_code == 404
    assert client.post("statements", statement()).status_code == 403  # someone else as actor
    elsewhere = statement(actor=LEARNER, context={"registration": new_id()})
    assert client.post("statements", elsewhere).status_code == 403


def test_launch_token_documents_are_its_learners(launch):
    client, registration = launch
    params = {"activityId": ACT, "agent": LEARNER, "registration": registration, "stateId": "LMS.LaunchData"}
    assert client.put("activities/state", {"launchMode": "Normal"}, params).status_code == 204
    assert client.get("activities/state", params).json() == {"launchMode": "Normal"}
    other = dict(params, agent={"mbox": "mailto:someone@example.org"})
    assert client.get("activities/state", other).status_code == 403


def test_expired_or_revoked_tokens_are_refused(provider):
    registration = new_id()
    issuer = provider_principal("lrs-test", "lrs-secret")
    expired = launch_token_issue(issuer=issuer, actor=LEARNER, registration=registration, activity_iri=ACT,
                                 ttl=dt.timedelta(seconds=-1))
    live = launch_token_issue(issuer=issuer, actor=LEARNER, registration=registration, activity_iri=ACT)
    for token, code in ((expired, 401), (live, 200)):
        key_id, _, secret = base64.b64decode(token).decode().partition(":")
        assert XapiClient(key_id, secret).get("statements").status_code == code
    assert launch_tokens_revoke(registration=registration) == 2
    from lrs.credentials import forget_verified

    forget_verified()
    key_id, _, secret = base64.b64decode(live).decode().partition(":")
    assert XapiClient(key_id, secret).get("statements").status_code == 401
    assert XapiClient(key_id, "wrong").get("statements").status_code == 401
