"""`make prod-check`: the production processes started together and exercised over HTTP.

Local (default): the production settings on this machine, with two gunicorn replicas on two free
ports, one Celery worker and one beat, against PostgreSQL (a database of its own, dropped at the
end) and a throwaway redis-server this script starts, stops (to show /healthz turning 503) and
starts again. `--compose`: the same check against docker/compose.yml (scripts/docker-check.sh).

Every process it starts is stopped on exit, on an error and on Ctrl-C; their ids are also written to
<run dir>/pids so the calling shell's trap can stop them if this script is killed outright.
Prints what it checked with figures; exits non-zero on the first failed check.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.cookies
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
HOST = "localhost"  # the name the "load balancer" sends; both replicas answer to it
DEMO_PASSWORD = "demo-password-2026"
BEAT_SECONDS = 5
LEARNERS = 30


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def wait_for(what: str, probe, timeout: float, interval: float = 0.25):
    """Call probe() until it returns something truthy; bounded by timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except (requests.RequestException, OSError) as exc:
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise CheckFailed(f"{what}: not within {timeout:.0f} s (last: {last!r})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


# --- HTTP as a TLS-terminating proxy would pass it on ------------------------------------------------


def keep_cookies(cookies: dict[str, str], set_cookie_headers) -> None:
    """Keep what a response's Set-Cookie headers say in `cookies` (name -> value), as a browser
    would, Secure cookies included (the checks speak plain HTTP behind an imagined TLS proxy): a
    cookie set is kept, one emptied or expired (Max-Age=0) is forgotten. bench/locustfile uses it too."""
    for header in set_cookie_headers:
        jar = http.cookies.SimpleCookie()
        jar.load(header)
        for key, morsel in jar.items():
            if morsel.value and morsel["max-age"] != "0":
                cookies[key] = morsel.value
            else:
                cookies.pop(key, None)


class Browser:
    """One person's cookies, sent to whichever replica we choose (as a load balancer would). Cookies
    are kept by hand: production marks them Secure, and the proxy in front of us did the TLS."""

    def __init__(self, name: str):
        self.name = name
        self.cookies: dict[str, str] = {}

    def request(self, base: str, method: str, path: str, *, data=None, json_body=None, headers=None,
                token: str | None = None) -> requests.Response:
        sent = {"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})}
        if method != "GET":
            sent.setdefault("Origin", f"https://{HOST}")
            sent.setdefault("Referer", f"https://{HOST}{path}")
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if token:
            sent["Authorization"] = f"Token {token}"
        if data is not None and "csrftoken" in self.cookies:
            data = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **data}
        response = requests.request(method, base + path, data=data, json=json_body, headers=sent,
                                    allow_redirects=False, timeout=30)
        keep_cookies(self.cookies, response.raw.headers.getlist("Set-Cookie"))
        return response

    def get(self, base, path, **kw):
        return self.request(base, "GET", path, **kw)

    def post(self, base, path, **kw):
        return self.request(base, "POST", path, **kw)

    def sign_in(self, base: str, username: str) -> None:
        page = self.get(base, "/sign-in/")
        expect(page.status_code == 200, f"sign-in page: {page.status_code}")
        done = self.post(base, "/sign-in/", data={"username": username, "password": DEMO_PASSWORD})
        expect(done.status_code == 302 and "sign-in" not in done.headers.get("Location", ""),
               f"sign in as {username}: {done.status_code} {done.text[:300]}")


# --- the processes -------------------------------------------------------------------------------------


class LocalStack:
    """gunicorn ×2, worker, beat from this checkout, on PostgreSQL and a redis-server of our own."""

    def __init__(self, run_dir: Path, database_url: str, keep: bool = False):
        self.run_dir = run_dir
        self.keep = keep
        self.procs: dict[str, subprocess.Popen] = {}
        self.web_ports = [free_port(), free_port()]
        while self.web_ports[1] == self.web_ports[0]:
            self.web_ports[1] = free_port()
        self.redis_port = free_port()
        self.metrics_token = secrets.token_urlsafe(24)
        name = os.environ.get("PROD_CHECK_DATABASE") or f"intranet_prodcheck_{os.getpid()}"
        parts = urlsplit(database_url)
        self.database_name = name
        self.database_url = urlunsplit(parts._replace(path=f"/{name}"))
        self.maintenance_url = urlunsplit(parts._replace(path="/postgres"))
        from cryptography.fernet import Fernet

        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DJANGO_", "CELERY_", "FIELD_ENCRYPTION", "PROMETHEUS_"))}
        self.env.update(
            DJANGO_SETTINGS_MODULE="intranet.settings.production",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
            DJANGO_ALLOWED_HOSTS=HOST,
            FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
            DATABASE_URL=self.database_url,
            # A dedicated server, and within it the cache on db 0 and the broker on db 1 (as compose).
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            CELERY_BROKER_URL=f"redis://127.0.0.1:{self.redis_port}/1",
            CELERY_TASK_ALWAYS_EAGER="False",
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",  # no SMTP server to reach
            MEDIA_ROOT=str(run_dir / "media"),
            PRIVATE_MEDIA_ROOT=str(run_dir / "private_media"),
            STATIC_ROOT=str(run_dir / "static"),
            METRICS_TOKEN=self.metrics_token,
            BEAT_HEARTBEAT_SECONDS=str(BEAT_SECONDS),
            LOG_FORMAT="json",
            LOG_LEVEL="INFO",
            PYTHONPATH=str(ROOT),
            PYTHONUNBUFFERED="1",
        )
        self.python = str(Path(sys.executable))
        self.bin = Path(sys.executable).parent
        self.beat_started_at = 0.0

    @property
    def web(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.web_ports]

    # process bookkeeping
    def _spawn(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(argv, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs[name] = proc
        with open(self.run_dir / "pids", "a") as f:
            f.write(f"{proc.pid}\n")
        return proc

    def _stop(self, name: str) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # its own session: the gunicorn/celery children too
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)

    def log(self, name: str) -> str:
        path = self.run_dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def manage(self, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
        return subprocess.run([self.python, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=timeout)

    def fixtures(self, *args: str) -> dict:
        done = subprocess.run([self.python, "scripts/prod_check_fixtures.py", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)
        expect(done.returncode == 0, f"fixtures {args}: {done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    # redis
    def redis_start(self) -> None:
        self._spawn("redis", ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1",
                              "--save", "", "--appendonly", "no", "--dir", str(self.run_dir)])
        wait_for("redis-server", lambda: port_open(self.redis_port), 10, 0.1)

    def redis_stop(self) -> None:
        self._stop("redis")
        wait_for("redis-server to stop", lambda: not port_open(self.redis_port), 10, 0.1)

    # lifecycle
    def _parallel(self, *commands: list[str]) -> list[subprocess.CompletedProcess]:
        with concurrent.futures.ThreadPoolExecutor(len(commands)) as pool:
            done = list(pool.map(lambda args: self.manage(*args), commands))
        for args, result in zip(commands, done, strict=True):
            expect(result.returncode == 0,
                   f"manage.py {' '.join(args)}: {result.stdout[-1500:]}{result.stderr[-3000:]}")
        return done

    def prepare(self, say) -> dict:
        """The release steps, once, before any replica starts (README "Releasing"); then the
        processes, which boot while the demo council is seeded."""
        import psycopg

        t0 = time.monotonic()
        with psycopg.connect(self.maintenance_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database_name}"')
        self.redis_start()
        # WhiteNoise indexes STATIC_ROOT when a replica starts, so collectstatic comes first too.
        self._parallel(["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"])
        released = time.monotonic() - t0
        self.start()
        _, deploy = self._parallel(["seed_demo", "--staff", "200"], ["check", "--deploy", "--fail-level", "WARNING"])
        say(f"release steps (migrate, collectstatic) in {released:.1f} s; processes started; demo council seeded "
            f"(200 staff) in {time.monotonic() - t0 - released:.1f} s; `check --deploy` with the production "
            f"environment: {deploy.stdout.strip().splitlines()[-1]}")
        return self.fixtures("setup")

    def supervise(self) -> list[str]:
        """What a supervisor (compose's `restart: unless-stopped`, systemd) does: start again a worker or
        beat that exited. Returns what had to be restarted, for the report."""
        restarted = []
        for name in ("worker", "beat"):
            proc = self.procs.get(name)
            if proc is not None and proc.poll() is not None:
                restarted.append(f"{name} (exit {proc.returncode})")
                self.procs.pop(name)
                self._spawn(name, proc.args)
        return restarted

    def start(self) -> None:
        for i, port in enumerate(self.web_ports, 1):
            env = {**self.env, "PORT": str(port), "BIND_ADDRESS": "127.0.0.1", "GUNICORN_WORKERS": "2",
                   "GUNICORN_THREADS": "4", "PROMETHEUS_MULTIPROC_DIR": str(self.run_dir / f"prometheus-web{i}"),
                   "SKIP_MIGRATE": "1"}
            self._spawn(f"web{i}", [str(self.bin / "gunicorn"), "intranet.wsgi:application",
                                    "--config", "docker/gunicorn.conf.py"], env)
        self._spawn("worker", [str(self.bin / "celery"), "-A", "intranet", "worker", "--loglevel", "INFO",
                               "--concurrency", "2", "--without-gossip", "--without-mingle",
                               "--hostname", f"prodcheck-{os.getpid()}@%h"])
        self.beat_started_at = time.time()
        self._spawn("beat", [str(self.bin / "celery"), "-A", "intranet", "beat", "--loglevel", "INFO",
                             "--scheduler", "intranet.beat:DefaultsKeepingScheduler", "--pidfile=",
                             "--schedule", str(self.run_dir / "beat-schedule")])

    def assert_alive(self) -> None:
        dead = [f"{n} (exit {p.returncode})" for n, p in self.procs.items() if p.poll() is not None]
        expect(not dead, f"processes exited: {', '.join(dead)}; see their logs in {self.run_dir}")

    def stop(self) -> None:
        for name in ["beat", "worker", "web1", "web2", "redis"]:
            self._stop(name)
        for name in list(self.procs):
            self._stop(name)
        if not self.keep:
            try:
                import psycopg

                with psycopg.connect(self.maintenance_url, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{self.database_name}" WITH (FORCE)')
            except Exception as exc:  # noqa: BLE001 - leave it; the next run drops it
                print(f"  (could not drop {self.database_name}: {exc})")


class ComposeStack:
    """docker/compose.yml plus docker/compose.check.yml (a second web replica, short beat schedule,
    metrics token), driven with `docker compose`. Used by scripts/docker-check.sh."""

    def __init__(self, run_dir: Path, env_file: Path, project: str, keep: bool = False):
        self.run_dir, self.env_file, self.project, self.keep = run_dir, env_file, project, keep
        values = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line)
        self.metrics_token = values["METRICS_TOKEN"]
        self.web_ports = [int(values["WEB_PORT"]), int(values["WEB2_PORT"])]
        self.beat_started_at = 0.0

    @property
    def web(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.web_ports]

    def compose(self, *args: str, timeout: float = 900, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run(["docker", "compose", "-p", self.project, "-f", "docker/compose.yml",
                               "-f", "docker/compose.check.yml", "--env-file", str(self.env_file), *args],
                              cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        if check:
            expect(done.returncode == 0, f"docker compose {' '.join(args)}: {done.stdout[-1500:]}{done.stderr[-3000:]}")
        return done

    def log(self, name: str) -> str:
        service = {"web1": "web"}.get(name, name)
        return self.compose("logs", "--no-color", "--no-log-prefix", service, check=False).stdout

    def fixtures(self, *args: str) -> dict:
        done = self.compose("exec", "-T", "web", "python", "scripts/prod_check_fixtures.py", *args)
        return json.loads(done.stdout.strip().splitlines()[-1])

    def redis_stop(self) -> None:
        self.compose("stop", "redis")

    def redis_start(self) -> None:
        self.compose("start", "redis")

    def prepare(self, say) -> dict:
        t0 = time.monotonic()
        self.compose("build")
        say(f"image built in {time.monotonic() - t0:.0f} s")
        self.compose("up", "-d", "--wait", "postgres", "redis", "openldap")
        self.compose("run", "--rm", "--no-deps", "web", "python", "manage.py", "migrate", "--noinput", "-v0")
        self.compose("run", "--rm", "--no-deps", "web", "python", "manage.py", "seed_demo", "--staff", "200")
        deploy = self.compose("run", "--rm", "--no-deps", "web", "python", "manage.py", "check", "--deploy",
                              "--fail-level", "WARNING")
        say(f"release steps in {time.monotonic() - t0:.0f} s; `check --deploy`: {deploy.stdout.strip().splitlines()[-1]}")
        self.beat_started_at = time.time()
        self.compose("up", "-d", "web", "web2", "worker", "beat")
        return self.fixtures("setup")

    def assert_alive(self) -> None:
        pass

    def supervise(self) -> list[str]:
        return []  # compose's restart policy does it

    def stop(self) -> None:
        if not self.keep:
            self.compose("down", "-v", "--remove-orphans", check=False, timeout=300)


# --- the checks ----------------------------------------------------------------------------------------


def json_lines(text: str):
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                yield json.loads(line)
            except ValueError:
                continue


def metric_values(text: str, name: str) -> list[tuple[str, float]]:
    out = []
    for line in text.splitlines():
        if line.startswith(name):
            labels, _, value = line.rpartition(" ")
            out.append((labels, float(value)))
    return out


class Check:
    def __init__(self, stack):
        self.stack = stack
        self.lines: list[str] = []
        self.t0 = time.monotonic()

    def say(self, text: str) -> None:
        line = f"[{time.monotonic() - self.t0:5.1f}s] {text}"
        self.lines.append(line)
        print(line, flush=True)

    def metrics(self, base: str) -> str:
        r = requests.get(base + "/metrics", headers={"Host": HOST, "Authorization": f"Bearer {self.stack.metrics_token}"},
                         timeout=10)
        expect(r.status_code == 200, f"/metrics on {base}: {r.status_code}")
        return r.text

    def healthz(self, base: str) -> requests.Response:
        return requests.get(base + "/healthz", headers={"Host": HOST}, timeout=10)

    def run(self, fixtures: dict) -> None:
        stack, web = self.stack, self.stack.web
        wait_for("both replicas healthy", lambda: all(self.healthz(b).status_code == 200 for b in web), 90, 0.5)
        stack.assert_alive()
        self.say(f"/healthz 200 on both replicas ({', '.join(web)})")

        # Metrics: closed without the token, open with it.
        anonymous = requests.get(web[0] + "/metrics", headers={"Host": HOST}, timeout=10)
        expect(anonymous.status_code == 403, f"/metrics without a token: {anonymous.status_code}")
        self.metrics(web[1])
        self.say("/metrics refuses a caller without the token (403) and answers the scraper")

        self.request_across_replicas(fixtures)
        self.task_on_worker(fixtures, "page queues a task")
        self.beat_fires()
        self.booking_rush(fixtures)
        self.static_files()
        self.served_per_process()  # before the outage: the throwaway Redis keeps no data across a restart
        self.broker_outage(fixtures)
        stack.assert_alive()

    def request_across_replicas(self, fx) -> None:
        a, b = self.stack.web
        employee = Browser(fx["employee"])
        employee.sign_in(a, fx["employee"])
        # Sessions are shared: the session made on replica 1 is good on replica 2.
        home = employee.get(b, "/")
        expect(home.status_code == 200, f"replica 2 with replica 1's session: {home.status_code}")
        day = time.localtime(time.time() + 60 * 86400)
        start = time.strftime("%Y-%m-%d", day)
        while time.strptime(start, "%Y-%m-%d").tm_wday >= 5:
            start = time.strftime("%Y-%m-%d", time.localtime(time.mktime(time.strptime(start, "%Y-%m-%d")) + 86400))
        employee.get(a, "/self-service/new/annual-leave/")
        sent = employee.post(a, "/self-service/new/annual-leave/", data={
            "start_date": start, "end_date": start, "note": "production check", "submit": "Submit"})
        where = sent.headers.get("Location", "")
        match = re.search(r"/self-service/requests/(\d+)/", where)
        expect(sent.status_code == 302 and match, f"submit annual leave: {sent.status_code} "
                                                  f"{re.findall(r'govuk-error-message[^>]*>([^<]+)', sent.text)[:3]}")
        pk = int(match.group(1))
        approver = Browser(fx["approver"])
        approver.sign_in(b, fx["approver"])
        decided = approver.post(b, f"/self-service/requests/{pk}/action/approve/", data={"comment": "Enjoy it."})
        expect(decided.status_code == 302, f"approve on replica 2: {decided.status_code}")
        status = employee.get(a, f"/api/self-service/requests/{pk}/")
        expect(status.status_code == 200, f"read the request back: {status.status_code}")
        expect(status.json().get("status") == "approved", f"request after approval: {status.json().get('status')}")
        self.say(f"signed in as {fx['employee']} on replica 1, submitted request {pk} there; {fx['approver']} "
                 f"approved it on replica 2; replica 1 reads it as approved (shared sessions and database)")

    def task_on_worker(self, fx, label: str) -> None:
        a, b = self.stack.web
        hr = Browser(fx["hr"])
        hr.sign_in(a, fx["hr"])
        request_id = uuid.uuid4().hex
        sent_at = time.time()
        queued = hr.post(b, "/training/auto-assignment/", data={"action": "run"}, headers={"X-Request-ID": request_id})
        expect(queued.status_code == 302, f"queue automatic assignment: {queued.status_code}")
        expect(queued.headers.get("X-Request-ID") == request_id, "the response does not carry our request id")

        def ran():
            for rec in json_lines(self.stack.log("worker")):
                message = str(rec.get("message", ""))
                if rec.get("request_id") == request_id and "training.tasks.auto_assignment" in message \
                        and "succeeded" in message:
                    return rec
            return None

        rec = wait_for("the worker running the queued task", ran, 45, 0.5)
        web_logs = self.stack.log("web1") + self.stack.log("web2")
        expect(not any("training.tasks.auto_assignment" in str(r.get("message", "")) and "succeeded" in str(r.get("message"))
                       for r in json_lines(web_logs)), "the task ran inside a web process (eagerly)")
        # The request's own log line on replica 2 carries the same id.
        expect(any(r.get("request_id") == request_id and r.get("logger") == "intranet.request"
                   for r in json_lines(self.stack.log("web2"))), "replica 2 logged no request line with the id")
        self.say(f"{label}: POST /training/auto-assignment/ on replica 2 (request id {request_id[:8]}…) ran on the "
                 f"worker (pid {rec.get('pid')}), logged under the same request id, "
                 f"{time.time() - sent_at:.1f} s after the page")

    def beat_fires(self) -> None:
        def log_time(rec) -> float:
            stamp, _, millis = rec["time"].partition(",")
            return time.mktime(time.strptime(stamp, "%Y-%m-%d %H:%M:%S")) + int(millis or 0) / 1000

        def sends():
            records = list(json_lines(self.stack.log("beat")))
            started = [log_time(r) for r in records if str(r.get("message", "")).startswith("beat: Starting")]
            fired = [log_time(r) for r in records if "Sending due task intranet-beat-heartbeat" in str(r.get("message"))]
            return (started[0], fired) if started and len(fired) >= 3 else None

        started, fired = wait_for("beat sending the heartbeat three times", sends, BEAT_SECONDS * 4 + 30, 0.5)
        gaps = [b - a for a, b in zip(fired, fired[1:], strict=False)]
        expect(fired[0] - started <= BEAT_SECONDS + 2, f"first heartbeat {fired[0] - started:.1f} s after beat started")
        expect(max(gaps) <= BEAT_SECONDS + 2, f"heartbeats {max(gaps):.1f} s apart on a {BEAT_SECONDS} s schedule")

        # The worker ran them, and both replicas read its record from the shared cache.
        def ran():
            values = [metric_values(self.metrics(b), "intranet_beat_heartbeat_timestamp_seconds") for b in self.stack.web]
            return values if all(v and v[0][1] >= fired[0] for v in values) else None

        wait_for("the worker running a heartbeat", ran, BEAT_SECONDS * 2 + 10, 0.5)
        self.say(f"beat (schedule every {BEAT_SECONDS} s): first fired {fired[0] - started:.1f} s after beat started, "
                 f"then every {min(gaps):.1f}-{max(gaps):.1f} s ({len(fired)} so far); the worker ran them and both "
                 f"replicas read the latest from the shared cache")

    def booking_rush(self, fx) -> None:
        web, tokens = self.stack.web, fx["tokens"]
        expect(len(tokens) == LEARNERS, f"{len(tokens)} learners, wanted {LEARNERS}")
        gate = threading.Barrier(len(tokens))

        def book(i: int):
            base = web[i % 2]
            gate.wait(timeout=30)
            r = Browser(f"learner{i}").post(base, "/api/training/bookings/", json_body={"session": fx["session"]},
                                            token=tokens[i])
            return base, r.status_code, (r.json().get("status") if r.status_code == 201 else r.text[:200])

        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(len(tokens)) as pool:
            results = list(pool.map(book, range(len(tokens))))
        took = time.monotonic() - started
        bad = [r for r in results if r[1] != 201]
        expect(not bad, f"bookings refused: {bad[:3]}")
        answered = {s: sum(1 for r in results if r[2] == s) for s in {r[2] for r in results}}
        stored = self.stack.fixtures("bookings", str(fx["session"]))
        per_replica = {b: sum(1 for r in results if r[0] == b) for b in web}
        expect(answered.get("confirmed") == fx["places"] and answered.get("waitlisted") == LEARNERS - fx["places"],
               f"answers: {answered}")
        expect(stored["by_status"] == answered and stored["people"] == LEARNERS, f"database holds {stored}, answered {answered}")
        self.say(f"booking rush: {LEARNERS} concurrent bookings for {fx['places']} places "
                 f"({' + '.join(str(n) for n in per_replica.values())} over the two replicas) in {took:.1f} s: "
                 f"{answered['confirmed']} booked, {answered['waitlisted']} wait-listed; the database holds the same "
                 f"{sum(stored['by_status'].values())} bookings for {stored['people']} people, none lost")

    def static_files(self) -> None:
        page = Browser("anon").get(self.stack.web[0], "/sign-in/")
        assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page.text)
        expect(assets, "the sign-in page links no static files")
        for base in self.stack.web:
            r = requests.get(base + assets[0], headers={"Host": HOST, "X-Forwarded-Proto": "https",
                                                        "Accept-Encoding": "gzip"}, timeout=10)
            expect(r.status_code == 200 and r.headers.get("Content-Encoding") == "gzip",
                   f"{assets[0]} on {base}: {r.status_code} {r.headers.get('Content-Encoding')}")
        self.say(f"static files: {assets[0]} served by WhiteNoise from the collectstatic output on both replicas "
                 f"(gzip, {len(assets)} assets linked)")

    def broker_outage(self, fx) -> None:
        web = self.stack.web
        self.stack.redis_stop()
        down = [self.healthz(b) for b in web]
        expect(all(r.status_code == 503 for r in down), f"/healthz with Redis stopped: {[r.status_code for r in down]}")
        body = down[0].json()
        expect(body["checks"].get("broker") == "unreachable", f"503 body: {body}")
        self.say(f"Redis stopped: /healthz 503 on both, naming the broker ({json.dumps(body['checks'])})")
        back = time.monotonic()
        self.stack.redis_start()
        wait_for("/healthz 200 after Redis returns", lambda: all(self.healthz(b).status_code == 200 for b in web), 30, 0.25)
        self.say(f"Redis back: /healthz 200 on both after {time.monotonic() - back:.1f} s")
        time.sleep(2)  # give a process that will not survive the outage the time to exit
        restarted = self.stack.supervise()
        if restarted:
            # kombu 5.7's Redis transport can crash the worker ("Unrecoverable error") while closing the
            # lost connection; a supervisor restarts it, as compose's restart policy does.
            self.say(f"WARNING: exited when the broker went away and restarted as a supervisor would: "
                     f"{', '.join(restarted)}")
        self.task_on_worker(fx, "after the outage the worker reconnected")

    def served_per_process(self) -> None:
        figures = []
        for i, base in enumerate(self.stack.web, 1):
            logged = sum(1 for r in json_lines(self.stack.log(f"web{i}")) if r.get("logger") == "intranet.request")
            counted = sum(v for _, v in metric_values(self.metrics(base), "django_http_requests_total_by_method_total"))
            figures.append(f"replica {i}: {logged} requests logged, {int(counted)} counted by /metrics")
        tasks = metric_values(self.metrics(self.stack.web[0]), "intranet_celery_tasks_total")
        done = {re.search(r'task="([^"]+)"', labels).group(1): int(v) for labels, v in tasks if 'state="success"' in labels}
        expect(done.get("training.tasks.auto_assignment", 0) >= 1 and done.get("intranet.beat_heartbeat", 0) >= 2,
               f"task counts on /metrics: {done}")
        self.say("requests served: " + "; ".join(figures) + f"; tasks the worker ran (/metrics): {sum(done.values())} "
                 f"({', '.join(f'{k} {v}' for k, v in sorted(done.items()))})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run-dir", type=Path, help="logs and pids (default: a new temporary directory)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the run directory")
    parser.add_argument("--compose", type=Path, metavar="ENV_FILE", help="check docker compose instead")
    parser.add_argument("--project", default="intranet-prodcheck")
    args = parser.parse_args()
    own_dir = args.run_dir is None  # a --run-dir belongs to the caller, who reads or removes it
    run_dir = args.run_dir or Path(tempfile.mkdtemp(prefix="intranet-prodcheck-"))
    run_dir.mkdir(parents=True, exist_ok=True)
    if args.compose:
        stack = ComposeStack(run_dir, args.compose, args.project, keep=args.keep)
    else:
        database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/intranet")
        stack = LocalStack(run_dir, database_url, keep=args.keep)

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    check = Check(stack)
    print(f"prod-check: production settings, 2 web replicas, 1 worker, 1 beat; logs in {run_dir}", flush=True)
    ok = False
    try:
        fixtures = stack.prepare(check.say)
        check.run(fixtures)
        ok = True
    except CheckFailed as exc:
        print(f"prod-check FAILED: {exc}", flush=True)
    except KeyboardInterrupt:
        print("prod-check interrupted", flush=True)
    finally:
        stack.stop()
        if ok and own_dir and not args.keep:
            shutil.rmtree(run_dir, ignore_errors=True)
    print(f"prod-check {'passed' if ok else f'failed (logs in {run_dir})'} in {time.monotonic() - check.t0:.1f} s",
          flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
