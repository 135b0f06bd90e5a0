import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="intranet.health_ping")
def health_ping() -> str:
    """Round trip through the broker and a worker; used by operations to prove the queue works."""
    return "pong"


@shared_task(name="intranet.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> float:
    """Scheduled by beat (CELERY_BEAT_SCHEDULE): its time on /metrics shows beat and a worker are alive."""
    from .metrics import heartbeat_record

    at = heartbeat_record()
    log.info("beat heartbeat recorded", extra={"heartbeat_at": at})
    return at
