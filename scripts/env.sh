# shellcheck shell=bash
# Sourced by the scripts in this folder: puts the project's Node (22 or 24) and its
# committed Yarn on PATH, and points node-gyp at that Node's headers.
# Sets ROOT (the repository root) and TOOLS (the git-ignored .tools folder).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
export ROOT TOOLS

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

node_pkg_dir() {
  local os arch
  case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) os=linux ;; esac
  case "$(uname -m)" in x86_64|amd64) arch=x64 ;; aarch64|arm64) arch=arm64 ;; *) arch=x64 ;; esac
  echo "node-$os-$arch"
}

NODE_PKG="$(node_pkg_dir)"
if [ -x "$TOOLS/node_modules/$NODE_PKG/bin/node" ]; then
  export PATH="$TOOLS/node_modules/$NODE_PKG/bin:$PATH"
  export npm_config_nodedir="$TOOLS/node_modules/$NODE_PKG"
elif command -v node >/dev/null 2>&1; then
  case "$(node_major)" in
    22|24)
      # The system Node: its headers sit next to its binary (…/bin/node → …/include/node).
      export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")"
      ;;
  esac
fi

# `yarn` on PATH runs the committed Yarn release (a shim in .tools/bin), so it also
# works under `timeout`, `xargs` and child scripts.
SLIPWAY_YARN_RELEASE="$(ls "$ROOT"/.yarn/releases/yarn-*.cjs | head -n 1)"

if ! grep -qF "$SLIPWAY_YARN_RELEASE" "$TOOLS/bin/yarn" 2>/dev/null; then
  mkdir -p "$TOOLS/bin"
  printf '#!/bin/sh\nexec node "%s" "$@"\n' "$SLIPWAY_YARN_RELEASE" > "$TOOLS/bin/yarn"
  chmod +x "$TOOLS/bin/yarn"
fi
case ":$PATH:" in *":$TOOLS/bin:"*) ;; *) export PATH="$TOOLS/bin:$PATH" ;; esac
export YARN_ENABLE_TELEMETRY=0

# Where npm is configured with a custom CA (a TLS-inspecting proxy), let Node (and so
# Yarn) trust it too.
if [ -z "${NODE_EXTRA_CA_CERTS:-}" ]; then
  for f in /etc/npmrc "$HOME/.npmrc"; do
    ca="$(sed -n 's/^cafile *= *//p' "$f" 2>/dev/null | tail -n 1)"
    if [ -n "$ca" ] && [ -f "$ca" ]; then export NODE_EXTRA_CA_CERTS="$ca"; fi
  done
fi
