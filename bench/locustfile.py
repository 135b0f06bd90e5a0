"""Locust users for `make loadtest` (scripts/loadtest.py starts the server and runs this headless).

LOADTEST_PHASE picks what the users do:
  page:<name>  every user asks for that one page of bench/loadtest_plan.PAGES, with no think time
               (so the figures are what the box can serve of it);
  mixed        the roles of loadtest_plan.MIXED, each waiting 1-3 s between clicks.
LOADTEST_ACCOUNTS (JSON {role: username}) and LOADTEST_PASSWORD name the demo accounts
(LOADTEST_SESSIONS, {role: cookies}, hands users a session signed in already);
LOADTEST_REPLICAS (comma-separated base URLs) spreads users over the web replicas as a load
balancer would. The server runs the production settings behind an imagined TLS proxy: each
request says X-Forwarded-Proto: https and Host: localhost, and cookies (marked Secure) are sent on
plain HTTP by clearing that mark.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import HttpUser, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadtest_plan as plan  # noqa: E402 - beside this file, with no package to import it from

HOST = os.environ.get("LOADTEST_HOST_HEADER", "localhost")
PHASE = os.environ.get("LOADTEST_PHASE", "mixed")
ACCOUNTS = json.loads(os.environ.get("LOADTEST_ACCOUNTS", "{}"))
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo-password-2026")
REPLICAS = [u for u in os.environ.get("LOADTEST_REPLICAS", "").split(",") if u]
# {role: {cookie: value}}: sessions signed in before the phase, so a page measured alone is not
# crowded out by every user signing in at once (the mixed workload signs in as people do).
SESSIONS = json.loads(os.environ.get("LOADTEST_SESSIONS", "{}"))
_replica_turn = iter(range(1 << 30))


class CouncilUser(HttpUser):
    abstract = True
    host = REPLICAS[0] if REPLICAS else "http://127.0.0.1:8000"
    role = "anonymous"

    def on_start(self):
        if REPLICAS:
            self.client.base_url = REPLICAS[next(_replica_turn) % len(REPLICAS)]
        self.client.headers.update({"Host": HOST, "X-Forwarded-Proto": "https"})
        if self.role in SESSIONS:
            for name, value in SESSIONS[self.role].items():
                self.client.cookies.set(name, value)
        elif self.role != "anonymous":
            self.sign_in(ACCOUNTS.get(self.role, self.role))

    def _unsecure_cookies(self):
        for cookie in self.client.cookies:
            cookie.secure = False

    def open(self, name: str, path: str):
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as resp:
            if resp.status_code != 200:
                resp.failure(f"{resp.status_code}")
        self._unsecure_cookies()
        return resp

    def post(self, name: str, path: str, data: dict, ok=(302,)):
        data = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **data}
        headers = {"Origin": f"https://{HOST}", "Referer": f"https://{HOST}{path}"}
        with self.client.post(path, data=data, name=name, headers=headers, allow_redirects=False,
                              catch_response=True) as resp:
            if resp.status_code not in ok:
                resp.failure(f"{resp.status_code}")
        self._unsecure_cookies()
        return resp

    def sign_in(self, username: str):
        self.open("sign-in page", plan.SIGN_IN_PATH)
        self.post("sign in", plan.SIGN_IN_PATH, {"username": username, "password": PASSWORD})


def _weighted(tasks):
    """[(weight, name, path)] -> locust's {callable: weight}."""
    return {(lambda user, n=name, p=path: user.open(n, p)): w for w, name, path in tasks}


def _leave(user):
    """Annual leave on a random weekday in the next two years (a clash is refused with the form again)."""
    day = dt.date.today() + dt.timedelta(days=random.randint(30, 730))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    user.open("annual leave form", plan.LEAVE_PATH)
    user.post("submit annual leave", plan.LEAVE_PATH,
              {"start_date": day.isoformat(), "end_date": day.isoformat(), "note": "load test", "submit": "Submit"},
              ok=(200, 302))


def _approve(user):
    """Approve one of the requests waiting in the queue (another manager's user may win the race:
    the refusal is a clear message, not an error)."""
    page = user.open("approvals queue", "/self-service/approvals/")
    waiting = re.findall(r"/self-service/requests/(\d+)/", page.text or "")
    if waiting:
        pk = random.choice(waiting)
        user.post("approve a request", plan.APPROVE_PATH.format(pk=pk), {"comment": "Approved (load test)"},
                  ok=(200, 302, 400, 403, 404, 409))


def _mixed_user(role: str, weight: int, tasks) -> type:
    table = _weighted(tasks)
    if role == "employee":
        table[_leave] = 1
    if role == "manager":
        table[_approve] = 2
    return type(f"Mixed{role.title()}", (CouncilUser,), {
        "role": role, "weight": weight, "wait_time": between(1, 3), "tasks": table, "abstract": False,
    })


def _page_user(name: str) -> type:
    match = [(role, path) for n, role, path in plan.PAGES if n == name]
    if not match:
        raise SystemExit(f"LOADTEST_PHASE: no page named {name!r}; see bench/loadtest_plan.py")
    role, path = match[0]

    @task
    def ask(user):
        user.open(name, path)

    return type("PageUser", (CouncilUser,), {"role": role, "wait_time": constant(0), "tasks": [ask],
                                             "abstract": False})


if PHASE.startswith("page:"):
    PageUser = _page_user(PHASE.removeprefix("page:"))
else:
    for _role, _weight, _tasks in plan.MIXED:
        globals()[f"Mixed{_role.title()}"] = _mixed_user(_role, _weight, _tasks)
