#!/usr/bin/env bash
# `make loadtest`: the production-style server (as `make prod-check` starts it) on a seeded 20,000-staff
# council, loaded with locust headless on 127.0.0.1; prints req/s, p50/p95/p99 and errors per page and
# for a mixed workload of the roles. See scripts/loadtest.py for the phases and the LOADTEST_* variables
# (users, seconds per phase, staff). Figures, not pass/fail. PostgreSQL comes from scripts/test-services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/processes.sh loadtest
command -v redis-server >/dev/null || { echo "loadtest needs redis-server (apt-get install redis-server)" >&2; exit 1; }
.venv/bin/python -c 'import locust' 2>/dev/null || { echo "loadtest needs locust: .venv/bin/pip install -e '.[dev]'" >&2; exit 1; }
if [ -z "${DATABASE_URL:-}" ]; then
  eval "$(bash scripts/test-services.sh)"
fi
LOADTEST_RUN_DIR="$RUN_DIR" .venv/bin/python scripts/loadtest.py "$@"
