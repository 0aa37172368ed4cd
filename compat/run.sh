#!/usr/bin/env bash
# Label Studio SDK compatibility suite for LabelFleet.
#
# Creates compat/.venv (if missing), installs compat/requirements.txt when it
# changed, starts LabelFleet on the embedded database in a fresh temporary data
# dir on a free 127.0.0.1 port, waits for GET /health, runs pytest on compat/
# against it and always stops the server and removes the temp dir.
#
# Usage: bash compat/run.sh [extra pytest args, e.g. -k export -x]
# Env:   COMPAT_HEALTH_TIMEOUT (s, default 60), COMPAT_SERVER_CMD (see below)
# Exit code: pytest's (or 1 when the server could not be started).
set -euo pipefail

COMPAT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$COMPAT_DIR/.." && pwd)"
VENV="$COMPAT_DIR/.venv"
REQS="$COMPAT_DIR/requirements.txt"
STAMP="$VENV/.requirements.sha256"
HEALTH_TIMEOUT="${COMPAT_HEALTH_TIMEOUT:-60}"

log() { printf '[compat] %s\n' "$*" >&2; }

# ---------------------------------------------------------------- venv
if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating virtualenv $VENV"
  python3 -m venv "$VENV"
fi
want_hash="$( { cat "$REQS"; "$VENV/bin/python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"
have_hash="$(cat "$STAMP" 2>/dev/null || true)"
if [[ "$want_hash" != "$have_hash" ]]; then
  log "installing $REQS"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQS"
  printf '%s\n' "$want_hash" >"$STAMP"
fi
# the real ML backend of test_ml_backend.py (label-studio-ml in its own venv: its pins clash with the SDK's)
bash "$COMPAT_DIR/ml_backend/run.sh" --install-only

# ---------------------------------------------------------------- server
# COMPAT_SERVER_CMD (optional) replaces `node bin/labelfleet.js start`, e.g. to point the suite at a
# reference Label Studio through a wrapper that maps PORT/HOST/LABELFLEET_* onto its own flags.
SERVER_CMD="${COMPAT_SERVER_CMD:-}"
if [[ -z "$SERVER_CMD" && ! -f "$ROOT_DIR/bin/labelfleet.js" ]]; then
  log "FAIL: $ROOT_DIR/bin/labelfleet.js does not exist (server not built yet?)"
  exit 1
fi

TMP_DIR="$(mktemp -d "${TMPDIR:-/tmp}/labelfleet-compat.XXXXXX")"
DATA_DIR="$TMP_DIR/data"
mkdir -p "$DATA_DIR"
SERVER_LOG="$TMP_DIR/server.log"
SERVER_PID=""

cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    # the server runs in its own process group (setsid): stop the whole group
    kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -f "$SERVER_LOG" ]]; then
    cp "$SERVER_LOG" "$COMPAT_DIR/last-server.log" 2>/dev/null || true
  fi
  rm -rf "$TMP_DIR"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
TOKEN="$(openssl rand -hex 20 2>/dev/null || "$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(20))')"
EMAIL="compat@example.com"
PASSWORD="compat-pass-123"
URL="http://127.0.0.1:$PORT"

log "starting LabelFleet on $URL (data dir $DATA_DIR)"
(
  cd "$ROOT_DIR"
  export LABELFLEET_DATA_DIR="$DATA_DIR" PORT="$PORT" HOST=127.0.0.1 \
    LABELFLEET_USERNAME="$EMAIL" LABELFLEET_PASSWORD="$PASSWORD" LABELFLEET_USER_TOKEN="$TOKEN"
  if [[ -n "$SERVER_CMD" ]]; then
    exec setsid bash -c "$SERVER_CMD"
  fi
  exec setsid node bin/labelfleet.js start
) >"$SERVER_LOG" 2>&1 </dev/null &
SERVER_PID=$!

deadline=$((SECONDS + HEALTH_TIMEOUT))
while :; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "FAIL: server exited before answering /health. Server log:"
    cat "$SERVER_LOG" >&2 || true
    exit 1
  fi
  body="$(curl -s --max-time 2 "$URL/health" 2>/dev/null || true)"
  if [[ -n "$body" ]] && "$VENV/bin/python" -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1]).get("status") == "UP" else 1)' "$body" 2>/dev/null; then
    break
  fi
  if ((SECONDS >= deadline)); then
    log "FAIL: GET $URL/health did not answer {\"status\":\"UP\"} within ${HEALTH_TIMEOUT}s (last body: ${body:-<none>}). Server log:"
    cat "$SERVER_LOG" >&2 || true
    exit 1
  fi
  sleep 0.5
done
log "server is UP"

# ---------------------------------------------------------------- tests
export LABEL_STUDIO_URL="$URL"
export LABEL_STUDIO_API_KEY="$TOKEN"
export LABEL_STUDIO_EMAIL="$EMAIL"
export LABEL_STUDIO_PASSWORD="$PASSWORD"

cd "$ROOT_DIR"
set +e
"$VENV/bin/python" -m pytest -q compat/ "$@"
rc=$?
set -e
if ((rc != 0)); then
  log "pytest exited $rc; server log copied to compat/last-server.log"
fi
exit "$rc"
