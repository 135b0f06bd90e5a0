#!/usr/bin/env bash
# Celery beat: the schedule lives in the database (django-celery-beat), so admins can change times
# in the admin without a deploy. Run exactly one beat per deployment.
set -euo pipefail
cd /app
exec celery -A intranet beat \
  --loglevel "${CELERY_LOG_LEVEL:-INFO}" \
  --scheduler intranet.beat:DefaultsKeepingScheduler \
  --pidfile=
