"""Run by test_demo_sqlite.py in a child process with the demo settings (SQLite, eager Celery):
migrate, seed a small council with every app's demo data, then sign in as each demo login and open
every page linked from the navigation and the home page. Prints one line per failure and exits 1
if any page answered 5xx. Kept outside pytest's process so it really runs on SQLite, as `make demo`
does, while the suite itself runs on PostgreSQL."""

import os
import re
import sys

os.environ["DJANGO_SETTINGS_MODULE"] = "intranet.settings.demo"
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from core.demo import DEMO_LOGINS  # noqa: E402

setup_test_environment()
call_command("migrate", verbosity=0, interactive=False)
call_command("seed_demo", "--staff", "300", stdout=open(os.devnull, "w"))  # noqa: SIM115

failures = []
visited = 0
HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = ("/sign-out", "/admin/", "/api/", "/static/", "/media/")
for username in DEMO_LOGINS:
    user = get_user_model().objects.get(username=username)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    home = client.get("/")
    if home.status_code != 200:
        failures.append(f"{username} / -> {home.status_code}")
        continue
    links = sorted({h for h in HREF.findall(home.content.decode()) if not h.startswith(SKIP)})
    # and the learner's e-learning records (the LRS's array lookups), two clicks from home
    # and a directory search with an accent and an apostrophe (the SQLite side of the folded search)
    for path in [*links[:40], "/training/my/records/", "/people/?q=Si%C3%A2n+o%27brien"]:
        response = client.get(path.replace("&amp;", "&"))
        visited += 1
        if response.status_code >= 500:
            failures.append(f"{username} {path} -> {response.status_code}")

# The demo's e-learning, played on SQLite: start, open the player, commit, the SCO's files, the cmi5 launch.
import json  # noqa: E402

client = Client(raise_request_exception=False)
client.force_login(get_user_model().objects.get(username="employee"))
for code in ("spot-scams", "spot-scams-cmi5"):
    start = client.post(f"/training/courses/{code}/elearning/start/")
    player = client.get(start.get("Location", "/"))
    visited += 2
    if player.status_code != 200:
        failures.append(f"employee e-learning {code} player -> {player.status_code}")
        continue
    config = player.context["config"]
    if code == "spot-scams":
        body = {"cmi": {"completion_status": "completed", "success_status": "passed", "score": {"scaled": "1"}},
                "commitSequence": 1}
        commit = client.post(config["commitUrl"], json.dumps(body), content_type="application/json")
        if commit.status_code != 200:
            failures.append(f"employee e-learning commit -> {commit.status_code} {commit.content[:200]}")
    sco = client.get(config["contentUrl"])
    visited += 2
    if sco.status_code != 200:
        failures.append(f"employee e-learning {code} content -> {sco.status_code}")

# The adoption dashboard's prepared figures (reporting/prepared.py) on SQLite: worked out, then read.
from reporting.prepared import prepared_refresh  # noqa: E402

if not prepared_refresh():
    failures.append("reporting: prepared_refresh wrote nothing")
client = Client(raise_request_exception=False)
client.force_login(get_user_model().objects.get(username="hr"))
response = client.get("/reporting/")
visited += 1
if response.status_code != 200 or not response.context["from_prepared"]:
    failures.append(f"hr /reporting/ from the prepared figures -> {response.status_code}")
print(f"visited {visited} pages as {len(DEMO_LOGINS)} demo logins")
for line in failures:
    print("FAILED", line)
sys.exit(1 if failures else 0)
