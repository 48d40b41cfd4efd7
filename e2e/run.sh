#!/usr/bin/env bash
# Runs the end-to-end tests: starts the portal with scripts/start on a fresh data folder,
# waits until the frontend (:3000) and the catalog (:7007) answer, runs e2e/*.test.mjs
# with node's test runner (headless Chromium through playwright-core), then stops it all.
# Screenshots land in e2e/screenshots/. Set E2E_REUSE=1 to test a portal already running.
# Usage: e2e/run.sh [e2e/x.test.mjs ...]   (default: every e2e/*.test.mjs; node runs them in
# name order). E2E_TEST_TIMEOUT_MS: time limit per file (default 45 min).
# Runs hold the lock $TMPDIR/slipway-e2e.lock, so two runs on one machine take turns.
set -euo pipefail
if [ -z "${SLIPWAY_E2E_LOCKED:-}" ]; then
  export SLIPWAY_E2E_LOCKED=1
  exec flock "${TMPDIR:-/tmp}/slipway-e2e.lock" "$0" "$@"
fi
source "$(dirname "$0")/../scripts/env.sh"
cd "$ROOT"
mkdir -p e2e/screenshots

if [ "${E2E_REUSE:-}" != 1 ]; then
  for port in 3000 7007 7100; do
    if curl -s -o /dev/null "http://localhost:$port"; then
      echo "e2e: port $port is in use; stop the running portal or set E2E_REUSE=1" >&2
      exit 1
    fi
  done
  export SLIPWAY_DATA="$(mktemp -d /tmp/slipway-e2e.XXXXXX)"
  log="$SLIPWAY_DATA/start.log"
  echo "e2e: starting the portal (log: $log)"
  setsid "$ROOT/scripts/start" >"$log" 2>&1 &
  start_pid=$!
  trap 'kill -- -$start_pid 2>/dev/null || true; sleep 2; kill -9 -- -$start_pid 2>/dev/null || true' EXIT
  for ((i = 0; i < 600; i++)); do
    if ! kill -0 "$start_pid" 2>/dev/null; then echo "e2e: scripts/start exited"; tail -50 "$log"; exit 1; fi
    if curl -sf -o /dev/null http://localhost:3000 && \
       curl -sf -o /dev/null "http://localhost:7007/.backstage/health/v1/readiness"; then break; fi
    sleep 1
  done
  echo "e2e: portal up after ${i}s"
fi

if [ "$#" -gt 0 ]; then files=("$@"); else files=(e2e/*.test.mjs); fi
# The timeout applies to each file as a whole; the fleet journeys wait for pods and for
# Prometheus' 5-minute windows, so a file may take a while on a busy 2-core machine.
node --test --test-concurrency=1 --test-timeout="${E2E_TEST_TIMEOUT_MS:-2700000}" "${files[@]}"
