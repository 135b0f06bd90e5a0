"""State, Activity Profile and Agent Profile resources (Communication 2.3, 2.6, 2.7, 3.1): ETags,
If-Match / If-None-Match, JSON merge on POST, listing ids with since, deletes; Activities and Agents."""

import json
import threading

import pytest
from django.db import connection

from .conftest import XapiClient, new_id

AGENT = {"objectType": "Agent", "mbox": "mailto:learner@example.org"}
ACT = "http://example.org/activity/one"


def state(**extra):
    return {"activityId": ACT, "agent": AGENT, **extra}


def test_state_put_get_merge_delete(xapi):
    assert xapi.put("activities/state", {"a": 1, "b": {"x": 1}}, state(stateId="s1")).status_code == 204
    got = xapi.get("activities/state", state(stateId="s1"))
    assert got.status_code == 200 and got.json() == {"a": 1, "b": {"x": 1}}
    assert got["ETag"].startswith('"') and len(got["ETag"]) == 42
    assert xapi.post("activities/state", {"b": {"y": 2}, "c": 3}, state(stateId="s1")).status_code == 204
    assert xapi.get("activities/state", state(stateId="s1")).json() == {"a": 1, "b": {"y": 2}, "c": 3}
    assert xapi.delete("activities/state", state(stateId="s1")).status_code == 204
    assert xapi.get("activities/state", state(stateId="s1")).status_code == 404


def test_state_registration_and_listing(xapi):
    reg = new_id()
    xapi.put("activities/state", {"v": 1}, state(stateId="one"))
    xapi.put("activities/state", {"v": 2}, state(stateId="two", registration=reg))
    assert xapi.get("activities/state", state(stateId="two")).status_code == 404
    assert xapi.get("activities/state", state(stateId="two", registration=reg)).json() == {"v": 2}
    assert sorted(xapi.get("activities/state", state()).json()) == ["one", "two"]
    assert xapi.get("activities/state", state(since="2999-01-01T00:00:00Z")).json() == []
    assert xapi.delete("activities/state", state()).status_code == 204  # every state of the agent here
    assert xapi.get("activities/state", state()).json() == []


def test_state_parameters_are_checked(xapi):
    assert xapi.get("activities/state", {"agent": AGENT, "stateId": "x"}).status_code == 400
    assert xapi.get("activities/state", state(activityId="no-scheme", stateId="x")).status_code == 400
    assert xapi.get("activities/state", state(agent={"name": "nobody"}, stateId="x")).status_code == 400
    assert xapi.get("activities/state", state(registration="bad", stateId="x")).status_code == 400
    assert xapi.put("activities/state", {"a": 1}, state()).status_code == 400  # no stateId


def test_post_merge_needs_json_on_both_sides(xapi):
    xapi.put("activities/state", b"plain text", state(stateId="t"), content_type="text/plain")
    assert xapi.post("activities/state", {"a": 1}, state(stateId="t")).status_code == 400
    got = xapi.get("activities/state", state(stateId="t"))
    assert got.content == b"plain text" and got["Content-Type"] == "text/plain"


@pytest.mark.parametrize(("path", "params"), [
    ("activities/profile", {"activityId": ACT, "profileId": "p"}),
    ("agents/profile", {"agent": AGENT, "profileId": "p"}),
])
def test_profiles_use_etags_for_concurrency(xapi, path, params):
    # Creating needs If-None-Match: *, replacing needs If-Match with the current ETag.
    assert xapi.put(path, {"v": 1}, params).status_code == 400
    assert xapi.put(path, {"v": 1}, params, HTTP_IF_NONE_MATCH="*").status_code == 204
    assert xapi.put(path, {"v": 2}, params, HTTP_IF_NONE_MATCH="*").status_code == 412
    etag = xapi.get(path, params)["ETag"]
    assert xapi.put(path, {"v": 2}, params).status_code == 409
    assert xapi.put(path, {"v": 2}, params, HTTP_IF_MATCH='"0000"').status_code == 412
    assert xapi.get(path, params).json() == {"v": 1}
    assert xapi.put(path, {"v": 2}, params, HTTP_IF_MATCH=etag).status_code == 204
    assert xapi.put(path, {"v": 3}, params, HTTP_IF_MATCH=etag).status_code == 412  # stale tag
    assert xapi.post(path, {"w": 1}, params).status_code == 204  # POST merges, no precondition needed
    assert xapi.get(path, params).json() == {"v": 2, "w": 1}
    listing = {k: v for k, v in params.items() if k != "profileId"}
    assert xapi.get(path, listing).json() == ["p"]
    new_tag = xapi.get(path, params)["ETag"]
    assert xapi.delete(path, params, HTTP_IF_MATCH=etag).status_code == 412
    assert xapi.delete(path, params, HTTP_IF_MATCH=new_tag).status_code == 204
    assert xapi.get(path, params).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_writers_with_the_same_etag_one_wins(provider):
    """Both read the ETag, both PUT with If-Match: the row lock orders them, the second sees the
    first's new ETag and gets 412."""
    params = {"activityId": ACT, "profileId": "race"}
    XapiClient().put("activities/profile", {"v": 0}, params, HTTP_IF_NONE_MATCH="*")
    etag = XapiClient().get("activities/profile", params)["ETag"]
    codes = []

    def write(n):
        try:
            codes.append(XapiClient().put("activities/profile", {"v": n}, params, HTTP_IF_MATCH=etag).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(codes) == [204, 412]


def test_activities_and_agents_resources(xapi):
    defined = {"objectType": "Activity", "id": ACT, "definition": {"name": {"en-GB": "One"}}}
    xapi.post("statements", {"actor": AGENT, "verb": {"id": "http://x.org/v"}, "object": defined})
    got = xapi.get("activities", {"activityId": ACT}).json()
    assert got["id"] == ACT and got["definition"]["name"] == {"en-GB": "One"}
    assert xapi.get("activities", {"activityId": "http://x.org/unknown"}).json()["id"] == "http://x.org/unknown"
    assert xapi.get("activities").status_code == 400
    person = xapi.get("agents", {"agent": AGENT}).json()
    assert person == {"objectType": "Person", "mbox": ["mailto:learner@example.org"]}
    assert xapi.get("agents", {"agent": json.dumps({"name": "x"})}).status_code == 400


def test_head_on_a_document_gives_its_etag_and_no_body(xapi):
    params = state(stateId="h")
    xapi.put("activities/state", {"a": 1}, params)
    head, get = xapi.head("activities/state", params), xapi.get("activities/state", params)
    assert head.status_code == 200 and head.content == b"" and head["ETag"] == get["ETag"]
    assert xapi.head("activities/state", state(stateId="missing")).status_code == 404


@pytest.fixture
def other_provider(db):
    from django.contrib.auth.hashers import make_password

    from training.models import ContentProvider

    ContentProvider.objects.create(name="Another supplier", key_id="lrs-other", key_hash=make_password("other-secret"))
    return XapiClient("lrs-other", "other-secret")


@pytest.mark.parametrize(("path", "params"), [
    ("activities/state", state(stateId="bookmark")),
    ("activities/profile", {"activityId": ACT, "profileId": "p"}),
    ("agents/profile", {"agent": AGENT, "profileId": "p"}),
])
def test_documents_belong_to_the_provider_that_wrote_them(xapi, other_provider, path, params):
    """One supplier's content cannot read, list, overwrite or delete another supplier's documents:
    each key has its own document space, as each reads back only its own statements."""
    assert xapi.put(path, {"mine": 1}, params, HTTP_IF_NONE_MATCH="*").status_code == 204
    assert other_provider.get(path, params).status_code == 404
    listing = {k: v for k, v in params.items() if k not in ("stateId", "profileId")}
    assert other_provider.get(path, listing).json() == []
    # the other supplier writes its own document under the same identity, without touching ours
    assert other_provider.put(path, {"theirs": 2}, params, HTTP_IF_NONE_MATCH="*").status_code == 204
    assert other_provider.delete(path, params, HTTP_IF_MATCH="*").status_code == 204
    assert xapi.get(path, params).json() == {"mine": 1}
    assert xapi.get(path, listing).json() == [params.get("stateId") or params.get("profileId")]
