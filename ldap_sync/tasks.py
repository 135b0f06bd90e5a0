"""Celery: nightly full and hourly incremental runs (see CELERY_BEAT_SCHEDULE). The lock inside
directory_sync keeps runs of one source from overlapping; a directory that is down is retried with
exponential back-off, and the failed attempt is recorded as a SyncRun that changed nothing."""

from celery import shared_task

from .config import configured_sources, source_config
from .services import directory_sync
from .sources import DirectoryUnavailable


@shared_task(bind=True, max_retries=5, acks_late=True)
def directory_sync_task(self, source: str | None = None, full: bool = True):
    names = [source] if source else list(configured_sources())
    runs = []
    for name in names:
        try:
            runs.append(directory_sync(config=source_config(name), full=full).pk)
        except DirectoryUnavailable as exc:
            # 1, 2, 4, 8, 16 minutes: long enough for a domain controller restart.
            raise self.retry(exc=exc, countdown=60 * 2 ** self.request.retries, kwargs={"source": name, "full": full}) from exc
    return runs
