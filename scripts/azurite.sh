#!/usr/bin/env bash
# A real Azure Blob server for the tests: Azurite (npm, devDependency) in memory on 127.0.0.1.
#   scripts/azurite.sh start|stop|status
# start is idempotent and safe from several processes at once (flock): when Azurite already answers it
# prints the connection info and exits 0. Data lives in memory only: a stop forgets every container.
# --skipApiVersionCheck: @azure/storage-blob sends a newer API version than this Azurite knows; the calls we use are older.
# The account is Azurite's well-known development account (devstoreaccount1 and its published key).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${LABELFLEET_AZURITE_PORT:-10000}"
PIDFILE="${LABELFLEET_AZURITE_PID:-/tmp/labelfleet-azurite.pid}"
LOG="${PIDFILE%.pid}.log"
ACCOUNT=devstoreaccount1
# Azurite's published development key (not a secret: https://learn.microsoft.com/azure/storage/common/storage-use-azurite)
KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
ENDPOINT="http://127.0.0.1:$PORT/$ACCOUNT"

say() { echo "azurite: $*" >&2; }
alive() { [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
# Azurite answers any HTTP request once it listens (400 for this one); without curl an open port will do
http_up() {
  if command -v curl >/dev/null; then curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"
  else timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; fi
}
healthy() { alive && http_up; }

print_info() {
  echo "endpoint=$ENDPOINT"
  echo "account_name=$ACCOUNT"
  echo "account_key=$KEY"
}

stop() {
  if alive; then
    kill "$(cat "$PIDFILE")" 2>/dev/null || true
    for _ in $(seq 1 40); do alive || break; sleep 0.25; done
    if alive; then kill -9 "$(cat "$PIDFILE")" 2>/dev/null || true; fi
  fi
  rm -f "$PIDFILE"
}

start() {
  if healthy; then print_info; return 0; fi
  stop
  [[ -x node_modules/.bin/azurite-blob ]] || { say "node_modules/.bin/azurite-blob missing (npm install)"; exit 1; }
  setsid node_modules/.bin/azurite-blob --inMemoryPersistence --blobHost 127.0.0.1 --blobPort "$PORT" \
    --disableTelemetry --silent --skipApiVersionCheck </dev/null >"$LOG" 2>&1 9>&- &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 120); do
    if http_up; then print_info; return 0; fi
    alive || { say "exited while starting:"; cat "$LOG" >&2; rm -f "$PIDFILE"; exit 1; }
    sleep 0.25
  done
  say "not listening on 127.0.0.1:$PORT after 30 s"; cat "$LOG" >&2; stop; exit 1
}

exec 9>"$PIDFILE.lock"
flock 9
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if healthy; then echo "running (pid $(cat "$PIDFILE"))"; print_info; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
