from celery import shared_task


@shared_task(name="intranet.health_ping")
def health_ping() -> str:
    """Round trip through the broker and a worker; used by operations to prove the queue works."""
    return "pong"
