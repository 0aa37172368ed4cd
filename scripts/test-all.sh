#!/usr/bin/env bash
# The whole suite: typecheck, the API tests on PGlite and on PostgreSQL, the web app in Chromium, then the Label Studio SDK compatibility suite.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p .
# The real S3 server (radosgw) and Azure Blob server (Azurite) for the storage tests; they start them too (idempotent). Stopped on exit.
trap 'bash scripts/s3-server.sh stop || true; bash scripts/azurite.sh stop || true' EXIT
bash scripts/s3-server.sh start
bash scripts/azurite.sh start >/dev/null
echo "== API tests on PGlite (embedded) =="
LABELFLEET_TEST_DB=pglite npx vitest run
echo "== API tests on PostgreSQL =="
LABELFLEET_TEST_DB=postgres npx vitest run
echo "== Web app: typecheck and end-to-end tests in Chromium =="
npm run typecheck:web
npm run test:e2e
echo "== Label Studio SDK compatibility suite =="
bash compat/run.sh
