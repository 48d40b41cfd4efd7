#!/bin/sh
# The static binary the image runs (ci/run.sh calls this before the image build).
set -eu
cd "$(dirname "$0")/.."
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o build/service .
