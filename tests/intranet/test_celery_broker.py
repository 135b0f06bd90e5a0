"""Celery is wired to the real Redis broker: a task sent by the web process is run by a worker."""

import pytest
from celery.backends.redis import RedisBackend
from celery.contrib.testing.worker import start_worker
from celery.result import AsyncResult
from django.conf import settings

from intranet.celery import app
from intranet.tasks import health_ping


@pytest.fixture
def real_broker():
    # Test settings run tasks inline; here we want the round trip through Redis, with results kept
    # in Redis so the test can read the answer.
    saved = (app.conf.task_always_eager, app.conf.result_backend)
    app.conf.task_always_eager = False
    app.conf.result_backend = settings.REDIS_URL
    try:
        yield app
    finally:
        app.conf.task_always_eager, app.conf.result_backend = saved


def test_health_task_round_trip_through_redis(real_broker):
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    with start_worker(real_broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        sent = health_ping.delay()
        # Read the answer through a backend of our own: the app caches its backend per thread, and
        # this thread may have cached the "no results" one while tests ran tasks inline.
        backend = RedisBackend(app=real_broker, url=settings.REDIS_URL)
        assert AsyncResult(sent.id, backend=backend, app=real_broker).get(timeout=20) == "pong"
