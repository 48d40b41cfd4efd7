#!/usr/bin/env bash
# The restart journey: starts the portal with scripts/start on a fresh data folder, runs
# the given journeys against it (default: e2e/fleet-rollout.journey.mjs, which leaves a
# crash loop, a rollback and a notification behind), optionally the deploy benchmark
# (E2E_BENCH=1: e2e/bench-deploy.mjs), stops scripts/start, starts it again on the SAME
# data folder and runs e2e/fleet-restart.journey.mjs (pods converge, history and
# notifications intact). Prints the start-up times. Holds the e2e lock like e2e/run.sh.
# Usage: e2e/restart.sh [e2e/x.test.mjs ...]
set -euo pipefail
if [ -z "${SLIPWAY_E2E_LOCKED:-}" ]; then
  export SLIPWAY_E2E_LOCKED=1
  exec flock "${TMPDIR:-/tmp}/slipway-e2e.lock" "$0" "$@"
fi
source "$(dirname "$0")/../scripts/env.sh"
cd "$ROOT"
mkdir -p e2e/screenshots
for port in 3000 7007 7100; do
  if curl -s -o /dev/null "http://localhost:$port"; then
    echo "restart: port $port is in use; stop the running portal" >&2
    exit 1
  fi
done
export SLIPWAY_DATA="${SLIPWAY_DATA:-$(mktemp -d /tmp/slipway-e2e.XXXXXX)}"
start_pid=""
stop_portal() {
  [ -n "$start_pid" ] || return 0
  kill -- "-$start_pid" 2>/dev/null || true
  for ((i = 0; i < 60; i++)); do
    kill -0 "$start_pid" 2>/dev/null || break
    sleep 1
  done
  kill -9 -- "-$start_pid" 2>/dev/null || true
  start_pid=""
}
trap stop_portal EXIT

# start_portal LOG: scripts/start in its own process group; returns when :3000 and the
# catalog answer; prints the seconds it took.
start_portal() {
  local log="$1" t0=$SECONDS i
  setsid "$ROOT/scripts/start" >"$log" 2>&1 &
  start_pid=$!
  for ((i = 0; i < 900; i++)); do
    if ! kill -0 "$start_pid" 2>/dev/null; then echo "restart: scripts/start exited"; tail -50 "$log"; exit 1; fi
    if curl -sf -o /dev/null http://localhost:3000 &&
      curl -sf -o /dev/null "http://localhost:7007/.backstage/health/v1/readiness"; then break; fi
    sleep 1
  done
  echo "restart: portal up after $((SECONDS - t0)) s (log: $log)"
}

echo "restart: data folder $SLIPWAY_DATA; first start at $(date -u +%FT%TZ)"
start_portal "$SLIPWAY_DATA/start.log"
if [ "$#" -gt 0 ]; then files=("$@"); else files=(e2e/fleet-rollout.journey.mjs); fi
status=0
E2E_REUSE=1 e2e/run.sh "${files[@]}" || status=$?
if [ "${E2E_BENCH:-}" = 1 ]; then node e2e/bench-deploy.mjs 5 || status=$?; fi

echo "restart: stopping scripts/start at $(date -u +%FT%TZ)"
stop_portal
for port in 3000 7007 7100 7200 7300; do
  for ((i = 0; i < 30; i++)); do curl -s -o /dev/null "http://localhost:$port" || break; sleep 1; done
done
echo "restart: second start on the same data folder at $(date -u +%FT%TZ)"
start_portal "$SLIPWAY_DATA/restart.log"
E2E_REUSE=1 E2E_RESTARTED=1 e2e/run.sh e2e/fleet-restart.journey.mjs || status=$?
exit "$status"
