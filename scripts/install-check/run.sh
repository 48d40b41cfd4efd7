#!/usr/bin/env bash
# Installs Slipway into a fresh Backstage app the way a user would, and checks it works:
#   1. builds and packs every Slipway plugin (`yarn pack`, as they would be published);
#   2. creates a fresh app with `npx @backstage/create-app --legacy --skip-install`;
#   3. follows each plugin README's "## Install" section (apply-readme.mjs);
#   4. installs (the tarballs through root `resolutions`), type-checks the app (`yarn tsc`);
#   5. starts its backend on SQLite beside a release manager from this repository, and
#      checks that each plugin's routes answer for an annotated entity.
# Prints the time of each step. Leaves the app in $INSTALL_CHECK_DIR (default: a temp
# folder, removed on success unless --keep).
#
# Usage: scripts/install-check/run.sh [--keep]
set -euo pipefail
source "$(dirname "$0")/../env.sh"
HERE="$ROOT/scripts/install-check"
keep=; [ "${1:-}" = --keep ] && keep=1
WORK="${INSTALL_CHECK_DIR:-$(mktemp -d /tmp/slipway-install-check.XXXXXX)}"
mkdir -p "$WORK"
APP="$WORK/app"
TARBALLS="$WORK/tarballs"
t0=$SECONDS
step() { echo; echo "== install-check: $1 ($((SECONDS - t0))s)"; }
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT
set -m # background jobs get their own process group

# The installable packages: every plugin (frontend, backend, module, common, node).
PLUGINS=()
for d in "$ROOT"/plugins/*/; do PLUGINS+=("$(basename "$d")"); done

# INSTALL_CHECK_FROM=start with INSTALL_CHECK_DIR reuses an app made by an earlier run.
if [ "${INSTALL_CHECK_FROM:-}" != start ]; then
step "build and pack ${#PLUGINS[@]} packages"
cd "$ROOT"
yarn tsc >"$WORK/tsc.log" 2>&1 || echo "install-check: yarn tsc reported errors (see $WORK/tsc.log); declarations are still emitted"
rm -rf "$TARBALLS" && mkdir -p "$TARBALLS"
for p in "${PLUGINS[@]}"; do
  name="$(node -p "require('./plugins/$p/package.json').name")"
  version="$(node -p "require('./plugins/$p/package.json').version")"
  (cd "plugins/$p" && yarn backstage-cli package build >"$WORK/build-$p.log" 2>&1) ||
    { echo "install-check: building $name failed:" >&2; tail -20 "$WORK/build-$p.log" >&2; exit 1; }
  yarn workspace "$name" pack --out "$TARBALLS/$p-$version.tgz" >/dev/null
done
ls "$TARBALLS"

step "create a fresh Backstage app (@backstage/create-app --legacy)"
rm -rf "$APP"
(cd "$WORK" && echo app | npx -y "@backstage/create-app@${CREATE_APP_VERSION:-latest}" \
  --legacy --skip-install --path "$APP" >"$WORK/create-app.log" 2>&1) ||
  { tail -20 "$WORK/create-app.log" >&2; exit 1; }

# The registry here lags for some platform binaries (../shared/ENVIRONMENT.md): pin them,
# and resolve every Slipway package to its tarball.
node -e '
  const fs = require("fs"), path = require("path");
  const [pkgFile, tarballs] = process.argv.slice(1);
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
  pkg.resolutions = { ...pkg.resolutions, "@swc/core": "1.16.18", rollup: "4.67.4",
    "unrs-resolver": "1.12.2", "@yarnpkg/core": "4.9.1" };
  for (const f of fs.readdirSync(tarballs)) {
    const p = JSON.parse(require("child_process").execFileSync("tar",
      ["-xOzf", path.join(tarballs, f), "package/package.json"], { encoding: "utf8" }));
    pkg.resolutions[p.name] = "file:" + path.join(tarballs, f);
  }
  fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + "\n");
' "$APP/package.json" "$TARBALLS"

step "follow the README Install sections"
READMES=()
for p in "${PLUGINS[@]}"; do
  if grep -q '^## Install' "$ROOT/plugins/$p/README.md" 2>/dev/null; then READMES+=("$ROOT/plugins/$p/README.md"); fi
done
node "$HERE/apply-readme.mjs" "$APP" "${READMES[@]}"

# An entity for the checks, annotated as the plugin pages say, and the config it needs.
cat "$HERE/fixtures/slipway-check.yaml" >>"$APP/examples/entities.yaml"

# create-app seeds yarn.lock from GitHub; where that cannot be reached the newest versions
# of every range do not always fit together (plugin-signals-backend 0.3.21 needs a
# backend-defaults newer than the template's ^0.18.0). Seed it with this repository's
# lock file instead when both are on the same Backstage release.
if [ "$(node -p "require('$APP/backstage.json').version")" = "$(node -p "require('$ROOT/backstage.json').version")" ]; then
  cp "$ROOT/yarn.lock" "$APP/yarn.lock"
fi

step "yarn install"
cd "$APP"
yarn install >"$WORK/install.log" 2>&1 || { tail -30 "$WORK/install.log" >&2; exit 1; }

step "type-check the app (yarn tsc)"
yarn tsc >"$WORK/app-tsc.log" 2>&1 || { cat "$WORK/app-tsc.log" >&2; exit 1; }
fi

step "start a release manager and the app's backend (SQLite)"
free_port() { node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
RM_PORT="$(free_port)"
BACKEND_PORT="$(free_port)"
RM_TOKEN="install-check-$$"
RELEASE_MANAGER_PORT="$RM_PORT" RELEASE_MANAGER_HOST=127.0.0.1 RELEASE_MANAGER_DATA_DIR="$WORK/release-manager" \
  RELEASE_MANAGER_TOKEN="$RM_TOKEN" node "$ROOT/packages/release-manager/bin/slipway-release-manager" serve \
  >"$WORK/release-manager.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$RM_PORT/healthz" >/dev/null && break; sleep 1; done
# as CI would: upload the check service's artifact, then release it to dev
RM_CLI=(node "$ROOT/packages/release-manager/bin/slipway-release-manager")
"${RM_CLI[@]}" artifact push --url "http://127.0.0.1:$RM_PORT" --token "$RM_TOKEN" \
  --spec "$HERE/fixtures/artifact/artifact.json" --manifests "$HERE/fixtures/artifact/k8s" >"$WORK/artifact.log" 2>&1 ||
  { cat "$WORK/artifact.log" >&2; exit 1; }
"${RM_CLI[@]}" release --url "http://127.0.0.1:$RM_PORT" --token "$RM_TOKEN" --service slipway-check \
  --environment dev --artifact main-1a2b3c4d5e-6f7a8b9c0d --name "Install Check" \
  --email install-check@example.com >>"$WORK/artifact.log" 2>&1 || { cat "$WORK/artifact.log" >&2; exit 1; }

sed -e "s#@BACKEND_PORT@#$BACKEND_PORT#g" -e "s#@RM_URL@#http://127.0.0.1:$RM_PORT#g" \
  -e "s#@RM_TOKEN@#$RM_TOKEN#g" -e "s#@REPOS@#$WORK/repos#g" \
  "$HERE/fixtures/app-config.check.yaml" >"$APP/app-config.check.yaml"
(cd "$APP/packages/backend" && NODE_ENV=development yarn backstage-cli package start \
  --config ../../app-config.yaml --config ../../app-config.check.yaml >"$WORK/backend.log" 2>&1) &
PIDS+=($!)
BASE="http://127.0.0.1:$BACKEND_PORT"
for _ in $(seq 1 180); do curl -sf "$BASE/.backstage/health/v1/readiness" >/dev/null && break; sleep 1; done
curl -sf "$BASE/.backstage/health/v1/readiness" >/dev/null ||
  { echo "install-check: the backend did not start" >&2; tail -40 "$WORK/backend.log" >&2; exit 1; }

step "check the plugins' routes"
node "$HERE/check-routes.mjs" "$BASE"

step "passed in $((SECONDS - t0))s"
cd "$ROOT"
if [ -z "$keep" ] && [ -z "${INSTALL_CHECK_DIR:-}" ]; then cleanup; rm -rf "$WORK"; else echo "install-check: kept $WORK"; fi
