# shellcheck shell=bash
# Sourced by scripts/start: the Slipway release daemon (packages/release-daemon) with the
# podman backend on http://localhost:7300 (/healthz, /metrics). It watches the pods the
# local cluster runs on podman (labels slipway.dev/managed-by=local-cluster and
# slipway.dev/cluster=$LOCAL_CLUSTER_NAME, default local: never other clusters' pods) and reports
# rollouts (ready n/n, stalls) and crash loops (with the last log lines) to the release
# manager's daemon webhooks on :7100, with the release manager's daemon token: the
# release manager defaults it to $RELEASE_MANAGER_TOKEN (slipway-dev-token in development).
# State (what was reported): $SLIPWAY_DATA/release-daemon/; log: $SLIPWAY_DATA/logs/release-daemon.log.
if ! command -v podman >/dev/null; then
  echo "release daemon: podman not installed; rollouts are not reported"
  return 0
fi
if curl -s -o /dev/null http://localhost:7300/healthz; then
  echo "start: something already answers on :7300; using it as the release daemon"
  return 0
fi
mkdir -p "$SLIPWAY_DATA/release-daemon" "$SLIPWAY_DATA/podman" "$SLIPWAY_DATA/logs"
(
  cd "$ROOT/packages/release-daemon" &&
    RELEASE_DAEMON_BACKEND=podman RELEASE_DAEMON_PORT=7300 RELEASE_DAEMON_HOST=127.0.0.1 \
      RELEASE_MANAGER_URL=http://localhost:7100 \
      RELEASE_DAEMON_PODMAN_CLUSTER="${LOCAL_CLUSTER_NAME:-local}" \
      RELEASE_MANAGER_DAEMON_TOKEN="${RELEASE_MANAGER_DAEMON_TOKEN:-${RELEASE_MANAGER_TOKEN:-slipway-dev-token}}" \
      RELEASE_DAEMON_STATE_FILE="$SLIPWAY_DATA/release-daemon/state.json" \
      CONTAINERS_CONF="${CONTAINERS_CONF:-$SLIPWAY_DATA/podman/containers.conf}" \
      exec node bin/slipway-release-daemon serve
) >>"$SLIPWAY_DATA/logs/release-daemon.log" 2>&1 &
SLIPWAY_PIDS+=($!)
wait_for_url http://localhost:7300/healthz 60 release-daemon || return 1
echo "start: release daemon (podman) on http://localhost:7300"
