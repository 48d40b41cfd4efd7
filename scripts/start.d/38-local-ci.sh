# shellcheck shell=bash
# Sourced by scripts/start: the Slipway local CI (packages/local-ci) on http://localhost:7400.
# It builds the repositories the golden-path template creates ($SLIPWAY_DATA/repos/<name>.git,
# whose post-receive hook notifies it): every push to a branch runs the repository's own
# ci/run.sh — test, podman build tagged with the commit sha, `kubectl kustomize` of each
# overlay, `slipway-release-manager artifact push` to :7100 — and auto-release takes main to
# dev. Runs and logs: $SLIPWAY_DATA/local-ci/ (GET /runs, /runs/<id>/log); log of the
# server: $SLIPWAY_DATA/logs/local-ci.log. Without podman, CI runs fail at the image build
# and say so. Node services build on localhost/slipway/node-base:22, assembled once from
# this machine's Node (deploy/release-manager/local-base-image.sh; no registry here), Go
# services on scratch.
mkdir -p "$SLIPWAY_DATA/local-ci" "$SLIPWAY_DATA/repos" "$SLIPWAY_DATA/podman" "$SLIPWAY_DATA/logs"
if LOCAL_CI_HEALTH="$(curl -s http://localhost:7400/healthz)"; then
  # another start's local CI: only usable when it builds this data folder's repositories
  if [[ "$LOCAL_CI_HEALTH" == *"\"reposDir\":\"$(realpath "$SLIPWAY_DATA/repos")\""* ]]; then
    echo "start: the local CI on :7400 already builds $SLIPWAY_DATA/repos; using it"
    return 0
  fi
  echo "start: something else answers on :7400 ($LOCAL_CI_HEALTH): stop it, or new services are not built" >&2
  return 0
fi
LOCAL_CI_LOG="$SLIPWAY_DATA/logs/local-ci.log"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$SLIPWAY_DATA/podman/containers.conf}"
if [ ! -f "$CONTAINERS_CONF" ]; then
  # These machines need runc (crun fails on hybrid cgroups) and no default rlimits.
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' >"$CONTAINERS_CONF"
fi
LOCAL_CI_NODE_BASE="${LOCAL_CI_NODE_BASE_IMAGE:-localhost/slipway/node-base:22}"
if command -v podman >/dev/null && ! podman image exists "$LOCAL_CI_NODE_BASE" 2>/dev/null; then
  # once per machine, in the background: a CI run that starts before it is done waits for it
  (
    exec 9>"$SLIPWAY_DATA/local-ci/node-base.lock"
    flock 9
    podman image exists "$LOCAL_CI_NODE_BASE" || "$ROOT/deploy/release-manager/local-base-image.sh" "$LOCAL_CI_NODE_BASE"
  ) >>"$LOCAL_CI_LOG" 2>&1 &
  SLIPWAY_PIDS+=($!)
  echo "start: local CI: building the Node base image $LOCAL_CI_NODE_BASE in the background (once)"
fi
(
  cd "$ROOT/packages/local-ci" &&
    PATH="$ROOT/packages/release-manager/bin:$PATH" \
      LOCAL_CI_PORT=7400 LOCAL_CI_HOST=127.0.0.1 \
      LOCAL_CI_DATA_DIR="$SLIPWAY_DATA/local-ci" LOCAL_CI_REPOS_DIR="$SLIPWAY_DATA/repos" \
      RELEASE_MANAGER_URL="${RELEASE_MANAGER_URL:-http://localhost:7100}" \
      RELEASE_MANAGER_ARTIFACT_TOKEN="${RELEASE_MANAGER_TOKEN:-slipway-dev-token}" \
      RELEASE_MANAGER_CLI="node $ROOT/packages/release-manager/bin/slipway-release-manager" \
      NODE_BASE_IMAGE="$LOCAL_CI_NODE_BASE" LOCAL_CI_RUN_LOCK="$SLIPWAY_DATA/local-ci/node-base.lock" \
      STATIC_BASE_IMAGE=scratch \
      npm_config_prefer_offline=true npm_config_update_notifier=false npm_config_fund=false \
      exec node bin/slipway-local-ci serve
) >>"$LOCAL_CI_LOG" 2>&1 &
SLIPWAY_PIDS+=($!)
wait_for_url http://localhost:7400/healthz 60 local-ci || return 1
echo "start: local CI on http://localhost:7400 (builds every push to $SLIPWAY_DATA/repos/*.git)"
