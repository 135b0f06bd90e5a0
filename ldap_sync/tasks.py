"""Celery: nightly full and hourly incremental runs (see CELERY_BEAT_SCHEDULE). The lock inside
directory_sync keeps runs of one source from overlapping; a directory that is down is retried with
exponential back-off, and the failed attempt is recorded as a SyncRun that changed nothing. A
configuration error (a wrong setting, named in the run's message) is not retried: it would fail the
same way until someone changes the setting. A run that fails for good (after its retries, or at once
for a wrong setting), or is held, emails the intranet admins (alerts.py)."""

import logging

from celery import shared_task

from . import alerts
from .config import configured_sources, source_config
from .services import directory_sync
from .sources import DirectoryUnavailable

log = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, acks_late=True)
def directory_sync_task(self, source: str | None = None, full: bool = True):
    names = [source] if source else list(configured_sources())
    runs = []
    for name in names:
        try:
            run = directory_sync(config=source_config(name), full=full)
        except DirectoryUnavailable as exc:
            if not exc.transient:
                log.error("Directory sync of %s not retried: %s", name, exc)
                alerts.sync_run_alert(alerts.last_failed_run(name))
                continue
            if self.request.retries >= self.max_retries:
                alerts.sync_run_alert(alerts.last_failed_run(name))
                raise
            # 1, 2, 4, 8, 16 minutes: long enough for a domain controller restart.
            raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries, kwargs={"source": name, "full": full}) from exc
        except Exception:
            alerts.sync_run_alert(alerts.last_failed_run(name))
            raise
        alerts.sync_run_alert(run)
        runs.append(run.pk)
    return runs
