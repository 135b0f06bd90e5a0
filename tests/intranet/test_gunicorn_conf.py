"""docker/gunicorn.conf.py queues fairly: a response closes its connection (the load balancer keeps
the browsers' ones) and a worker takes no more connections than it has threads, so a request waits
in the replica's listen queue for the first free worker instead of behind a busy one."""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from gunicorn.config import Config

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "docker" / "gunicorn.conf.py"


def load(env: dict[str, str]) -> Config:
    """The settings gunicorn takes from the file, as it reads them, under `env`."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        cfg = Config()
        namespace = {"__file__": str(CONF), "__name__": "__config__"}
        exec(compile(CONF.read_text(), str(CONF), "exec"), namespace)  # noqa: S102 - gunicorn does the same
        for name, value in namespace.items():
            if name in cfg.settings:
                cfg.set(name, value)
        return cfg
    finally:
        os.environ.clear()
        os.environ.update(saved)


def test_a_worker_takes_no_more_connections_than_it_has_threads(tmp_path):
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    assert load(env).worker_connections == load(env).threads
    sized = load({**env, "GUNICORN_THREADS": "4"})
    assert (sized.threads, sized.worker_connections) == (4, 4)
    assert load({**env, "GUNICORN_WORKER_CONNECTIONS": "10"}).worker_connections == 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_each_response_closes_its_connection(tmp_path):
    port = _free_port()
    env = {**os.environ, "BIND_ADDRESS": "127.0.0.1", "PORT": str(port), "GUNICORN_WORKERS": "1",
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "tests.intranet.wsgi_hello:app", "--config", str(CONF)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/")
                response = conn.getresponse()
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        assert response.status == 200
        assert response.read() == b"hello"
        assert response.getheader("Connection", "").lower() == "close"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
