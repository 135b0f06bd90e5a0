"""Writes and documents for reporting: monthly snapshots, the monthly PDF per portfolio (and the
email that carries it to the portfolio lead, through core.mail), CSV export."""

import csv
import datetime as dt
import io
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.exports import spreadsheet_safe
from core.mail import mail_on_commit
from people.models import OrgUnit

from .figures import FIGURES, compute_figures, format_value
from .models import FigureSnapshot
from .periods import Period, month_period
from .prepared import figures_changed, prepared_figures, prepared_refresh
from .selectors import children_of

log = logging.getLogger(__name__)

SNAPSHOT_KINDS = [OrgUnit.Kind.COUNCIL, OrgUnit.Kind.PORTFOLIO, OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.TEAM]


@transaction.atomic
def snapshot_take(*, month: dt.date, figures: list[str] | None = None, kinds: list[str] | None = None) -> int:
    """Record every figure for every active unit for `month` (its first to last day). Re-running
    for the same month replaces that month's figures, so the nightly run keeps the current month
    up to date and the run on the 1st closes the month before. Returns the number recorded.

    Recorded figures (the skills gap) can only be computed as they stand now, so they are written
    for this month and the month just closed; re-running an older month keeps what was recorded
    for it then rather than putting today's value in its place.

    `figures` and `kinds` narrow it to some figures and kinds of unit (the demo's year of history
    records the trend figures for the council, portfolios and departments only)."""
    month = month.replace(day=1)
    units = list(OrgUnit.objects.filter(is_active=True, kind__in=kinds or SNAPSHOT_KINDS).order_by("tree_id", "lft"))
    keys = [f.key for f in FIGURES if not f.recorded] if month < last_month() else None
    if figures is not None:
        keys = [k for k in (keys or [f.key for f in FIGURES]) if k in figures]
    results = compute_figures(units, month_period(month), keys, live=True)
    roots = [u for u in units if u.parent_id is None]
    rows = []
    for r in results:
        targets = roots if r.definition.council_only else units
        for u in targets:
            if not r.available:
                value = None
            elif r.definition.council_only:
                value = r.values.get(None)
            else:
                value = r.values.get(u.pk)
            rows.append(FigureSnapshot(month=month, unit=u, unit_code=u.code, unit_name=u.name, figure=r.key,
                                       value=None if value is None else float(value)))
    replaced = FigureSnapshot.objects.filter(month=month, figure__in=[r.key for r in results])
    if kinds:  # only the units recorded now; other kinds keep theirs
        replaced = replaced.filter(unit_code__in=[u.code for u in units])
    replaced.delete()
    FigureSnapshot.objects.bulk_create(rows, batch_size=1000)
    figures_changed()  # the recorded figures and trends pages show (after this transaction commits)
    log.info("reporting: recorded %s figures for %s", len(rows), month)
    return len(rows)


def figure_table(units: list[OrgUnit], period: Period, keys: list[str] | None = None):
    """Figures for the units, computed now, plus the rows to print: [(figure result, [(unit, value)...])]."""
    return _table(units, compute_figures(units, period, keys))


def figure_table_prepared(units: list[OrgUnit], period: Period, keys: list[str] | None = None):
    """As figure_table, from the prepared figures when they cover these units and this period
    (else computed now), and when they were worked out: (table, as_of, prepared)."""
    found = prepared_figures(units, period, keys)
    if found is None:
        return _table(units, compute_figures(units, period, keys)), timezone.now(), False
    results, as_of = found
    return _table(units, results), as_of, True


def _table(units, results):
    table = []
    for r in results:
        if r.definition.council_only:
            cells = [(None, r.values.get(None))] if r.available else []
        else:
            cells = [(u, r.values.get(u.pk)) for u in units] if r.available else []
        table.append((r, cells))
    return table


def figures_csv(units: list[OrgUnit], period: Period, *, prepared: bool = False) -> str:
    """Every figure as CSV; `prepared` reads the prepared figures as the dashboard does."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["period_start", "period_end", "unit_code", "unit", "figure", "figure_label", "value", "shown_as"])
    table = figure_table_prepared(units, period)[0] if prepared else figure_table(units, period)
    for r, cells in table:
        if not r.available:
            w.writerow([period.start, period.end, "", "", r.key, r.definition.label, "", "Not available yet"])
            continue
        for unit, value in cells:
            w.writerow([
                period.start, period.end, spreadsheet_safe(unit.code) if unit else "council-wide",
                spreadsheet_safe(unit.name) if unit else "Council-wide",
                r.key, r.definition.label, "" if value is None else value, format_value(value, r.definition.fmt),
            ])
    return buf.getvalue()


def portfolio_report_pdf(*, unit: OrgUnit, period: Period) -> bytes:
    from .pdf import render_report

    units = [unit, *children_of(unit)]
    return render_report(unit=unit, units=units, period=period, table=figure_table(units, period))


def monthly_report_send(*, unit: OrgUnit, month: dt.date) -> bool:
    """Email one portfolio's PDF for `month` to its lead (queued when the caller's transaction
    commits; core.mail_send retries a mail outage). False (and logged) when nobody to send to."""
    lead = unit.head
    email = (lead.email or (lead.user.email if lead and lead.user_id else "")) if lead else ""
    if not email:
        log.warning("reporting: %s has no lead with an email address; monthly report not sent", unit.code)
        return False
    period = month_period(month)
    pdf = portfolio_report_pdf(unit=unit, period=period)
    mail_on_commit(
        subject=f"{unit.name}: digital adoption report for {period.label}",
        body=(
            f"Dear {lead.display_name},\n\nAttached is the digital adoption report for {unit.name} for "
            f"{period.label}. The dashboard on the intranet has the same figures with drill-down to "
            f"departments and teams.\n\n{settings.SERVICE_NAME}"
        ),
        to=[email],
        attachments=[(f"adoption-{unit.code}-{period.start:%Y-%m}.pdf", pdf, "application/pdf")],
    )
    return True


def last_month() -> dt.date:
    """The first day of the month before this one: the month the monthly jobs close and report."""
    return (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def monthly_reports_send(*, month: dt.date | None = None) -> int:
    """Every active portfolio's report for `month` (default: last month). Returns how many were sent."""
    month = month or last_month()
    sent = 0
    for unit in OrgUnit.objects.filter(kind=OrgUnit.Kind.PORTFOLIO, is_active=True).select_related("head__user"):
        sent += monthly_report_send(unit=unit, month=month)
    return sent


__all__ = ["FIGURES", "figure_table", "figure_table_prepared", "figures_csv", "monthly_reports_send",
           "portfolio_report_pdf", "prepared_refresh", "snapshot_take"]
