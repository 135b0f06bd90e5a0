#!/usr/bin/env bash
# Web process: apply migrations, then serve with gunicorn (settings in docker/gunicorn.conf.py). With
# several web replicas, run `manage.py migrate` once as a release step instead and set SKIP_MIGRATE=1
# here (README "Releasing").
set -euo pipefail
cd /app
if [ "${SKIP_MIGRATE:-0}" != "1" ]; then
  python manage.py migrate --noinput
fi
exec gunicorn intranet.wsgi:application --config docker/gunicorn.conf.py
