"""Demo: a year of monthly figures, so a director's trend charts show how the council got here
rather than one point. Runs after every other app has seeded (their data already spans the year:
sign-ins, requests, completions).

Each of the last twelve months is snapshotted from that data as the monthly job would have done
at the time (`snapshot_take`), so active users, digital take-up and skills analysis are that
month's figures. A recorded figure (the average skills gap) can only be computed as it stands today, so
for the months before last it is written as today's value, a little larger the further back
(a gap closing as staff train), deterministic from the rng."""

from django.utils import timezone

from people.demo_history import month_starts
from people.models import OrgUnit

from . import services
from .figures import FIGURES, TREND_FIGURES
from .models import FigureSnapshot
from .prepared import figures_changed, prepared_refresh

HISTORY_KINDS = [OrgUnit.Kind.COUNCIL, OrgUnit.Kind.PORTFOLIO, OrgUnit.Kind.DEPARTMENT]


def seed_reporting(*, rng, staff_count: int, stdout) -> None:
    months = month_starts(timezone.localdate())
    # This month in full, as the nightly job records it; the year before it only what the trend
    # charts read, for the council, portfolios and departments (directors' views): a tenth of the
    # work, so the demo still seeds in seconds.
    n = services.snapshot_take(month=months[-1])
    recorded = [f.key for f in FIGURES if f.recorded]
    live = [key for key in TREND_FIGURES if key not in recorded]
    n += sum(services.snapshot_take(month=m, figures=live, kinds=HISTORY_KINDS) for m in months[:-1])
    now = {(s.unit_id, s.figure): s for s in FigureSnapshot.objects.filter(month=months[-1], figure__in=recorded)
           .exclude(value__isnull=True)}
    have = set(FigureSnapshot.objects.filter(figure__in=recorded).values_list("month", "unit_code", "figure"))
    earlier = []
    for back, month in enumerate(reversed(months)):
        for (_, figure), current in sorted(now.items(), key=lambda kv: (kv[1].unit_code, kv[0][1])):
            if (month, current.unit_code, figure) in have:
                continue
            value = current.value * (1 + 0.045 * back) * (1 + rng.uniform(-0.02, 0.02))
            earlier.append(FigureSnapshot(month=month, unit_id=current.unit_id, unit_code=current.unit_code,
                                          unit_name=current.unit_name, figure=figure, value=round(value, 2)))
    FigureSnapshot.objects.bulk_create(earlier, batch_size=2000)
    figures_changed()
    stdout.write(f"  reporting: recorded {n + len(earlier):,} figures over {len(months)} months\n")
    # What beat does every REPORTING_PREPARED_REFRESH_MINUTES, done once now, so the demo's first
    # dashboard reads prepared figures as a running council's does.
    stdout.write(f"  reporting: prepared {prepared_refresh():,} figures for the dashboard\n")
