"""`make loadtest`: the production-style server on a seeded 20,000-staff council, loaded with locust.

Starts what `make prod-check` starts (scripts/prod_check.py's LocalStack: the production settings,
two gunicorn replicas, a Celery worker and beat, PostgreSQL in a database of its own, a throwaway
redis-server), all on 127.0.0.1; seeds `seed_demo --staff LOADTEST_STAFF`; prepares, per role of
bench/loadtest_plan.MIXED, a pool of distinct people of the council with a session signed in
already (bench/loadtest_accounts: made in the session store, no password hashed); then runs locust
headless, phase after phase, each bounded by LOADTEST_DURATION:
  1. the reporting pages computed on every request (before the prepared figures exist);
  2. the prepared figures worked out once (what beat does every 15 minutes), timed;
  3. each page of bench/loadtest_plan.PAGES alone, /healthz among them as the ceiling, with no
     pause between requests: what the box can serve of that page;
  3b. the pages of loadtest_plan.BUSY_PAGES at their busiest: every user on that page at once,
     each pausing 1-3 s between clicks as people do (LOADTEST_BUSY=0 skips it);
  4. "sign in: staff arriving": LOADTEST_ARRIVAL_RATE people a second (2) up to the user count,
     each signing in once through the form with the demo password, measured on its own;
  5. the mixed workload of the roles, with 1-3 s between clicks, every user a person of its role
     with that person's session (so its figures are the working day, not a sign-in storm).
In production staff sign in with their directory password (the bind is the directory's work), so
the local PBKDF2 check of phase 4 (0.25 s of CPU a sign-in) is the demo and break-glass path.
For each it prints requests/s, p50/p95/p99 and errors, then stops everything it started and drops
the database (LOADTEST_KEEP_DB=1 keeps it; LOADTEST_DATABASE=<name> with LOADTEST_REUSE_DB=1
reuses a seeded one and skips seeding). Figures, not pass/fail.

Environment: LOADTEST_USERS (10, or a list "10,50"), LOADTEST_DURATION (seconds per phase, 20;
LOADTEST_MIXED_DURATION for the mixed phase, 60), LOADTEST_STAFF (20000), LOADTEST_PAGES (names,
comma-separated, to run only some), LOADTEST_ARRIVAL (1: run the arrival phase),
LOADTEST_ARRIVAL_RATE (sign-ins a second, 2), LOADTEST_MIXED (1: run the mixed phase),
LOADTEST_BEFORE (1: measure reporting before the prepared figures), LOADTEST_BUSY (1: run 3b).
"""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import loadtest_plan as plan  # noqa: E402
from prod_check import CheckFailed, LocalStack, expect, wait_for  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# {cookie, accounts: {role: [username]}, sessions: {role: [session key]}}: up to {n} people a role.
ACCOUNTS = "from bench import loadtest_accounts; loadtest_accounts.main({n})"
FORGET_SESSIONS = "from bench import loadtest_accounts; print(loadtest_accounts.forget({keys}))"
REFRESH = "from reporting.services import prepared_refresh; print(prepared_refresh())"
FORGET = "from reporting.models import PreparedFigure; print(PreparedFigure.objects.all().delete()[0])"


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        sys.exit(f"{name} must be a whole number")


def arrivals(accounts: dict[str, list[str]], users: int) -> list[str]:
    """Who signs in when `users` people arrive: each role's share of them (loadtest_plan.share),
    its pooled people in turn."""
    names = []
    for role, count in plan.share(users).items():
        pool = accounts.get(role) or []
        names += [pool[i % len(pool)] for i in range(count)] if pool else []
    return names


def describe(prepared: dict, users: int) -> str:
    """One line on the pools: how many distinct people a role has for the users that need them."""
    parts, reused = [], []
    share = plan.share(users)
    for role, names in prepared["accounts"].items():
        parts.append(f"{role} {len(names)} ({names[0] if names else 'nobody'}, ...)")
        if len(names) < users:
            reused.append(f"{role} ({len(names)} people for {share.get(role, 0)} mixed users and {users} "
                          f"users of its pages alone)")
    note = f"; taken in turn where fewer than the users: {', '.join(reused)}" if reused else ""
    return f"signed-in sessions, cookie {prepared['cookie']}: {', '.join(parts)}{note}"


class LoadTest:
    def __init__(self, stack: LocalStack, prepared: dict, run_dir: Path):
        self.stack, self.prepared, self.run_dir = stack, prepared, run_dir
        self.duration = env_int("LOADTEST_DURATION", 20)
        self.rows: list[tuple] = []

    def locust(self, phase: str, users: int, label: str, duration: int | None = None,
               rate: float | None = None) -> None:
        duration = duration or self.duration
        prefix = self.run_dir / f"locust-{len(self.rows)}-{users}"
        env = {**os.environ, "LOADTEST_PHASE": phase, "LOADTEST_REPLICAS": ",".join(self.stack.web),
               "LOADTEST_SESSION_COOKIE": self.prepared["cookie"],
               "LOADTEST_SESSIONS": json.dumps({} if phase == "arrival" else self.prepared["sessions"]),
               "LOADTEST_ARRIVALS": json.dumps(arrivals(self.prepared["accounts"], users))}
        argv = [str(Path(sys.executable).parent / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"),
                "--headless", "-u", str(users), "-r", str(rate or max(1, users // 2)), "-t", f"{duration}s",
                "--stop-timeout", "5", "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR",
                "--host", self.stack.web[0]]
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True,
                              timeout=duration + 120)
        stats = prefix.with_name(prefix.name + "_stats.csv")
        expect(stats.exists(), f"locust {phase}: no figures ({done.stderr[-1500:]})")
        with stats.open() as f:
            for row in csv.DictReader(f):
                self.add(label, users, row)

    def add(self, label: str, users: int, row: dict) -> None:
        name = row["Name"]
        if not label.startswith("mixed") and name == "Aggregated":
            return  # one page alone: its own row
        self.rows.append((label, users, name, int(row["Request Count"]), int(row["Failure Count"]),
                          float(row["Requests/s"]), row["50%"], row["95%"], row["99%"]))
        print(f"  {label[:34]:<34} {users:>4} {name[:40]:<40} {float(row['Requests/s']):>7.1f} "
              f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7} {row['Failure Count']:>5}/{row['Request Count']}",
              flush=True)

    @staticmethod
    def header() -> None:
        print(f"  {'phase':<34} {'users':>4} {'request':<40} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'errors':>11}", flush=True)


def main() -> int:
    run_dir = Path(os.environ.get("LOADTEST_RUN_DIR") or tempfile.mkdtemp(prefix="intranet-loadtest-"))
    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/intranet")
    os.environ.setdefault("PROD_CHECK_DATABASE", os.environ.get("LOADTEST_DATABASE", f"intranet_loadtest_{os.getpid()}"))
    keep = os.environ.get("LOADTEST_KEEP_DB") == "1"
    reuse = os.environ.get("LOADTEST_REUSE_DB") == "1"
    staff = env_int("LOADTEST_STAFF", 20000)
    user_counts = [int(u) for u in os.environ.get("LOADTEST_USERS", "10").split(",") if u.strip()]
    only = {p.strip() for p in os.environ.get("LOADTEST_PAGES", "").split(",") if p.strip()}
    stack = LocalStack(run_dir, database_url, keep=keep or reuse)
    stack.env["DJANGO_LOG_LEVEL"] = "WARNING"
    stack.env["LOG_LEVEL"] = "WARNING"  # one log line per request would cost the server time we measure
    t0 = time.monotonic()
    prepared = None
    try:
        import psycopg

        with psycopg.connect(stack.maintenance_url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [stack.database_name]).fetchone()
            if not (reuse and exists):
                conn.execute(f'DROP DATABASE IF EXISTS "{stack.database_name}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{stack.database_name}"')
        stack.redis_start()
        stack._parallel(["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"])
        if not (reuse and exists):
            seeded = stack.manage("seed_demo", "--staff", str(staff), timeout=3600)
            expect(seeded.returncode == 0, f"seed_demo: {seeded.stderr[-2000:]}")
        print(f"database {stack.database_name} ready ({staff:,} staff) in {time.monotonic() - t0:.0f} s",
              flush=True)
        accounts = stack.manage("shell", "-c", ACCOUNTS.format(n=max(user_counts)))
        expect(accounts.returncode == 0, f"accounts: {accounts.stderr[-2000:]}")
        prepared = json.loads(accounts.stdout.strip().splitlines()[-1])
        expect(all(prepared["sessions"].get(role) for role, _, _ in plan.MIXED),
               f"a role of the mixed workload has nobody in the council: {prepared['accounts']}")
        print(describe(prepared, max(user_counts)), flush=True)
        stack.manage("shell", "-c", FORGET)
        stack.start()
        wait_for("both replicas healthy", lambda: all(
            __import__("requests").get(b + "/healthz", headers={"Host": "localhost"}, timeout=10).status_code == 200
            for b in stack.web), 120, 0.5)
        print(f"2 gunicorn replicas ({', '.join(stack.web)}), worker and beat up; load average "
              f"{os.getloadavg()[0]:.1f}; {os.cpu_count()} cores; {duration_note()}", flush=True)
        lt = LoadTest(stack, prepared, run_dir)
        lt.header()
        pages = [n for n, _, _ in plan.PAGES if not only or n in only]
        if os.environ.get("LOADTEST_BEFORE", "1") == "1":
            for users in user_counts:
                for name in plan.REPORTING_PAGES:
                    if name in pages:
                        lt.locust(f"page:{name}", users, "before: computed per request")
        t = time.monotonic()
        refreshed = stack.manage("shell", "-c", REFRESH, timeout=1800)
        expect(refreshed.returncode == 0, f"prepared_refresh: {refreshed.stderr[-2000:]}")
        print(f"  prepared figures worked out in {time.monotonic() - t:.1f} s "
              f"({refreshed.stdout.strip().splitlines()[-1]} rows)", flush=True)
        for users in user_counts:
            for name in pages:
                lt.locust(f"page:{name}", users, "alone, no think time")
        if os.environ.get("LOADTEST_BUSY", "1") == "1":
            for users in user_counts:
                for name in plan.BUSY_PAGES:
                    if name in pages:
                        lt.locust(f"busy:{name}", users, "all on one page, 1-3 s think time")
        rate = env_float("LOADTEST_ARRIVAL_RATE", plan.ARRIVAL_RATE)
        for users in user_counts:
            if os.environ.get("LOADTEST_ARRIVAL", "1") == "1":  # the last arrives users/rate s in
                lt.locust("arrival", users, f"sign in: staff arriving, {rate:g}/s",
                          math.ceil(users / rate) + 10, rate=rate)
            if os.environ.get("LOADTEST_MIXED", "1") == "1":
                lt.locust("mixed", users, "mixed roles, 1-3 s think time", env_int("LOADTEST_MIXED_DURATION", 60))
        stack.assert_alive()
        print(f"load test done in {time.monotonic() - t0:.0f} s; load average now {os.getloadavg()[0]:.1f}")
        return 0
    except (CheckFailed, subprocess.TimeoutExpired) as exc:
        print(f"FAILED: {exc}; logs in {run_dir}", file=sys.stderr)
        return 1
    finally:
        if prepared and (keep or reuse):
            keys = [k for ks in prepared["sessions"].values() for k in ks]
            stack.manage("shell", "-c", FORGET_SESSIONS.format(keys=json.dumps(keys)))
        stack.stop()


def env_float(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        value = 0
    if value <= 0:
        sys.exit(f"{name} must be a number above 0")
    return value


def duration_note() -> str:
    return (f"{env_int('LOADTEST_DURATION', 20)} s per page phase, {env_int('LOADTEST_MIXED_DURATION', 60)} s "
            f"for the mixed one (every user with a session of its own, signed in beforehand)")


if __name__ == "__main__":
    sys.exit(main())
