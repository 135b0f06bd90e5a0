"""/healthz: what a load balancer and compose healthchecks poll. Real PostgreSQL and Redis."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_broker_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_needs_no_sign_in(client):
    # A probe has no session: it must get the health answer, not the sign-in page.
    response = client.get("/healthz", follow=False)

    assert response.status_code == 200


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_unhealthy_when_the_broker_is_unreachable(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unhealthy"
    assert body["checks"] == {"database": "ok", "broker": "unreachable"}


def test_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_container_healthcheck_script_reports_a_live_server(live_server):
    """docker/healthcheck.py is what compose runs inside the web container."""
    root = Path(__file__).resolve().parents[2]
    port = str(urlsplit(live_server.url).port)
    env = {**os.environ, "PORT": port, "DJANGO_ALLOWED_HOSTS": "testserver,localhost"}

    healthy = subprocess.run([sys.executable, "docker/healthcheck.py"], cwd=root, env=env, timeout=30)
    closed = subprocess.run(
        [sys.executable, "docker/healthcheck.py"],
        cwd=root,
        env={**env, "PORT": "1"},
        capture_output=True,
        timeout=30,
    )

    assert healthy.returncode == 0
    assert closed.returncode == 1
    assert b"unhealthy" in closed.stderr
