"""Prometheus metrics: GET /metrics on every web replica.

- Request latency and counts per view: django-prometheus's middleware (`django_http_*`). Under
  gunicorn every worker process writes to PROMETHEUS_MULTIPROC_DIR and a scrape sums them.
- Celery task outcomes (`intranet_celery_tasks_total{task,state}`): the worker's task signals add to
  one Redis hash, so any replica reports the totals of every worker, on any host. Counters restart
  with Redis, which Prometheus's rate() treats as a reset.
- Queue depth, the beat heartbeat and directory sync runs per status: read when scraped.

The endpoint is for the monitoring network only: it answers a bearer token (METRICS_TOKEN) or an
allowed address (METRICS_ALLOWED_IPS), and with neither configured it does not exist (404).
"""

import hmac
import ipaddress
import logging
import os
import time

import redis
from celery.signals import task_failure, task_retry, task_success
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

log = logging.getLogger(__name__)

TASKS_KEY = "intranet:metrics:celery-tasks"
HEARTBEAT_KEY = "intranet:beat-heartbeat"

_client: redis.Redis | None = None


def _redis(url: str | None = None) -> redis.Redis:
    global _client
    if url:
        return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
    if _client is None:
        _client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    return _client


def task_outcome_record(task_name: str, state: str) -> None:
    """Count one task outcome. Never lets a metrics failure reach the task."""
    try:
        _redis().hincrby(TASKS_KEY, f"{task_name}|{state}", 1)
    except Exception as exc:  # noqa: BLE001 - metrics are best effort
        log.warning("metrics: could not count %s %s: %s", task_name, state, exc)


def _on_task(state):
    def receiver(sender=None, **kwargs):
        request = getattr(sender, "request", None)
        if sender is None or getattr(request, "is_eager", False):
            return  # inline runs (demo, tests) are not the worker's work
        task_outcome_record(sender.name, state)
    return receiver


_receivers = {"success": _on_task("success"), "failure": _on_task("failure"), "retry": _on_task("retry")}


def connect_task_signals() -> None:
    task_success.connect(_receivers["success"], weak=False, dispatch_uid="intranet-metrics-success")
    task_failure.connect(_receivers["failure"], weak=False, dispatch_uid="intranet-metrics-failure")
    task_retry.connect(_receivers["retry"], weak=False, dispatch_uid="intranet-metrics-retry")


class OperationsCollector:
    """Read at scrape time; each source that does not answer is left out rather than failing the scrape."""

    def collect(self):
        tasks = CounterMetricFamily("intranet_celery_tasks", "Celery task outcomes on the workers.",
                                    labels=["task", "state"])
        queue = GaugeMetricFamily("intranet_celery_queue_length", "Tasks waiting in the broker.", labels=["queue"])
        beat = GaugeMetricFamily("intranet_beat_heartbeat_timestamp_seconds",
                                 "When a worker last ran beat's heartbeat task (unix time).")
        try:
            for field, value in _redis().hgetall(TASKS_KEY).items():
                name, _, state = field.decode().rpartition("|")
                tasks.add_metric([name, state], int(value))
            if settings.CELERY_BROKER_URL.startswith("redis"):
                queue.add_metric(["celery"], _redis(settings.CELERY_BROKER_URL).llen("celery"))
            heartbeat = cache.get(HEARTBEAT_KEY)
            if heartbeat:
                beat.add_metric([], float(heartbeat))
        except Exception as exc:  # noqa: BLE001
            log.warning("metrics: Redis did not answer: %s", exc)
        yield from (tasks, queue, beat)

        from ldap_sync.selectors import sync_run_totals

        runs = CounterMetricFamily("intranet_directory_sync_runs", "Directory sync runs by source and outcome.",
                                   labels=["source", "status"])
        last = GaugeMetricFamily("intranet_directory_sync_last_finished_timestamp_seconds",
                                 "When the last run of this outcome finished (unix time).", labels=["source", "status"])
        try:
            for row in sync_run_totals():
                runs.add_metric([row["source"], row["status"]], row["runs"])
                if row["last_finished"]:
                    last.add_metric([row["source"], row["status"]], row["last_finished"].timestamp())
        except Exception as exc:  # noqa: BLE001
            log.warning("metrics: database did not answer: %s", exc)
        yield from (runs, last)


_operations = CollectorRegistry(auto_describe=False)
_operations.register(OperationsCollector())


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_IPS)


@never_cache
@require_GET
def metrics(request):
    if not (settings.METRICS_TOKEN or settings.METRICS_ALLOWED_IPS):
        raise Http404("Metrics are not enabled.")
    if not _allowed(request):
        return HttpResponseForbidden("Metrics need the scraper's token or an allowed address.\n")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process = CollectorRegistry()
        multiprocess.MultiProcessCollector(process)
    else:
        process = REGISTRY
    body = generate_latest(process) + generate_latest(_operations)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


def heartbeat_record() -> float:
    now = time.time()
    cache.set(HEARTBEAT_KEY, now, timeout=None)
    return now
