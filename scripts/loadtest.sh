#!/usr/bin/env bash
# `make loadtest`: the production-style server (as `make prod-check` starts it) on a seeded 20,000-staff
# council, loaded with locust headless on 127.0.0.1; prints req/s, p50/p95/p99 and errors per page and
# for a mixed workload of the roles. See scripts/loadtest.py for the phases and the LOADTEST_* variables
# (users, seconds per phase, staff). Figures, not pass/fail. PostgreSQL comes from scripts/test-services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/intranet-loadtest-XXXXXX")"
cleanup() {
  # loadtest.py stops what it started; this catches anything left if it was killed outright.
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
command -v redis-server >/dev/null || { echo "loadtest needs redis-server (apt-get install redis-server)" >&2; exit 1; }
.venv/bin/python -c 'import locust' 2>/dev/null || { echo "loadtest needs locust: .venv/bin/pip install -e '.[dev]'" >&2; exit 1; }
if [ -z "${DATABASE_URL:-}" ]; then
  eval "$(bash scripts/test-services.sh)"
fi
LOADTEST_RUN_DIR="$RUN_DIR" .venv/bin/python scripts/loadtest.py "$@"
