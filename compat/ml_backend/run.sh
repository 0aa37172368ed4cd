#!/usr/bin/env bash
# The compat suite's ML backend: a text classifier on the real label-studio-ml package (model.py).
#
# Creates compat/ml_backend/.venv (if missing) and installs requirements.txt when it changed, then
# serves the backend with label-studio-ml's Flask app.
#
# Usage: bash compat/ml_backend/run.sh --install-only
#        bash compat/ml_backend/run.sh --port 9090 [--host 127.0.0.1] [--model-dir DIR]
# The model dir (default: a new temp dir) holds training runs and received.jsonl, the record of every
# /setup, /predict and /webhook call and training run (GET /received answers it too).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv"
REQS="$HERE/requirements.txt"
STAMP="$VENV/.requirements.sha256"

log() { printf '[ml_backend] %s\n' "$*" >&2; }

if [[ ! -x "$VENV/bin/python" ]]; then
  log "creating virtualenv $VENV"
  python3 -m venv "$VENV"
fi
want_hash="$( { cat "$REQS"; "$VENV/bin/python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1)"
if [[ "$want_hash" != "$(cat "$STAMP" 2>/dev/null || true)" ]]; then
  log "installing $REQS"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQS"
  printf '%s\n' "$want_hash" >"$STAMP"
fi

if [[ "${1:-}" == "--install-only" ]]; then
  exit 0
fi

HOST=127.0.0.1
PORT=9090
MODEL_DIR=""
while (($#)); do
  case "$1" in
    --host) HOST="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --model-dir) MODEL_DIR="$2"; shift 2 ;;
    *) log "unknown argument $1"; exit 2 ;;
  esac
done
if [[ -z "$MODEL_DIR" ]]; then
  MODEL_DIR="$(mktemp -d "${TMPDIR:-/tmp}/labelfleet-ml-backend.XXXXXX")"
fi
mkdir -p "$MODEL_DIR"

export MODEL_DIR LABEL_STUDIO_ML_BACKEND_V2=1
cd "$HERE"
exec "$VENV/bin/python" _wsgi.py --host "$HOST" --port "$PORT" --model-dir "$MODEL_DIR"
