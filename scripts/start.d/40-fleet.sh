# shellcheck shell=bash
# Sourced by scripts/start: the example fleet (packages/example-fleet, docs/plugins/example-fleet.md).
# 1. images: builds the Go demo workload once (static, CGO_ENABLED=0) and one podman image
#    FROM scratch, tagged localhost/slipway/<service>:<sha10> for every artifact of the
#    example services (skips what exists); needs `go` and `podman`.
# 2. up: uploads the example services' artifacts to the release manager (:7100, or
#    $RELEASE_MANAGER_URL) and
#    releases them to dev, staging and prod (history once; on an existing data folder it
#    resumes without seeding again). The local cluster then runs them as pods.
# 3. load: a light load generator (2-5 req/s per service and environment) on every ready
#    pod listed in $SLIPWAY_DATA/local-cluster/file_sd/pods.json.
# All three run in one background job so the portal starts at once; its log is
# $SLIPWAY_DATA/logs/example-fleet.log, its state $SLIPWAY_DATA/example-fleet/.
# Without podman or go the artifacts are still released (the Releases tab has data), and
# the start log says what to install.
FLEET_LOG="$SLIPWAY_DATA/logs/example-fleet.log"
mkdir -p "$SLIPWAY_DATA/example-fleet" "$SLIPWAY_DATA/podman" "$SLIPWAY_DATA/logs"
export CONTAINERS_CONF="${CONTAINERS_CONF:-$SLIPWAY_DATA/podman/containers.conf}"
if [ ! -f "$CONTAINERS_CONF" ]; then
  # These machines need runc (crun fails on hybrid cgroups) and no default rlimits.
  printf '[containers]\ndefault_ulimits = []\n\n[engine]\nruntime = "runc"\n' >"$CONTAINERS_CONF"
fi

fleet_missing=""
command -v podman >/dev/null || fleet_missing="podman runc"
command -v go >/dev/null || fleet_missing="${fleet_missing:+$fleet_missing }golang-go"
if [ -n "$fleet_missing" ]; then
  echo "start: example fleet not running: install ${fleet_missing} (Debian/Ubuntu: sudo apt-get install ${fleet_missing}); releasing its artifacts anyway"
fi
FLEET_RM_URL="${RELEASE_MANAGER_URL:-http://localhost:7100}"
if ! curl -sf -o /dev/null "$FLEET_RM_URL/healthz"; then
  echo "start: example fleet not released: the release manager does not answer at $FLEET_RM_URL" >&2
  return 0
fi

(
  cd "$ROOT/packages/example-fleet" || exit 1
  # One line to the start log (fd 3, the terminal of scripts/start) and to the fleet log.
  fleet_say() { echo "$1"; echo "$1" >&3; }
  export RELEASE_MANAGER_URL="$FLEET_RM_URL"
  if [ -z "$fleet_missing" ]; then
    if ! node bin/slipway-example-fleet images; then
      fleet_say "start: example fleet not running: building its images failed; see $FLEET_LOG"
      fleet_missing=images
    fi
  fi
  if node bin/slipway-example-fleet up; then
    fleet_say "start: example fleet released to dev, staging and prod (see $SLIPWAY_DATA/example-fleet/fleet.json)"
  else
    fleet_say "start: warning: example fleet release failed; see $FLEET_LOG"
  fi
  if [ -z "$fleet_missing" ]; then
    exec node bin/slipway-example-fleet load 3>&-
  fi
) 3>&1 >>"$FLEET_LOG" 2>&1 &
SLIPWAY_PIDS+=($!)
if [ -z "$fleet_missing" ]; then
  echo "start: example fleet: building images, releasing and sending load in the background (log: $FLEET_LOG)"
else
  echo "start: example fleet: releasing its artifacts in the background (log: $FLEET_LOG)"
fi
