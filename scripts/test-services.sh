#!/usr/bin/env bash
# Prints `export DATABASE_URL=... REDIS_URL=...` for the test run (eval its output).
# Honours DATABASE_URL / REDIS_URL when set. Otherwise uses the local servers on their usual ports,
# and on a machine with neither installs and starts throwaway ones under .local/ (never touches a
# system cluster's data).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
LOCAL="$ROOT/.local"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
log() { echo "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${DATABASE_URL:-}" ]; then
  if port_open 5432; then
    DATABASE_URL="postgres://postgres@127.0.0.1:5432/intranet"
  else
    PGPORT=55432
    if ! port_open $PGPORT; then
      if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        log "==> installing PostgreSQL"
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
      fi
      BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
      mkdir -p "$LOCAL"
      RUNAS=()
      if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres "$LOCAL"
        RUNAS=(runuser -u postgres --)
      fi
      if [ ! -f "$LOCAL/pg/PG_VERSION" ]; then
        log "==> creating a throwaway PostgreSQL cluster in .local/pg"
        "${RUNAS[@]}" "$BIN/initdb" -D "$LOCAL/pg" -U postgres --auth=trust >/dev/null
      fi
      "${RUNAS[@]}" "$BIN/pg_ctl" -D "$LOCAL/pg" -l "$LOCAL/pg.log" -o "-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" -w start >/dev/null
    fi
    DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/intranet"
  fi
fi

if [ -z "${REDIS_URL:-}" ]; then
  if port_open 6379; then
    REDIS_URL="redis://127.0.0.1:6379/0"
  else
    RPORT=56379
    if ! port_open $RPORT; then
      if ! command -v redis-server >/dev/null 2>&1; then
        log "==> installing Redis"
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
      fi
      mkdir -p "$LOCAL"
      log "==> starting a throwaway Redis on port $RPORT"
      redis-server --port $RPORT --bind 127.0.0.1 --save "" --appendonly no --daemonize yes --dir "$LOCAL" --logfile "$LOCAL/redis.log"
      for _ in $(seq 50); do port_open $RPORT && break; sleep 0.1; done
    fi
    REDIS_URL="redis://127.0.0.1:$RPORT/0"
  fi
fi

echo "export DATABASE_URL='$DATABASE_URL' REDIS_URL='$REDIS_URL'"
