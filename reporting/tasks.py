"""Celery beat jobs: load, call a service, nothing else."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from people.models import OrgUnit

from . import services


@shared_task(name="reporting.snapshot_take")
def snapshot_take(month: str | None = None) -> int:
    month_date = dt.date.fromisoformat(month) if month else services.last_month()
    n = services.snapshot_take(month=month_date)
    prepared_refresh.delay()
    return n


@shared_task(name="reporting.snapshot_current_month")
def snapshot_current_month() -> int:
    """Nightly: keeps this month's figures (and the recorded ones pages show) up to date."""
    n = services.snapshot_take(month=timezone.localdate().replace(day=1))
    prepared_refresh.delay()
    return n


@shared_task(name="reporting.prepared_refresh")
def prepared_refresh() -> int:
    """Every few minutes (beat), after each snapshot and when HR asks: the figures pages read."""
    return services.prepared_refresh()


@shared_task(name="reporting.monthly_reports_send")
def monthly_reports_send(month: str | None = None) -> int:
    """Queues one job per portfolio so one failing email does not stop the others."""
    month = month or services.last_month().isoformat()
    ids = list(OrgUnit.objects.filter(kind=OrgUnit.Kind.PORTFOLIO, is_active=True).values_list("pk", flat=True))
    for pk in ids:
        monthly_report_send.delay(pk, month)
    return len(ids)


@shared_task(name="reporting.monthly_report_send")
def monthly_report_send(unit_id: int, month: str) -> bool:
    """One portfolio's report. Its email is queued to core.mail_send, which retries a mail outage,
    so a failure there never renders the PDF twice."""
    unit = OrgUnit.objects.select_related("head__user").get(pk=unit_id)
    return services.monthly_report_send(unit=unit, month=dt.date.fromisoformat(month))
