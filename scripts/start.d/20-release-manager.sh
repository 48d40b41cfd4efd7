# shellcheck shell=bash
# Sourced by scripts/start: the Slipway release manager (packages/release-manager) on
# http://localhost:7100 with the embedded default: data in $SLIPWAY_DATA/release-manager/
# (a bare config repo config-repo.git, its clone config-repo/, artifacts/, release-manager.sqlite),
# environments dev, staging, prod, bearer token $RELEASE_MANAGER_TOKEN (default
# slipway-dev-token, for local development only: hence `serve --dev`, without which the
# server refuses to start with no token or the public one). The example services' artifacts
# and releases come from the example fleet (scripts/start.d/40-fleet.sh).
RM_DIR="$SLIPWAY_DATA/release-manager"
RM_LOG="$SLIPWAY_DATA/logs/release-manager.log"
export RELEASE_MANAGER_TOKEN="${RELEASE_MANAGER_TOKEN:-slipway-dev-token}"
mkdir -p "$RM_DIR" "$SLIPWAY_DATA/logs"
if curl -sf -o /dev/null http://localhost:7100/healthz; then
  echo "start: release manager already answers on :7100; not starting another"
else
  (
    cd "$ROOT/packages/release-manager" &&
      RELEASE_MANAGER_DATA_DIR="$RM_DIR" RELEASE_MANAGER_PORT=7100 \
        exec node bin/slipway-release-manager serve --dev
  ) >>"$RM_LOG" 2>&1 &
  SLIPWAY_PIDS+=($!)
  wait_for_url http://localhost:7100/healthz 60 release-manager || return 1
fi
echo "start: release manager on http://localhost:7100 (token: $RELEASE_MANAGER_TOKEN)"
