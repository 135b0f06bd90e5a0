"""The Learning Record Store over HTTP (the Django test client, so routing, credentials and JSON are
counted): statements/s sent one at a time and in batches of 100, then query times with
LRS_BENCH_STATEMENTS statements stored (default one million, written straight in SQL)."""

import base64
import json
import os
import time
import uuid

STORED = int(os.environ.get("LRS_BENCH_STATEMENTS", "1000000"))
LEARNERS = 20_000
ACTIVITIES = 5_000


def _client():
    from django.contrib.auth.hashers import make_password
    from django.test import Client

    from training.models import ContentProvider

    provider = ContentProvider.objects.create(name="Bench", key_id="bench", key_hash=make_password("bench-secret"))
    token = base64.b64encode(b"bench:bench-secret").decode()
    return Client(), {"HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}, provider


def _statement(n):
    return {"id": str(uuid.uuid4()), "actor": {"mbox": f"mailto:l{n % LEARNERS}@bench.example"},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced", "display": {"en-GB": "experienced"}},
            "object": {"id": f"http://bench.example/act/{n % ACTIVITIES}",
                       "definition": {"name": {"en-GB": f"Activity {n % ACTIVITIES}"}}},
            "result": {"score": {"scaled": 0.5}, "completion": True}}


def _throughput(client, headers, batch, batches):
    started = time.perf_counter()
    for b in range(batches):
        body = [_statement(b * batch + i) for i in range(batch)]
        response = client.post("/xapi/statements", data=json.dumps(body if batch > 1 else body[0]),
                               content_type="application/json", **headers)
        assert response.status_code == 200, response.content
    return batch * batches / (time.perf_counter() - started)


def _fill(provider, n):
    from django.db import connection

    key = f"training.provider:{provider.pk}"
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO lrs_statement (statement_id, stored, payload, received, voided, verb_iri, activity_iri,
                                       agents, related_agents, related_activities, client_key, attachment_hashes)
            SELECT gen_random_uuid(), now() - make_interval(secs => g), jsonb_build_object(
                       'actor', jsonb_build_object('mbox', 'mailto:l' || (g %% %(learners)s) || '@bench.example'),
                       'verb', jsonb_build_object('id', 'http://bench.example/verb/' || (g %% 20)),
                       'object', jsonb_build_object('id', 'http://bench.example/act/' || (g %% %(acts)s)),
                       'stored', now(), 'timestamp', now(), 'version', '1.0.0'),
                   '{}'::jsonb, false, 'http://bench.example/verb/' || (g %% 20),
                   'http://bench.example/act/' || (g %% %(acts)s),
                   ARRAY['mbox:mailto:l' || (g %% %(learners)s) || '@bench.example'],
                   ARRAY['mbox:mailto:l' || (g %% %(learners)s) || '@bench.example'],
                   ARRAY['http://bench.example/act/' || (g %% %(acts)s)], %(key)s, '{}'
            FROM generate_series(1, %(n)s) AS g
            """,
            {"learners": LEARNERS, "acts": ACTIVITIES, "key": key, "n": n},
        )
        cur.execute("ANALYZE lrs_statement")


def _query_ms(client, headers, params, repeat=5):
    from urllib.parse import urlencode

    url = f"/xapi/statements?{urlencode(params)}"
    client.get(url, **headers)  # warm
    started = time.perf_counter()
    for _ in range(repeat):
        response = client.get(url, **headers)
        assert response.status_code == 200
    return (time.perf_counter() - started) / repeat * 1000, response.json()


def run():
    client, headers, provider = _client()
    single = _throughput(client, headers, 1, 200)
    hundred = _throughput(client, headers, 100, 20)
    started = time.perf_counter()
    _fill(provider, STORED)
    fill_s = time.perf_counter() - started
    agent = json.dumps({"mbox": "mailto:l7@bench.example"})
    figures = [
        ("statements/s, one per request", f"{single:,.0f}"),
        ("statements/s, batches of 100", f"{hundred:,.0f}"),
        (f"rows written in SQL ({STORED:,})", f"{fill_s:.1f} s"),
    ]
    for label, params in [
        ("page of 100, no filter", {"limit": 100}),
        ("by agent (~50 matches)", {"agent": agent, "limit": 100}),
        ("by agent, related_agents", {"agent": agent, "related_agents": "true", "limit": 100}),
        ("by activity (~200 matches)", {"activity": "http://bench.example/act/42", "limit": 100}),
        ("by activity, related_activities", {"activity": "http://bench.example/act/42",
                                             "related_activities": "true", "limit": 100}),
        ("by verb (5% of rows), page of 100", {"verb": "http://bench.example/verb/3", "limit": 100}),
    ]:
        ms, body = _query_ms(client, headers, params)
        figures.append((f"GET {label} at {STORED:,}", f"{ms:.1f} ms ({len(body['statements'])} rows)"))
        if body["more"] and label.startswith("by verb"):
            from urllib.parse import urlsplit

            more = urlsplit(body["more"])
            started = time.perf_counter()
            client.get(f"{more.path}?{more.query}", **headers)
            figures.append((f"GET {label}, next page via more", f"{(time.perf_counter() - started) * 1000:.1f} ms"))
    return figures
