#!/usr/bin/env bash
# Builds the release manager image with podman (build-image.sh --local unless
# --no-build), runs it with production settings (tokens set, no --dev) on a free
# loopback port, and checks that /healthz answers, that it runs as a non-root user, that
# the image's HEALTHCHECK passes and that an authenticated API call works. Removes the
# container afterwards. By hand: about 8 min with the build (better-sqlite3 compiles),
# 15 s without.
#
#   deploy/release-manager/check-image.sh [--no-build] [-t IMAGE]
set -euo pipefail
source "$(dirname "$0")/../../scripts/env.sh"
image=localhost/slipway/release-manager:check
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build= ;;
    -t) image="$2"; shift ;;
    *) echo "check-image: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
export CONTAINERS_CONF="${CONTAINERS_CONF:-${SLIPWAY_DATA:-$ROOT/.data}/podman/containers.conf}"
mkdir -p "$(dirname "$CONTAINERS_CONF")"
[ -f "$CONTAINERS_CONF" ] || printf '[containers]\ndefault_ulimits = []\n[engine]\nruntime = "runc"\n' > "$CONTAINERS_CONF"
[ -z "$build" ] || "$(dirname "$0")/build-image.sh" --local -t "$image"

port="$(node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
name="rm-image-check-$$"
token="check-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
cleanup() { podman rm -f "$name" >/dev/null 2>&1 || true; }
trap cleanup EXIT
t0=$(date +%s%N)
podman run -d --runtime runc --name "$name" -p "127.0.0.1:$port:7100" \
  -e RELEASE_MANAGER_TOKEN="$token" -e RELEASE_MANAGER_DAEMON_TOKEN="$token-daemon" \
  -e RELEASE_MANAGER_ARTIFACT_TOKEN="$token-ci" "$image" >/dev/null 2>&1
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; then break; fi
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/healthz" | grep -q '"status":"ok"' || {
  echo "check-image: /healthz did not answer" >&2; podman logs "$name" >&2; exit 1; }
echo "check-image: /healthz ok after $((($(date +%s%N) - t0) / 1000000)) ms"
uid="$(podman exec "$name" id -u 2>/dev/null)"
[ "$uid" != 0 ] || { echo "check-image: runs as root" >&2; exit 1; }
echo "check-image: runs as uid $uid"
podman healthcheck run "$name" 2>/dev/null && echo "check-image: HEALTHCHECK passes"
code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/services")"
[ "$code" = 401 ] || { echo "check-image: /services without a token answered $code, not 401" >&2; exit 1; }
curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/services" | grep -q '"environments"' ||
  { echo "check-image: /services with the token failed" >&2; exit 1; }
echo "check-image: API answers with the token, 401 without"
