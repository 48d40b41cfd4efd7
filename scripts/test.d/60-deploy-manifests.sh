# shellcheck shell=bash
# The Kubernetes manifests under deploy/: rendered with `kubectl kustomize` and validated
# against the Kubernetes and Flux schemas (kubernetes-models), plus the release
# manager's wiring (deploy/test). deploy/test is a Yarn project of its own (not a
# workspace), so its install does not touch the portal's.
command -v kubectl >/dev/null || apt_install kubernetes-client
(
  cd "$ROOT/deploy/test"
  yarn install --immutable >/dev/null
  yarn test
)
