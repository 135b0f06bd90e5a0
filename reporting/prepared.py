"""Prepared figures: what the dashboard, its CSV and the metrics API read, so a director's page is
a fixed handful of indexed reads whatever the council's size.

`prepared_refresh` works out every figure (except the recorded ones) for every active unit over
each period the dashboard offers, with the very same `figures.compute_figures` the pages used to
call, and replaces that period's rows in one transaction (readers see the old rows or the new,
never a mix). Beat runs it every PREPARED_REFRESH_MINUTES; the snapshot jobs run it after they
record; HR can ask for it from the dashboard. Figures are therefore at most that many minutes
old (plus the refresh's own run time), and the page says when they were worked out.

`prepared_figures` reads them back. Recorded figures (the skills gap) are not prepared: they are
read from the monthly snapshots as before (one query), so they never lag the snapshot. When the
rows for a period or a unit are missing (a new day's "this month" before its first refresh, a unit
created since, a fresh install), the page computes directly: slower, never wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from people.models import OrgUnit

from .figures import FIGURES, FIGURES_BY_KEY, FigureResult, compute_figures
from .models import PreparedFigure
from .periods import CHOICES, Period, period_for

log = logging.getLogger(__name__)

LOCK_KEY = "reporting:prepared-refresh"
LOCK_SECONDS = 30 * 60  # longer than any refresh; released as soon as it ends
VERSION_KEY = "reporting:figures-version"


def figures_version() -> str:
    """A token that changes whenever what the prepared figures say may have changed: each refresh
    and each recorded snapshot ends by replacing it. Pages rendered from the prepared figures are
    cached under it (kept_rendering), so a refresh is seen on the next request. With the
    cache emptied a new token is made, which only means the pages are rendered afresh once."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version or ""


KEPT_SECONDS = 24 * 60 * 60  # a new version replaces them long before; this only bounds the memory


def kept_rendering(shown: str, render: Callable[[], tuple[str, dt.datetime, bool]]) -> tuple[str, dt.datetime, bool]:
    """A page part rendered from the prepared figures, kept in the cache for every later reader
    until the figures change. `shown` names everything the HTML depends on (units and their
    names, period, day): readers who would see the same get the same HTML. `render()` gives
    (html, as_of, from_prepared); only prepared output is kept, never figures computed directly.
    The cache unreachable (Redis restarting) costs the speed-up, never the page."""
    try:
        key = f"reporting:figures:{figures_version()}:{hashlib.sha256(shown.encode()).hexdigest()}"
        kept = cache.get(key)
    except Exception:  # noqa: BLE001 - any cache failure: render as if nothing were kept
        log.warning("reporting: the cache could not be read; the figures are rendered afresh")
        key = kept = None
    if kept is not None:
        return kept[0], kept[1], True
    html, as_of, from_prepared = render()
    if from_prepared and key is not None:
        try:
            cache.set(key, (html, as_of), KEPT_SECONDS)
        except Exception:  # noqa: BLE001 - as above: not kept this time
            log.warning("reporting: the cache could not be written; the figures were not kept")
    return html, as_of, from_prepared


def figures_changed() -> None:
    """Call when prepared rows or recorded snapshots have changed: after the transaction commits,
    so a reader that sees the new token also sees the new rows."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, uuid.uuid4().hex, None))


def refresh_minutes() -> int:
    return getattr(settings, "REPORTING_PREPARED_REFRESH_MINUTES", 15)


def offered_periods(today: dt.date | None = None) -> list[Period]:
    return [period_for(key, today) for key, _ in CHOICES]


def _prepared_keys() -> list[str]:
    return [f.key for f in FIGURES if not f.recorded]


def _rows_for(period: Period, units: list[OrgUnit], results: list[FigureResult], at: dt.datetime):
    for r in results:
        common = {"period_start": period.start, "period_end": period.end, "figure": r.key, "computed_at": at}
        if not r.available:
            yield PreparedFigure(unit=None, value=None, available=False, note=r.note[:300], **common)
        elif r.definition.council_only:
            yield PreparedFigure(unit=None, value=_float(r.values.get(None)), note=r.note[:300], **common)
        else:
            for u in units:
                yield PreparedFigure(unit=u, value=_float(r.values.get(u.pk)), note=r.note[:300], **common)


def _float(value):
    return None if value is None else float(value)


def prepared_refresh(*, periods: list[Period] | None = None, today: dt.date | None = None) -> int:
    """Recompute the prepared figures for `periods` (default: every period the dashboard offers
    today) and drop those for periods no longer offered. Returns the number of rows written, or
    0 when another refresh is already running (it holds a cache lock, so beat and an HR request
    arriving together do not both write)."""
    if not cache.add(LOCK_KEY, "1", LOCK_SECONDS):
        log.info("reporting: prepared figures are already being refreshed")
        return 0
    try:
        chosen = periods or offered_periods(today)
        units = list(OrgUnit.objects.filter(is_active=True).order_by("tree_id", "lft"))
        keys = _prepared_keys()
        written, seen = 0, set()
        for period in chosen:
            if (period.start, period.end) in seen:
                continue
            seen.add((period.start, period.end))
            at = timezone.now()  # figures are as of the moment their computation began
            rows = list(_rows_for(period, units, compute_figures(units, period, keys), at))
            with transaction.atomic():
                PreparedFigure.objects.filter(period_start=period.start, period_end=period.end).delete()
                PreparedFigure.objects.bulk_create(rows, batch_size=2000)
            written += len(rows)
        if periods is None:
            offered = Q(pk__in=[])
            for start, end in seen:
                offered |= Q(period_start=start, period_end=end)
            PreparedFigure.objects.exclude(offered).delete()
        figures_changed()
        log.info("reporting: prepared %s figures for %s periods", written, len(seen))
        return written
    finally:
        cache.delete(LOCK_KEY)


def prepared_figures(
    units: list[OrgUnit], period: Period, keys: list[str] | None = None
) -> tuple[list[FigureResult], dt.datetime] | None:
    """The figures for `units` over `period` from the prepared rows, in FIGURES order, and when
    they were worked out; None when any is missing (the caller then computes directly). Two
    queries whatever the number of units or staff: the prepared rows, and the recorded snapshot."""
    wanted = [d for d in FIGURES if not keys or d.key in keys]
    prepared_keys = [d.key for d in wanted if not d.recorded]
    unit_ids = {u.pk for u in units}
    rows = list(
        PreparedFigure.objects.filter(period_start=period.start, period_end=period.end, figure__in=prepared_keys)
        .filter(Q(unit__isnull=True) | Q(unit_id__in=unit_ids))
        .values_list("figure", "unit_id", "value", "available", "note", "computed_at")
    ) if prepared_keys else []
    by_figure: dict[str, list] = {}
    for row in rows:
        by_figure.setdefault(row[0], []).append(row)
    prepared: dict[str, FigureResult] = {}
    for key in prepared_keys:
        d = FIGURES_BY_KEY[key]
        found = by_figure.get(key)
        if not found:
            return None
        missing = [r for r in found if not r[3]]
        if missing:
            prepared[key] = FigureResult(d, {}, available=False, note=missing[0][4])
        elif d.council_only:
            council = [r for r in found if r[1] is None]
            if not council:
                return None
            prepared[key] = FigureResult(d, {None: _as_computed(d, council[0][2])}, note=council[0][4])
        else:
            values = {r[1]: r[2] for r in found if r[1] is not None}
            if not unit_ids <= values.keys():
                return None  # a unit made since the last refresh
            prepared[key] = FigureResult(d, {pk: _as_computed(d, values[pk]) for pk in unit_ids}, note=found[0][4])
    recorded_keys = [d.key for d in wanted if d.recorded]
    recorded = {r.key: r for r in compute_figures(units, period, recorded_keys)} if recorded_keys else {}
    as_of = min((r[5] for r in rows), default=timezone.now())
    return [prepared.get(d.key) or recorded[d.key] for d in wanted], as_of


def _as_computed(d, value):
    """Counts were ints before they were stored as floats; give them back as ints, as computed."""
    return int(value) if d.fmt == "int" and value is not None and float(value).is_integer() else value
