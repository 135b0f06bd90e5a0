#!/usr/bin/env bash
# `make demo`: SQLite, eager Celery, a seeded demo council; prints the demo logins and serves.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=intranet.settings.demo
PY=.venv/bin/python
PORT="${PORT:-8000}"
$PY manage.py migrate --noinput -v0
$PY manage.py seed_demo --if-empty
$PY manage.py demo_logins --url "http://127.0.0.1:${PORT}/"
exec $PY manage.py runserver "127.0.0.1:${PORT}" --noreload
