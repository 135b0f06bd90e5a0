"""Locust users for `make loadtest` (scripts/loadtest.py starts the server and runs this headless).

LOADTEST_PHASE picks what the users do:
  page:<name>  every user asks for that one page of bench/loadtest_plan.PAGES, with no think time
               (so the figures are what the box can serve of it);
  arrival      staff arriving in the morning: each user GETs the sign-in page, posts the demo
               password (LOADTEST_PASSWORD) once through the form, then does nothing more;
               scripts/loadtest.py spawns them LOADTEST_ARRIVAL_RATE a second. In production
               staff sign in with their directory password (the bind is the directory's work), so
               the local PBKDF2 check measured here is the demo and break-glass path;
  busy:<name>  every user on that one page, each waiting 1-3 s between clicks (the page at its
               busiest: all the users of the workload reading it at once);
  mixed        the roles of loadtest_plan.MIXED, each waiting 1-3 s between clicks.
Users of a role are distinct people: LOADTEST_SESSIONS ({role: [session key]}, signed in already by
bench/loadtest_accounts, under the cookie LOADTEST_SESSION_COOKIE) hands each user of a role the
next session of its role, in turn (so the working day is not a sign-in storm and per-user API
throttles count one person each); LOADTEST_ARRIVALS ([username]) are those who sign in.
LOADTEST_REPLICAS (comma-separated base URLs) spreads users over the web replicas as a load
balancer would. The server runs the production settings behind an imagined TLS proxy: each
request says X-Forwarded-Proto: https and Host: localhost, and the cookies (marked Secure, which a
cookie jar would keep off plain HTTP) are kept by hand and sent in a Cookie header.

FastHttpUser (geventhttpclient) rather than HttpUser (requests): the load generator shares the
2 cores with the server it measures, and takes several times less of them this way.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import sys
from pathlib import Path

from locust import FastHttpUser, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import loadtest_plan as plan  # noqa: E402 - beside this file, with no package to import it from
from prod_check import keep_cookies  # noqa: E402 - scripts/, as loadtest.py imports it

HOST = os.environ.get("LOADTEST_HOST_HEADER", "localhost")
PHASE = os.environ.get("LOADTEST_PHASE", "mixed")
PASSWORD = os.environ.get("LOADTEST_PASSWORD", "demo-password-2026")
REPLICAS = [u for u in os.environ.get("LOADTEST_REPLICAS", "").split(",") if u]
SESSIONS: dict[str, list[str]] = json.loads(os.environ.get("LOADTEST_SESSIONS", "{}"))
SESSION_COOKIE = os.environ.get("LOADTEST_SESSION_COOKIE", "sessionid")
ARRIVALS: list[str] = json.loads(os.environ.get("LOADTEST_ARRIVALS", "[]"))
_replica_turn = itertools.count()
_session_turn: dict[str, itertools.count] = {}
_arrival_turn = itertools.count()


class CouncilUser(FastHttpUser):
    abstract = True
    host = REPLICAS[0] if REPLICAS else "http://127.0.0.1:8000"
    role = "anonymous"

    def on_start(self):
        if REPLICAS:
            self.client.base_url = REPLICAS[next(_replica_turn) % len(REPLICAS)]
        # Cookies by hand (self.cookies, sent as one Cookie header): the jar would keep the Secure
        # ones off plain HTTP, and with a Cookie header given it adds nothing anyway.
        self.client.client.cookiejar = None
        self.cookies: dict[str, str] = {}
        keys = SESSIONS.get(self.role)
        if keys:
            turn = _session_turn.setdefault(self.role, itertools.count())
            self.cookies[SESSION_COOKIE] = keys[next(turn) % len(keys)]
        elif self.role != "anonymous":
            raise RuntimeError(f"no session for role {self.role!r} (LOADTEST_SESSIONS)")

    def request(self, method: str, name: str, path: str, ok=(200,), data=None, headers=None, check=None):
        """One request, as a browser behind the proxy would send it; a failure unless its status is
        one of `ok` and `check(response)` (if given) has no complaint."""
        sent = {"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        with self.client.request(method, path, name=name, data=data, headers=sent, allow_redirects=False,
                                 catch_response=True) as resp:
            if resp.status_code not in ok:
                resp.failure(f"{resp.status_code}")
            elif complaint := check and check(resp):
                resp.failure(complaint)
            else:
                resp.success()  # a refusal the plan expects (a lost race) is not an error
        keep_cookies(self.cookies, resp.headers.getlist("set-cookie") if resp.headers else ())
        return resp

    def open(self, name: str, path: str):
        return self.request("GET", name, path)

    def post(self, name: str, path: str, data: dict, ok=(302,), check=None):
        data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}
        headers = {"Origin": f"https://{HOST}", "Referer": f"https://{HOST}{path}"}
        return self.request("POST", name, path, ok=ok, data=data, headers=headers, check=check)

    def sign_in(self, username: str):
        self.open("sign-in page", plan.SIGN_IN_PATH)
        return self.post("sign in", plan.SIGN_IN_PATH, {"username": username, "password": PASSWORD},
                         check=_signed_in)


def _signed_in(resp) -> str | None:
    """A sign-in's 302 goes on to the page asked for, not back to the sign-in page."""
    if plan.SIGN_IN_PATH in ((resp.headers or {}).get("location") or ""):
        return "sent back to the sign-in page"
    return None


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
    """Approve one of the requests waiting in the queue (another user of the same manager may win the
    race: the refusal is a message on the request's page, a 302 as the approval is; a 403, which only
    a refused CSRF check gives here, is an error)."""
    page = user.open("approvals queue", "/self-service/approvals/")
    waiting = re.findall(r"/self-service/requests/(\d+)/", page.text or "")
    if waiting:
        pk = random.choice(waiting)
        user.post("approve a request", plan.APPROVE_PATH.format(pk=pk), {"comment": "Approved (load test)"},
                  ok=(302, 404))


def _mixed_user(role: str, weight: int, tasks) -> type:
    table = _weighted(tasks)
    if role == "employee":
        table[_leave] = 1
    if role == "manager":
        table[_approve] = 2
    return type(f"Mixed{role.title()}", (CouncilUser,), {
        "role": role, "weight": weight, "wait_time": between(1, 3), "tasks": table, "abstract": False,
    })


def _page_user(name: str, wait=None) -> type:
    match = [(role, path) for n, role, path in plan.PAGES if n == name]
    if not match:
        raise SystemExit(f"LOADTEST_PHASE: no page named {name!r}; see bench/loadtest_plan.py")
    role, path = match[0]

    @task
    def ask(user):
        user.open(name, path)

    return type("PageUser", (CouncilUser,), {"role": role, "wait_time": wait or constant(0), "tasks": [ask],
                                             "abstract": False})


class ArrivalUser(CouncilUser):
    """Signs in once, through the form, as the next of LOADTEST_ARRIVALS, then waits out the phase."""

    abstract = PHASE != "arrival"
    wait_time = constant(3600)

    def on_start(self):
        super().on_start()
        if not ARRIVALS:
            raise RuntimeError("no accounts to sign in as (LOADTEST_ARRIVALS)")
        self.sign_in(ARRIVALS[next(_arrival_turn) % len(ARRIVALS)])

    @task
    def stay(self):
        """Nothing more: the working day is the mixed phase."""


if PHASE.startswith("page:"):
    PageUser = _page_user(PHASE.removeprefix("page:"))
elif PHASE.startswith("busy:"):  # everyone on this one page at once, pausing 1-3 s as people do
    PageUser = _page_user(PHASE.removeprefix("busy:"), between(1, 3))
elif PHASE != "arrival":
    for _role, _weight, _tasks in plan.MIXED:
        globals()[f"Mixed{_role.title()}"] = _mixed_user(_role, _weight, _tasks)
