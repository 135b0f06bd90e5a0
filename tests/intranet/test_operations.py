"""Operations: /metrics for Prometheus (closed unless a token or an allowed address is set), a request
id on every response and log line, JSON logs. Real Redis and PostgreSQL."""

import json
import logging
import logging.config
import uuid

import pytest
from django_guid import set_guid

from intranet import metrics
from ldap_sync.models import SyncRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks_key(monkeypatch):
    key = f"test:metrics:{uuid.uuid4().hex}"
    monkeypatch.setattr(metrics, "TASKS_KEY", key)
    yield key
    metrics._redis().delete(key)


def test_metrics_do_not_exist_until_configured(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", []

    assert client.get("/metrics").status_code == 404


def test_metrics_need_the_token(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "scrape-secret", []

    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").status_code == 200


def test_metrics_answer_an_allowed_network_without_a_token(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", ["10.0.0.0/8"]

    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.1").status_code == 403


def test_metrics_report_latency_tasks_and_sync_runs(client, settings, tasks_key):
    settings.METRICS_TOKEN = "scrape-secret"
    SyncRun.objects.create(source="default", kind="full", status=SyncRun.Status.FAILED)
    SyncRun.objects.create(source="default", kind="full", status=SyncRun.Status.APPLIED)
    SyncRun.objects.create(source="default", kind="incremental", status=SyncRun.Status.APPLIED)
    metrics.task_outcome_record("core.mail_send", "success")
    metrics.task_outcome_record("core.mail_send", "success")
    metrics.task_outcome_record("core.mail_send", "retry")
    client.get("/healthz")

    body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret").content.decode()

    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="healthz"}' in body
    assert 'intranet_celery_tasks_total{state="success",task="core.mail_send"} 2.0' in body
    assert 'intranet_celery_tasks_total{state="retry",task="core.mail_send"} 1.0' in body
    assert 'intranet_directory_sync_runs_total{source="default",status="applied"} 2.0' in body
    assert 'intranet_directory_sync_runs_total{source="default",status="failed"} 1.0' in body
    assert "intranet_celery_queue_length" in body


def test_tasks_run_inline_are_not_counted_as_the_workers(tasks_key):
    from intranet.tasks import health_ping

    health_ping.delay()  # the test settings run tasks eagerly

    assert metrics._redis().hgetall(tasks_key) == {}


def test_every_response_carries_a_request_id_and_keeps_a_valid_one_from_the_proxy(client):
    made = client.get("/healthz")["X-Request-ID"]
    given = uuid.uuid4().hex

    assert len(made) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    assert client.get("/healthz", HTTP_X_REQUEST_ID="not an id; DROP")["X-Request-ID"] != "not an id; DROP"


def test_production_logs_are_json_lines_with_the_request_id(settings):
    configurator = logging.config.DictConfigurator(settings.LOGGING)
    formatter = configurator.configure_formatter(dict(settings.LOGGING["formatters"]["json"]))
    id_filter = configurator.configure_filter(dict(settings.LOGGING["filters"]["request_id"]))
    set_guid("0123456789abcdef0123456789abcdef")
    record = logging.LogRecord("intranet.request", logging.INFO, __file__, 1, "GET %s", ("/healthz",), None)
    record.status = 200
    id_filter.filter(record)

    line = json.loads(formatter.format(record))

    assert line["message"] == "GET /healthz" and line["level"] == "INFO" and line["logger"] == "intranet.request"
    assert line["request_id"] == "0123456789abcdef0123456789abcdef" and line["status"] == 200
