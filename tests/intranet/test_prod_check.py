"""Issue 13: `make prod-check` in `make test`. The production processes (two gunicorn replicas, a
Celery worker, beat) start on this machine against PostgreSQL and a throwaway Redis, the scripted
check runs over HTTP through both replicas, and everything it started is stopped."""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _pids_alive(run_dir: Path) -> list[int]:
    alive = []
    for pid in (run_dir / "pids").read_text().split() if (run_dir / "pids").exists() else []:
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            continue
        alive.append(int(pid))
    return alive


def test_prod_check_passes_and_prints_its_figures(tmp_path):
    run_dir = tmp_path / "run"
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "scripts/prod_check.py", "--run-dir", str(run_dir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=420,  # about 70 s on an idle machine; the whole suite in parallel slows it
    )
    out = result.stdout
    try:
        assert result.returncode == 0, out[-4000:] + result.stderr[-4000:]
        assert "prod-check passed" in out
        assert re.search(r"/healthz 200 on both replicas", out)
        assert re.search(r"Redis stopped: /healthz 503 on both, naming the broker", out)
        assert re.search(r"approved it on replica 2", out)
        assert re.search(r"ran on the worker \(pid \d+\), logged under the same request id", out)
        assert re.search(r"beat \(schedule every 5 s\): first fired [\d.]+ s after beat started", out)
        assert re.search(r"30 concurrent bookings for 10 places \(15 \+ 15 over the two replicas\).*"
                         r"10 booked, 20 wait-listed", out)
        assert re.search(r"replica 1: \d+ requests logged.*replica 2: \d+ requests logged", out)
        assert "served by WhiteNoise" in out and "System check identified no issues" in out
    finally:
        # It stops everything it started, pass or fail (and drops its database).
        assert (run_dir / "pids").exists() and _pids_alive(run_dir) == []

