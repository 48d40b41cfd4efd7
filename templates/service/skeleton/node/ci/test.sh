#!/bin/sh
# Unit tests of ${{ values.name }} (node:test). ci/run.sh counts the results.
set -eu
cd "$(dirname "$0")/.."
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
node --test --test-reporter=tap "test/*.test.ts"
