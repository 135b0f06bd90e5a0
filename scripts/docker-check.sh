#!/usr/bin/env bash
# `make docker-check`: build docker/Dockerfile and run the prod-check (scripts/prod_check.py) against
# docker/compose.yml + docker/compose.check.yml: two web replicas, a worker, one beat, PostgreSQL and
# Redis in containers. Without a Docker engine it says so and exits 0 (skipped).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v docker >/dev/null 2>&1 || ! docker info >/dev/null 2>&1; then
  echo "docker-check: skipped: no Docker engine here (\`docker info\` failed)"
  exit 0
fi
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/intranet-dockercheck-XXXXXX")"
PROJECT="intranet-check-$$"
ENV_FILE="$RUN_DIR/check.env"
free_port() { .venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
secret() { .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))'; }
cat > "$ENV_FILE" <<ENV
DJANGO_SECRET_KEY=$(secret)
DJANGO_ALLOWED_HOSTS=localhost
FIELD_ENCRYPTION_KEY=$(.venv/bin/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
POSTGRES_PASSWORD=$(secret)
LDAP_ADMIN_PASSWORD=$(secret)
METRICS_TOKEN=$(secret)
WEB_PORT=$(free_port)
WEB2_PORT=$(free_port)
ENV
down() {
  docker compose -p "$PROJECT" -f docker/compose.yml -f docker/compose.check.yml --env-file "$ENV_FILE" \
    down -v --remove-orphans >/dev/null 2>&1 || true
  rm -rf "$RUN_DIR"
}
trap down EXIT
.venv/bin/python scripts/prod_check.py --compose "$ENV_FILE" --project "$PROJECT" --run-dir "$RUN_DIR"
