# podman + runc for the local cluster's tests (packages/local-cluster: real pods, images
# built with podman build from a static Go binary); they skip with a message without them.
command -v podman >/dev/null || apt_install podman runc
command -v runc >/dev/null || apt_install runc
