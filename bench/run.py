"""`make bench`: runs every bench/bench_*.py module's `run()` and prints its figures.

Each module defines `run() -> list[tuple[str, str]]` (figure name, formatted value). Every module
runs in its own process against its own throwaway database (test_<name> on the configured
PostgreSQL), so one benchmark's data never skews another's and peak-memory figures are the
module's own. Benchmarks print figures; they do not pass or fail on timings.

    .venv/bin/python bench/run.py              # all of them
    .venv/bin/python bench/run.py people ldap  # those whose name contains a word given
"""

import importlib
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.test")


def run_one(name: str) -> int:
    """In a child process: set up a database, run one module, print its figures."""
    import logging
    import warnings

    import django

    # whitenoise looks for collectstatic output; benchmarks serve no static files
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

    django.setup()
    logging.disable(logging.INFO)  # task and request logs would bury the figures
    from django.test.utils import setup_test_environment

    from bench._db import bench_database

    setup_test_environment()
    with bench_database():
        started = time.perf_counter()
        try:
            figures = importlib.import_module(f"bench.{name}").run()
        except Exception as exc:  # noqa: BLE001 - report it; the parent goes on to the next one
            print(f"   FAILED: {type(exc).__name__}: {exc}", flush=True)
            return 1
        for label, value in figures:
            print(f"   {label:<60} {value}", flush=True)
        print(f"   {'(benchmark wall time)':<60} {time.perf_counter() - started:.1f} s", flush=True)
    return 0


def main(selected: list[str]) -> int:
    modules = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if any(s in m for s in selected)]
    failures = 0
    for name in modules:
        print(f"\n== {name}", flush=True)
        result = subprocess.run([sys.executable, __file__, "--one", name], cwd=ROOT)
        failures += result.returncode != 0
    print(f"\n{len(modules) - failures} benchmarks ran, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        sys.exit(run_one(sys.argv[2]))
    sys.exit(main(sys.argv[1:]))
