#!/bin/sh
# The CI entry point of ${{ values.name }}. GitHub Actions (.github/workflows/ci.yaml) and
# Slipway's local CI (on every push to the repository on a laptop) both run exactly this:
#   1. test    ci/test.sh; its pass/fail/skip counts go into the artifact
#   2. build   ci/compile.sh when there is one, then the image with podman (else docker), tagged with the commit sha: $IMAGE:<sha>
#   3. render  every deploy/overlays/<env> with the real kustomize, the image set to that tag
#   4. upload  the artifact (spec + manifests per environment) to the release manager with
#              `slipway-release-manager artifact push`; auto-release policies fire there
# Settings (environment): IMAGE (default localhost/slipway/<service>), BASE_IMAGE (the
# Dockerfile's base image; else NODE_BASE_IMAGE for a Node service, STATIC_BASE_IMAGE for a
# static binary), PUSH_IMAGE=1 (push the image), RELEASE_MANAGER_URL,
# RELEASE_MANAGER_ARTIFACT_TOKEN, RELEASE_MANAGER_CLI (default npx @slipway/release-manager),
# CI_JOB_URL (this run's log), UPLOAD=0 (stop before the upload). Output: build/ci/.
set -eu
cd "$(dirname "$0")/.."
now() { node -e 'console.log(Date.now())'; }
step() { echo; echo "== $1"; }
T_START=$(now)
SERVICE="${SERVICE:-${{ values.name }}}"
SHA="${CI_COMMIT_SHA:-$(git rev-parse HEAD)}"
BRANCH="${CI_BRANCH:-$(git rev-parse --abbrev-ref HEAD)}"
IMAGE="${IMAGE:-localhost/slipway/$SERVICE}"
TAG="$SHA"
OUT=build/ci
rm -rf "$OUT" && mkdir -p "$OUT/manifests"
echo "ci: $SERVICE $BRANCH $SHA"

step "test (ci/test.sh)"
t=$(now)
echo 0 >"$OUT/test.status"
{ sh ci/test.sh 2>&1 || echo $? >"$OUT/test.status"; } | tee "$OUT/test.log"
if [ "$(cat "$OUT/test.status")" != 0 ]; then
  echo "ci: FAILED: tests (ci/test.sh exited with $(cat "$OUT/test.status"))"
  exit 1
fi
T_TEST_MS=$(($(now) - t))

step "build $IMAGE:$TAG"
t=$(now)
if [ -f ci/compile.sh ]; then echo "$ sh ci/compile.sh"; sh ci/compile.sh; fi
if [ -f go.mod ]; then BASE_IMAGE="${BASE_IMAGE:-${STATIC_BASE_IMAGE:-}}"; else BASE_IMAGE="${BASE_IMAGE:-${NODE_BASE_IMAGE:-}}"; fi
CONTAINER_CLI="${CONTAINER_CLI:-$(command -v podman || command -v docker || echo podman)}"
CONTAINER_VERSION=$("$CONTAINER_CLI" --version)
"$CONTAINER_CLI" build --quiet ${BASE_IMAGE:+--build-arg "BASE_IMAGE=$BASE_IMAGE"} \
  --label "org.opencontainers.image.revision=$SHA" --label "org.opencontainers.image.title=$SERVICE" \
  -t "$IMAGE:$TAG" .
PUSHED=0
if [ "${PUSH_IMAGE:-0}" = 1 ]; then
  "$CONTAINER_CLI" push "$IMAGE:$TAG"
  PUSHED=1
fi
T_BUILD_MS=$(($(now) - t))

step "render deploy/overlays/* with kustomize"
t=$(now)
if [ -z "${KUSTOMIZE:-}" ]; then
  if command -v kustomize >/dev/null; then KUSTOMIZE="kustomize build"; else KUSTOMIZE="kubectl kustomize"; fi
fi
KUSTOMIZE_VERSION=$(kubectl version --client 2>/dev/null | sed -n 's/^Kustomize Version: //p' || true)
pids=""
for overlay in deploy/overlays/*/; do
  env=$(basename "$overlay")
  mkdir -p "$OUT/overlays/$env" "$OUT/manifests/$env"
  # a kustomization on top of the overlay that sets the image to the one just built
  cat >"$OUT/overlays/$env/kustomization.yaml" <<KUSTOMIZATION
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../../../../deploy/overlays/$env]
images:
  - name: ghcr.io/slipway-dev/$SERVICE
    newName: $IMAGE
    newTag: "$TAG"
KUSTOMIZATION
  $KUSTOMIZE "$OUT/overlays/$env" >"$OUT/manifests/$env/40-$SERVICE.yaml" &
  pids="$pids $!"
done
for pid in $pids; do wait "$pid" || { echo "ci: FAILED: kustomize of an overlay"; exit 1; }; done
for manifest in "$OUT"/manifests/*/*.yaml; do
  echo "$(basename "$(dirname "$manifest")"): $(grep -c '^kind:' "$manifest") objects, image $(sed -n 's/^ *image: //p' "$manifest" | head -1)"
done
T_RENDER_MS=$(($(now) - t))

export SERVICE SHA BRANCH IMAGE TAG T_START T_TEST_MS T_BUILD_MS T_RENDER_MS CONTAINER_VERSION KUSTOMIZE_VERSION PUSHED
ARTIFACT_ID=$(node ci/artifact.mjs "$OUT")
echo "ci: test ${T_TEST_MS} ms, build ${T_BUILD_MS} ms, render ${T_RENDER_MS} ms; artifact $ARTIFACT_ID"
if [ "${UPLOAD:-1}" = 0 ]; then
  echo "ci: UPLOAD=0: not uploading $OUT/artifact.json"
  exit 0
fi

step "upload artifact $ARTIFACT_ID"
t=$(now)
# shellcheck disable=SC2086 # RELEASE_MANAGER_CLI is a command with arguments
${RELEASE_MANAGER_CLI:-npx --yes @slipway/release-manager} artifact push \
  ${RELEASE_MANAGER_ARTIFACT_TOKEN:+--token "$RELEASE_MANAGER_ARTIFACT_TOKEN"} \
  --spec "$OUT/artifact.json" --manifests "$OUT/manifests"
echo "ci: uploaded $ARTIFACT_ID in $(($(now) - t)) ms"
