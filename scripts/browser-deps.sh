#!/usr/bin/env bash
# Installs what the browser tests (crates/wadah/tests/browser.rs) need, when it is missing:
#   - Debian's chromium and chromium-driver (same source package, so their versions match);
#   - axe-core, the accessibility checker the tests inject into each page, pinned by
#     tests/browser/package.json + package-lock.json and installed into a cache OUTSIDE the repo
#     ($WADAH_NODE_DIR, default /var/tmp/wadah-node), so no node_modules lands in the tree.
# Safe to run again: it does nothing when everything is present. Without root (or apt-get) it
# says what to install and goes on; the tests themselves then fail in CI and warn locally.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_DIR="${WADAH_NODE_DIR:-/var/tmp/wadah-node}"

if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  echo "browser-deps: $(chromium --version 2>/dev/null | head -1) and chromedriver present"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "browser-deps: installing chromium and chromium-driver from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends chromium chromium-driver \
    || { apt-get update && apt-get install -y --no-install-recommends chromium chromium-driver; }
else
  echo "browser-deps: chromium/chromedriver missing; install them with:" >&2
  echo "  sudo apt-get install -y chromium chromium-driver" >&2
fi

want="$(sed -n 's/.*"axe-core": "\([^"]*\)".*/\1/p' tests/browser/package.json)"
have="$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' "$NODE_DIR/node_modules/axe-core/package.json" 2>/dev/null | head -1 || true)"
if [ -n "$want" ] && [ "$want" = "$have" ] && [ -f "$NODE_DIR/node_modules/axe-core/axe.min.js" ]; then
  echo "browser-deps: axe-core $have present in $NODE_DIR"
elif command -v npm >/dev/null 2>&1; then
  echo "browser-deps: installing axe-core $want into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  cp tests/browser/package.json tests/browser/package-lock.json "$NODE_DIR/"
  (cd "$NODE_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
else
  echo "browser-deps: npm missing, so axe-core cannot be installed (apt-get install -y npm)" >&2
fi
