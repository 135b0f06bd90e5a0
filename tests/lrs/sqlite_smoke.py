"""Run by test_sqlite.py in a child process on SQLite (the demo's database): store statements and
read them back through each array lookup (agent overlap, related agents, related activities
contains), a StatementRef reaching its target's filter, and the learner's record query. Exits 1
with the first mismatch."""

import os
import sys
import uuid

os.environ["DJANGO_SETTINGS_MODULE"] = "intranet.settings.demo"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from lrs.credentials import Principal  # noqa: E402
from lrs.models import Statement  # noqa: E402
from lrs.selectors import statements_about, statements_query  # noqa: E402
from lrs.services import statements_store  # noqa: E402

assert connection.vendor == "sqlite", connection.vendor
call_command("migrate", verbosity=0, interactive=False)
principal = Principal(key="smoke", name="Smoke", authority={"objectType": "Agent", "mbox": "mailto:lrs@example.org"})
verb = {"id": "http://adlnet.gov/expapi/verbs/experienced"}
ann = {"objectType": "Agent", "mbox": "mailto:ann@example.org"}
bob = {"objectType": "Agent", "mbox": "mailto:bob@example.org"}
parent = "http://example.org/course"
first, ref = str(uuid.uuid4()), str(uuid.uuid4())
statements_store(principal=principal, batch=True, statements=[
    {"id": first, "actor": ann, "verb": verb, "object": {"id": "http://example.org/one"},
     "context": {"instructor": bob, "contextActivities": {"parent": [{"id": parent}]}}},
    {"actor": bob, "verb": verb, "object": {"id": "http://example.org/two"}},
])
statements_store(principal=principal, batch=False, statements=[
    {"id": ref, "actor": bob, "verb": verb, "object": {"objectType": "StatementRef", "id": first}}])
assert isinstance(Statement.objects.get(statement_id=first).agents, list)


def ids(**params):
    return {str(s.statement_id) for s in statements_query(principal, params).statements}


checks = [
    (ids(agent='{"mbox": "mailto:ann@example.org"}'), {first, ref}),
    (ids(agent='{"mbox": "mailto:bob@example.org"}', related_agents="true") >= {first}, True),
    (ids(activity=parent, related_activities="true"), {first, ref}),
    (ids(activity=parent), set()),
    (len(ids(limit="2")), 2),
    (len(statements_about(["mbox:mailto:ann@example.org"])), 1),
    (statements_about(["mbox:mailto:nobody@example.org"]), []),
]
for n, (got, want) in enumerate(checks):
    if got != want:
        print(f"check {n}: got {got!r}, want {want!r}")
        sys.exit(1)
print("lrs on sqlite ok")
