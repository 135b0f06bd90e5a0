"""xAPI 2.0.0 where it costs little: a request naming 2.0.x is answered by 2.0 rules (contextAgents
and contextGroups, version 2.0.x in statements, State concurrency, no alternate syntax), and
LRS_XAPI_VERSION sets what `about` and header-less answers name."""

import json
from urllib.parse import urlencode

from .conftest import new_id, statement

V2 = {"HTTP_X_EXPERIENCE_API_VERSION": "2.0.0"}
CONTEXT_AGENTS = {"contextAgents": [{"objectType": "contextAgent", "agent": {"mbox": "mailto:p1@example.org"},
                                     "relevantTypes": ["https://example.org/types/player"]}],
                  "contextGroups": [{"objectType": "contextGroup",
                                     "group": {"objectType": "Group", "mbox": "mailto:team@example.org"}}]}


def test_context_agents_and_groups_are_2_0(xapi):
    st = statement(context=CONTEXT_AGENTS, version="2.0.0")
    response = xapi.post("statements", st, **V2)
    assert response.status_code == 200, response.content
    assert response["X-Experience-API-Version"] == "2.0.0"
    assert xapi.post("statements", statement(context=CONTEXT_AGENTS)).status_code == 400  # not in 1.0.3
    bad = {"contextAgents": [dict(CONTEXT_AGENTS["contextAgents"][0], relevantTypes=[])]}
    assert "context.contextAgents[0].relevantTypes" in xapi.post("statements", statement(context=bad), **V2).json()


def test_state_replacement_needs_a_precondition_in_2_0(xapi):
    params = {"activityId": "http://x.org/a", "agent": {"mbox": "mailto:l@x.org"}, "stateId": "s"}
    assert xapi.put("activities/state", {"v": 1}, params, **V2).status_code == 204
    assert xapi.put("activities/state", {"v": 2}, params, **V2).status_code == 409
    assert xapi.put("activities/state", {"v": 2}, params).status_code == 204  # 1.0.3 asks no precondition


def test_no_alternate_syntax_in_2_0(xapi):
    form = {"statementId": new_id(), "content": json.dumps(statement()), "X-Experience-API-Version": "2.0.0"}
    response = xapi.client.post("/xapi/statements?method=PUT", data=urlencode(form),
                                content_type="application/x-www-form-urlencoded",
                                HTTP_AUTHORIZATION=xapi.headers["HTTP_AUTHORIZATION"])
    assert response.status_code == 400


def test_the_configured_version_names_about_and_headerless_answers(xapi, client, settings):
    assert "2.0.0" not in client.get("/xapi/about").json()["version"]
    assert client.get("/xapi/statements")["X-Experience-API-Version"] == "1.0.3"
    settings.LRS_XAPI_VERSION = "2.0.0"
    assert client.get("/xapi/about").json()["version"][0] == "2.0.0"
    assert client.get("/xapi/statements")["X-Experience-API-Version"] == "2.0.0"
