"""200 job applicants taking the recruitment ICT test at the same time, against a real server process.

A gunicorn server (threaded workers) is started on a free localhost port against the bench database;
each applicant is a thread with its own keep-alive HTTP connection that opens the link, starts the
test, and for every question POSTs an answer (timed: the answer-save latency) then follows the
redirect to the next question page, exactly as a browser does. Finally each submits.

Figures: answers lost (acknowledged by the server with a redirect but not stored as sent: must be 0),
answer saves refused or failed, and the p50/p95/max answer-save latency.
"""

import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from django.db import connection

APPLICANTS = 200
QUESTIONS = 8
SERVER_WORKERS = 2
SERVER_THREADS = 16
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    s = connection.settings_dict
    auth = urllib.parse.quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + urllib.parse.quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _setup() -> list[tuple[int, str]]:
    """A bank of single-choice questions in two areas, one test, 200 invitations. Returns
    (invitation id, token) pairs."""
    from skills_matrix.models import Skill
    from skills_matrix.recruitment import services
    from skills_matrix.recruitment.models import QuestionKind

    areas = []
    for a in range(2):
        area = Skill.objects.create(code=f"bench-rec-area-{a}", name=f"Bench area {a}", kind=Skill.Kind.AREA)
        skill = Skill.objects.create(code=f"bench-rec-skill-{a}", name=f"Bench skill {a}", kind=Skill.Kind.SKILL,
                                     parent=area)
        for q in range(QUESTIONS // 2):
            services.question_create(actor=None, skill=skill, kind=QuestionKind.SINGLE, prompt=f"Question {a}.{q}",
                                     options=["First", "Second", "Third", "Fourth"], correct=[q % 4])
        areas.append(services.AreaSpec(area=area, question_count=QUESTIONS // 2, pass_mark_percent=50))
    template = services.template_create(actor=None, name="Bench test", time_limit_minutes=60, areas=areas)
    out = []
    for i in range(APPLICANTS + 1):  # one more for the unloaded baseline
        invitation, link = services.invitation_create(
            actor=None, template=template, name=f"Applicant {i}", email=f"applicant{i}@example.com",
            vacancy_reference="BENCH-1", base_url="http://127.0.0.1/", send_email=False,
        )
        out.append((invitation.pk, link.rstrip("/").rsplit("/", 1)[-1]))
    return out


class Browser:
    """One applicant's keep-alive connection with its cookies (just the CSRF cookie here)."""

    def __init__(self, port: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> http.client.HTTPResponse:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            form = {**form, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection; a browser reconnects too.
                self.conn.close()
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response


def _applicant(port, token, start_barrier, latencies, acknowledged, failures, lock):
    rng = random.Random(token)
    b = Browser(port)
    base = f"/applicant/test/{token}/"
    try:
        b.request("GET", base)
        start_barrier.wait()
        r = b.request("POST", base, {})
        location = r.headers.get("Location", "")
        position = 1
        while "/question/" in location:
            b.request("GET", location)
            choice = rng.randrange(4)
            started = time.perf_counter()
            r = b.request("POST", location, {"answer": str(choice)})
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if r.status == 302:
                    acknowledged.append((token, position, choice))
                else:
                    failures.append(f"{r.status} on answer {position}")
            location = r.headers.get("Location", "")
            position += 1
        if "/check/" in location:
            r = b.request("POST", location, {})
            if r.status != 302:
                with lock:
                    failures.append(f"{r.status} on submit")
    except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
        with lock:
            failures.append(f"{type(exc).__name__}: {exc}")
    finally:
        b.conn.close()


def run():
    from skills_matrix.recruitment.models import Attempt, AttemptQuestion
    from skills_matrix.recruitment.services import token_hash

    invitations = _setup()
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "intranet.settings.test",
           "DATABASE_CONN_MAX_AGE": "60"}
    # Kept open for the server's lifetime and kept on disk when something failed, hence no context manager.
    log = tempfile.NamedTemporaryFile(prefix="bench-recruitment-", suffix=".log", delete=False)  # noqa: SIM115
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "intranet.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--worker-class", "gthread", "--workers", str(SERVER_WORKERS), "--threads", str(SERVER_THREADS),
         "--backlog", "512", "--keep-alive", "30", "--timeout", "60"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/healthz")
                c.getresponse().read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"the server did not start; see {log.name}") from None
                time.sleep(0.2)

        lock = threading.Lock()
        # Baseline: one applicant alone, so the loaded figures can be read as queueing on top of it.
        alone: list[float] = []
        _applicant(port, invitations[0][1], threading.Barrier(1), alone, [], [], lock)

        latencies: list[float] = []
        acknowledged: list[tuple[str, int, int]] = []
        failures: list[str] = []
        barrier = threading.Barrier(APPLICANTS)
        threads = [
            threading.Thread(target=_applicant, args=(port, token, barrier, latencies, acknowledged, failures, lock))
            for _, token in invitations[1:]
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()

    # What the server acknowledged must be exactly what is stored.
    stored = {
        (h, pos): answer
        for h, pos, answer in AttemptQuestion.objects.values_list(
            "attempt__invitation__token_hash", "position", "answer")
    }
    lost = sum(1 for token, pos, choice in acknowledged if stored.get((token_hash(token), pos)) != [choice])
    submitted = Attempt.objects.filter(state=Attempt.State.SUBMITTED).count() - 1  # less the baseline
    lat = sorted(latencies)
    p = statistics.quantiles(lat, n=100) if len(lat) >= 2 else [0] * 99
    figures = [
        ("applicants answering at once", f"{APPLICANTS} × {QUESTIONS} questions"),
        ("server", f"gunicorn gthread, {SERVER_WORKERS} workers × {SERVER_THREADS} threads"),
        ("answers acknowledged by the server", f"{len(acknowledged)} of {APPLICANTS * QUESTIONS}"),
        ("answers lost (acknowledged but not stored as sent)", f"{lost}"),
        ("answer saves refused or failed", f"{len(failures)}" + (f" (first: {failures[0]})" if failures else "")),
        ("tests submitted", f"{submitted} of {APPLICANTS}"),
        ("answer-save latency, one applicant alone (median)", f"{statistics.median(alone) * 1000:.0f} ms"),
        ("answer-save latency p50", f"{p[49] * 1000:.0f} ms"),
        ("answer-save latency p95", f"{p[94] * 1000:.0f} ms"),
        ("answer-save latency max", f"{lat[-1] * 1000:.0f} ms" if lat else "n/a"),
        ("answers saved per second", f"{len(acknowledged) / wall:.0f}"),
    ]
    log.close()
    if failures:
        figures.append(("server log", log.name))
    else:
        os.unlink(log.name)
    return figures
