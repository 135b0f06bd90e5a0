# Sourced by prod-check.sh and loadtest.sh: a run folder for logs and pids, and a trap that stops
# every process group recorded in "$RUN_DIR/pids" (the Python side stops what it started; this
# catches anything left if it was killed outright). A failed run keeps its logs.
# Usage: source scripts/lib/processes.sh <name>   (sets RUN_DIR)
RUN_DIR="$(mktemp -d "${TMPDIR:-/tmp}/intranet-$1-XXXXXX")"
cleanup() {
  if [ -f "$RUN_DIR/pids" ]; then
    while read -r pid; do
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    done < "$RUN_DIR/pids"
  fi
}
finish() {
  local status=$?
  cleanup
  [ "$status" -ne 0 ] || rm -rf "$RUN_DIR"
  exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM
