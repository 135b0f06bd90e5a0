"""gunicorn settings for every web replica (docker/start-web.sh and `make prod-check` use this file).

Environment: PORT, GUNICORN_WORKERS, GUNICORN_THREADS, GUNICORN_KEEPALIVE, GUNICORN_WORKER_CONNECTIONS,
GUNICORN_TIMEOUT, FORWARDED_ALLOW_IPS,
PROMETHEUS_MULTIPROC_DIR (made fresh per replica when unset), LOG_FORMAT (json | plain).
"""

import os
import shutil
import tempfile

# All interfaces inside a container (the host publishes the port); prod-check binds 127.0.0.1.
bind = f"{os.environ.get('BIND_ADDRESS', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"  # noqa: S104
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
# Fair queueing across a replica's workers. The load balancer in front keeps the browsers' connections
# open; here each response closes its connection (keepalive 0) and a worker takes no more connections
# than it has threads, so a waiting request stays in the replica's listen queue until the first
# worker that is free takes it. gthread's defaults (keep-alive, up to 1,000 connections a worker) pin
# each client to the worker that accepted it and let busy workers go on accepting: on 2 cores at 50
# users with no pause the slowest 5% of requests took 2.4-3.1x the median, and with this 1.5-2x
# (`make loadtest`; closing a connection a response costs the ceiling page about a tenth of its rate).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "0"))
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", str(threads)))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "*")
# Django logs one structured line per request (intranet.middleware.RequestLogMiddleware, with the
# request id), so gunicorn's own access log would only repeat it.
accesslog = None
errorlog = "-"

# Each worker process writes its request metrics here; /metrics sums them (prometheus_client's
# multiprocess mode). Set before the workers fork, so they all inherit it.
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="intranet-prometheus-")

_json = os.environ.get("LOG_FORMAT", "json") == "json"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "pythonjsonlogger.json.JsonFormatter",
                 "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                 "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"}},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json" if _json else "plain",
                             "stream": "ext://sys.stderr"}},
    "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}


def on_starting(server):
    # Metrics files left by an earlier run of this replica would be summed in: start from empty.
    path = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
