#!/usr/bin/env bash
# Web process: apply migrations, then serve with gunicorn. With several web replicas, run
# `manage.py migrate` once as a release step instead and set SKIP_MIGRATE=1 here.
set -euo pipefail
cd /app
if [ "${SKIP_MIGRATE:-0}" != "1" ]; then
  python manage.py migrate --noinput
fi
exec gunicorn intranet.wsgi:application \
  --bind "0.0.0.0:${PORT:-8000}" \
  --workers "${GUNICORN_WORKERS:-3}" \
  --threads "${GUNICORN_THREADS:-2}" \
  --timeout "${GUNICORN_TIMEOUT:-60}" \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-*}" \
  --access-logfile - \
  --error-logfile -
