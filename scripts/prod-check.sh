#!/usr/bin/env bash
# `make prod-check`: the production processes (2 gunicorn replicas, a Celery worker, beat) started on
# this machine against PostgreSQL and a throwaway Redis, checked over HTTP, then stopped. See
# scripts/prod_check.py for what is checked. PostgreSQL comes from scripts/test-services.sh, as for
# `make test`; the check uses a database of its own (dropped at the end) and a redis-server of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/intranet-prodcheck-XXXXXX")"
cleanup() {
  # prod_check.py stops what it started; this catches anything left if it was killed outright.
  if [ -f "$RUN_DIR/pids" ]; then
    while read -r pid; do
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done < "$RUN_DIR/pids"
  fi
}
finish() {
  local status=$?
  cleanup
  [ "$status" -ne 0 ] || rm -rf "$RUN_DIR"  # a failed run keeps its logs
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM
command -v redis-server >/dev/null || { echo "prod-check needs redis-server (apt-get install redis-server)" >&2; exit 1; }
if [ -z "${DATABASE_URL:-}" ]; then
  eval "$(bash scripts/test-services.sh)"
fi
.venv/bin/python scripts/prod_check.py --run-dir "$RUN_DIR" "$@"
