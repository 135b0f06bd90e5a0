"""`make bench`: runs every bench/bench_*.py module's `run()` and prints its figures.

Each module defines `run() -> list[tuple[str, str]]` (figure name, formatted value) and sets up what
it needs (its own database via Django's test database machinery). Benchmarks print figures; they do
not pass or fail on timings.
"""

import importlib
import os
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "intranet.settings.test")


def main(selected: list[str]) -> int:
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    from bench._db import bench_database

    setup_test_environment()
    modules = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    if selected:
        modules = [m for m in modules if any(s in m for s in selected)]
    failures = 0
    with bench_database():
        for name in modules:
            print(f"\n== {name}", flush=True)
            started = time.perf_counter()
            try:
                figures = importlib.import_module(f"bench.{name}").run()
            except Exception as exc:  # noqa: BLE001 - report and go on to the next benchmark
                failures += 1
                print(f"   FAILED: {type(exc).__name__}: {exc}")
                continue
            for label, value in figures:
                print(f"   {label:<60} {value}")
            print(f"   {'(benchmark wall time)':<60} {time.perf_counter() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
