"""Demo: record this month's figures after every other app has seeded, so the dashboard's recorded
figures (average skills gap) and the trend have something to show straight away."""

from django.utils import timezone

from . import services


def seed_reporting(*, rng, staff_count: int, stdout) -> None:
    n = services.snapshot_take(month=timezone.localdate().replace(day=1))
    stdout.write(f"reporting: recorded {n} figures for this month")
