#!/usr/bin/env bash
# Builds the release manager's container image (packages/release-manager/Dockerfile).
#
#   deploy/release-manager/build-image.sh [--local] [--tool docker|podman] [-t IMAGE]
#
# 1. builds @slipway/plugin-release-manager-common and @slipway/release-manager (dist/);
# 2. puts them, with yarn.lock and the Yarn release, in a small workspace at
#    packages/release-manager/dist/workspace (`backstage-cli build-workspace`);
# 3. builds the image from packages/release-manager (its .dockerignore lets only that
#    workspace in).
#
# --local is for machines without an image registry (like this project's CI): the
#   production dependencies are installed here, on the host (the npm registry is enough),
#   and the base image is assembled from this machine's Node, git and ssh
#   (local-base-image.sh) instead of node:22-bookworm-slim.
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
cd "$ROOT"

local_build=
tool=
image=slipway-release-manager:latest
while [ $# -gt 0 ]; do
  case "$1" in
    --local) local_build=1 ;;
    --tool) tool="$2"; shift ;;
    -t) image="$2"; shift ;;
    *) echo "build-image: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$tool" ]; then
  if [ -n "$local_build" ] || ! command -v docker >/dev/null; then tool=podman; else tool=docker; fi
fi

t0=$SECONDS
ws=packages/release-manager/dist/workspace
yarn workspace @slipway/plugin-release-manager-common build
yarn workspace @slipway/release-manager build
rm -rf "$ws" && mkdir -p "$ws"
yarn backstage-cli build-workspace "$ws" @slipway/release-manager
cp .yarnrc.yml "$ws/"
mkdir -p "$ws/.yarn" && cp -r .yarn/releases "$ws/.yarn/"

args=(build -t "$image")
if [ -n "$local_build" ]; then
  # better-sqlite3 compiles against the project's Node (npm_config_nodedir from env.sh)
  (cd "$ws" && yarn workspaces focus --all --production)
  rm -rf "$ws/.yarn/cache" "$ws/.yarn/install-state.gz"
  base=localhost/slipway/node-base:22
  "$(dirname "$0")/local-base-image.sh" "$base" >/dev/null
  args+=(--build-arg "NODE_IMAGE=$base")
fi
if [ "$tool" = podman ]; then
  # Docker's image format keeps the HEALTHCHECK (OCI has none); runc and no rlimits, as
  # podman needs on these machines (../shared/ENVIRONMENT.md).
  args+=(--format docker --runtime runc)
  if [ -z "${CONTAINERS_CONF:-}" ]; then
    export CONTAINERS_CONF="${SLIPWAY_DATA:-$ROOT/.data}/podman/containers.conf"
    mkdir -p "$(dirname "$CONTAINERS_CONF")"
    [ -f "$CONTAINERS_CONF" ] || printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' > "$CONTAINERS_CONF"
  fi
fi
"$tool" "${args[@]}" packages/release-manager
echo "build-image: $image in $((SECONDS - t0))s"
