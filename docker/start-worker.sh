#!/usr/bin/env bash
# Celery worker: runs the queued work (emails, directory sync, reminders, snapshots).
set -euo pipefail
cd /app
exec celery -A intranet worker \
  --loglevel "${CELERY_LOG_LEVEL:-INFO}" \
  --concurrency "${CELERY_CONCURRENCY:-2}" \
  --without-gossip --without-mingle
