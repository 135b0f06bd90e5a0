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
print(f"visited {visited} pages as {len(DEMO_LOGINS)} demo logins")
for line in failures:
    print("FAILED", line)
sys.exit(1 if failures else 0)
