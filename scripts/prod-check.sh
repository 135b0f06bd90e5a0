#!/usr/bin/env bash
# `make prod-check`: the production processes (2 gunicorn replicas, a Celery worker, beat) started on
# this machine against PostgreSQL and a throwaway Redis, checked over HTTP, then stopped. See
# scripts/prod_check.py for what is checked. PostgreSQL comes from scripts/test-services.sh, as for
# `make test`; the check uses a database of its own (dropped at the end) and a redis-server of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh prodcheck
command -v redis-server >/dev/null || { echo "prod-check needs redis-server (apt-get install redis-server)" >&2; exit 1; }
if [ -z "${DATABASE_URL:-}" ]; then
  eval "$(bash scripts/test-services.sh)"
fi
.venv/bin/python scripts/prod_check.py --run-dir "$RUN_DIR" "$@"
