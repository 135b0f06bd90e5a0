"""docker/gunicorn.conf.py queues fairly: a response closes its connection (the load balancer keeps
the browsers' ones) and a worker takes no more connections than it has threads, so a request waits
in the replica's listen queue for the first free worker instead of behind a busy one."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import requests
from gunicorn.app.base import Application

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "docker" / "gunicorn.conf.py"
sys.path.insert(0, str(ROOT / "scripts"))
from prod_check import free_port, wait_for  # noqa: E402 - scripts/ has no package to import it from


class _FromFile(Application):
    """The settings gunicorn takes from the config file, read by gunicorn's own loader."""

    def load_config(self):
        self.load_config_from_file(str(CONF))

    def load(self):  # never serves
        raise NotImplementedError


def load(env: dict[str, str]):
    with mock.patch.dict(os.environ, env):
        return _FromFile().cfg


def test_a_worker_takes_no_more_connections_than_it_has_threads(tmp_path):
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    default = load(env)
    assert default.keepalive == 0
    assert default.worker_connections == default.threads
    sized = load({**env, "GUNICORN_THREADS": "4"})
    assert (sized.threads, sized.worker_connections) == (4, 4)
    assert load({**env, "GUNICORN_WORKER_CONNECTIONS": "10"}).worker_connections == 10


def test_each_response_closes_its_connection(tmp_path):
    port = free_port()
    env = {**os.environ, "BIND_ADDRESS": "127.0.0.1", "PORT": str(port), "GUNICORN_WORKERS": "1",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "tests.intranet.wsgi_hello:app", "--config", str(CONF)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        response = wait_for("gunicorn with docker/gunicorn.conf.py", lambda: requests.get(f"http://127.0.0.1:{port}/", timeout=5), 20)
        assert (response.status_code, response.text) == (200, "hello")
        assert response.headers["Connection"].lower() == "close"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
