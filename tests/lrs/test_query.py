"""Statement queries (Communication 2.1.3): every filter, `more` paging, ascending, formats, and a
constant number of SQL queries per page."""

import datetime as dt
from urllib.parse import urlsplit

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lrs.models import Statement

from .conftest import new_id, statement

ALICE = {"mbox": "mailto:alice@example.org"}
BOB = {"objectType": "Agent", "account": {"homePage": "https://id.example.org", "name": "bob"}}


def ids(response):
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"]]


def test_filters(xapi):
    reg = new_id()
    a = xapi.post("statements", statement(actor=ALICE, verb={"id": "http://x.org/passed"},
                                          context={"registration": reg})).json()[0]
    b = xapi.post("statements", statement(actor=BOB, object={"id": "http://x.org/course"},
                                          context={"instructor": ALICE,
                                                   "contextActivities": {"parent": [{"id": "http://x.org/prog"}]}})
                  ).json()[0]
    c = xapi.post("statements", statement(actor=BOB, object={"objectType": "Agent", **ALICE})).json()[0]
    assert set(ids(xapi.get("statements", {"agent": ALICE}))) == {a, c}  # actor or object
    assert set(ids(xapi.get("statements", {"agent": ALICE, "related_agents": "true"}))) == {a, b, c}
    assert ids(xapi.get("statements", {"verb": "http://x.org/passed"})) == [a]
    assert ids(xapi.get("statements", {"registration": reg})) == [a]
    assert ids(xapi.get("statements", {"activity": "http://x.org/course"})) == [b]
    assert ids(xapi.get("statements", {"activity": "http://x.org/prog"})) == []
    assert ids(xapi.get("statements", {"activity": "http://x.org/prog", "related_activities": "true"})) == [b]
    assert ids(xapi.get("statements", {"agent": BOB, "verb": "http://x.org/passed"})) == []


def test_group_member_matches_agent_filter(xapi):
    group = {"objectType": "Group", "member": [ALICE, {"mbox": "mailto:carol@example.org"}]}
    sid = xapi.post("statements", statement(actor=group)).json()[0]
    assert ids(xapi.get("statements", {"agent": ALICE})) == [sid]


def test_statement_targeting_a_match_matches_too(xapi):
    target = xapi.post("statements", statement(verb={"id": "http://x.org/passed"})).json()[0]
    ref = xapi.post("statements", statement(verb={"id": "http://x.org/commented"},
                                            object={"objectType": "StatementRef", "id": target})).json()[0]
    assert set(ids(xapi.get("statements", {"verb": "http://x.org/passed"}))) == {target, ref}


def test_since_until_and_order(xapi):
    first = xapi.post("statements", statement()).json()[0]
    middle_time = timezone.now()
    second = xapi.post("statements", statement()).json()[0]
    stamp = middle_time.isoformat()
    assert ids(xapi.get("statements", {"since": stamp})) == [second]
    assert ids(xapi.get("statements", {"until": stamp})) == [first]
    assert ids(xapi.get("statements")) == [second, first]
    assert ids(xapi.get("statements", {"ascending": "true"})) == [first, second]
    assert xapi.get("statements", {"since": "last week"}).status_code == 400


def test_more_pages_through_everything_once(xapi):
    sent = xapi.post("statements", [statement() for _ in range(7)]).json()
    seen, url, pages = [], None, 0
    response = xapi.get("statements", {"limit": 3})
    while True:
        pages += 1
        body = response.json()
        seen += [s["id"] for s in body["statements"]]
        if not body["more"]:
            break
        url = urlsplit(body["more"])
        assert url.path == "/xapi/statements"
        response = xapi.client.get(f"{url.path}?{url.query}", **xapi.headers)
        assert pages < 10
    assert pages == 3 and sorted(seen) == sorted(sent) and len(seen) == 7


def test_format_ids_and_canonical(xapi):
    verb = {"id": "http://x.org/v", "display": {"en-US": "did", "en-GB": "did (GB)", "fr": "a fait"}}
    obj = {"objectType": "Activity", "id": "http://x.org/a",
           "definition": {"name": {"en": "Name", "en-GB": "Name (GB)"}, "type": "http://x.org/t"}}
    sid = xapi.post("statements", statement(verb=verb, object=obj)).json()[0]
    as_ids = xapi.get("statements", {"statementId": sid, "format": "ids"}).json()
    assert as_ids["verb"] == {"id": "http://x.org/v"} and as_ids["object"] == {"id": "http://x.org/a"}
    assert "name" not in as_ids["actor"]
    canonical = xapi.get("statements", {"statementId": sid, "format": "canonical"},
                         HTTP_ACCEPT_LANGUAGE="en-GB").json()
    assert canonical["verb"]["display"] == {"en-GB": "did (GB)"}
    assert canonical["object"]["definition"]["name"] == {"en-GB": "Name (GB)"}
    exact = xapi.get("statements", {"statementId": sid}).json()
    assert exact["verb"] == verb
    assert xapi.get("statements", {"format": "pretty"}).status_code == 400


def test_unknown_parameter_is_refused(xapi):
    assert xapi.get("statements", {"colour": "blue"}).status_code == 400
    assert xapi.get("statements", {"agent": "not json"}).status_code == 400


def test_consistent_through_header_on_every_statement_get(xapi):
    for response in (xapi.get("statements"), xapi.get("statements", {"statementId": "bad"})):
        assert "X-Experience-API-Consistent-Through" in response


def _store(n, actor, client_key):
    now = timezone.now()
    Statement.objects.bulk_create([
        Statement(statement_id=new_id(), stored=now - dt.timedelta(seconds=i), verb_iri="http://x.org/v",
                  activity_iri="http://x.org/a", payload=statement(actor=actor, id=str(i)), received={},
                  agents=["mbox:" + actor["mbox"]], related_agents=["mbox:" + actor["mbox"]],
                  related_activities=["http://x.org/a"], client_key=client_key)
        for i in range(n)
    ])


def test_query_by_agent_or_activity_is_one_sql_query_per_page(xapi, provider):
    """One SELECT for the page (the LIMIT fetches one extra row to know if there is more); the
    credentials are remembered after the first call. The count stays put from 5 to 60 rows."""
    xapi.get("statements")  # remember the credentials
    for n in (5, 60):
        Statement.objects.all().delete()
        _store(n, ALICE, f"training.provider:{provider.pk}")
        for params in ({"agent": ALICE}, {"activity": "http://x.org/a"}, {"agent": ALICE, "related_agents": "true"}):
            with CaptureQueriesContext(connection) as ctx:
                response = xapi.get("statements", {**params, "limit": 50})
            assert response.status_code == 200
            assert len(response.json()["statements"]) == min(n, 50)
            assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]


def test_last_modified_is_the_newest_stored_time_returned(xapi):
    from django.utils.http import parse_http_date

    [sid] = xapi.post("statements", statement()).json()
    stored = dt.datetime.fromisoformat(xapi.get("statements", {"statementId": sid}).json()["stored"])
    listed = xapi.get("statements")
    assert abs(parse_http_date(listed["Last-Modified"]) - int(stored.timestamp())) <= 1
