# shellcheck shell=bash
# Sourced by scripts/start: the local cluster (packages/local-cluster) on http://localhost:7200,
# the embedded stand-in for Flux's kustomize-controller. It applies the release manager's
# config repo ($SLIPWAY_DATA/release-manager/config-repo.git, branch main) to podman: one pod
# per replica, host ports on 127.0.0.1 from 20000-29999, and reports each apply to the release
# manager's /webhook/flux/{env} (token $RELEASE_MANAGER_TOKEN). State in
# $SLIPWAY_DATA/local-cluster/ (clone, ports.json, state.json, file_sd/pods.json for Prometheus);
# podman runs with $SLIPWAY_DATA/podman/containers.conf (runc, no default ulimits).
# Pods keep running when scripts/start stops; on the next start they converge on the repo.
# Without podman it still answers, and GET /status says why ({available:false, reason}).
LC_LOG="$SLIPWAY_DATA/logs/local-cluster.log"
mkdir -p "$SLIPWAY_DATA/local-cluster" "$SLIPWAY_DATA/logs"
if ! command -v podman >/dev/null; then
  echo "start: podman not installed; the local cluster runs without pods (install: apt-get install podman runc)"
fi
if curl -sf -o /dev/null http://localhost:7200/healthz; then
  echo "start: local cluster already answers on :7200; not starting another"
else
  (
    cd "$ROOT/packages/local-cluster" &&
      LOCAL_CLUSTER_PORT=7200 LOCAL_CLUSTER_NAME="${LOCAL_CLUSTER_NAME:-local}" \
        LOCAL_CLUSTER_CONFIG_REPO="${LOCAL_CLUSTER_CONFIG_REPO:-$SLIPWAY_DATA/release-manager/config-repo.git}" \
        RELEASE_MANAGER_URL="${RELEASE_MANAGER_URL:-http://localhost:7100}" \
        exec node bin/slipway-local-cluster serve
  ) >>"$LC_LOG" 2>&1 &
  SLIPWAY_PIDS+=($!)
  wait_for_url http://localhost:7200/healthz 60 local-cluster || return 1
fi
echo "start: local cluster on http://localhost:7200 (status: /status; log: $LC_LOG)"
