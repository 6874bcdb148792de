#!/usr/bin/env bash
# Installs what the single sign-on tests (crates/wadah/tests/sso.rs) need, when it is missing:
# the OpenID provider `oidc-provider` (a certified, standards-conformant implementation from
# the npm registry), pinned by tests/oidc/package.json + package-lock.json and installed into a
# cache OUTSIDE the repo ($WADAH_OIDC_DIR, default /var/tmp/wadah-oidc), so no node_modules
# lands in the tree. The tests run tests/oidc/provider.mjs (ours) with it.
# Safe to run again: it does nothing when the pinned version is present. Without npm it says
# what to install and goes on; the tests then fail in CI and warn locally.
set -euo pipefail
cd "$(dirname "$0")/.."

OIDC_DIR="${WADAH_OIDC_DIR:-/var/tmp/wadah-oidc}"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "oidc-deps: node/npm missing, so oidc-provider cannot be installed (apt-get install -y nodejs npm)" >&2
  exit 0
fi
want="$(sed -n 's/.*"oidc-provider": "\([^"]*\)".*/\1/p' tests/oidc/package.json)"
have="$(sed -n 's/.*"version": "\([^"]*\)".*/\1/p' "$OIDC_DIR/node_modules/oidc-provider/package.json" 2>/dev/null | head -1 || true)"
if [ -n "$want" ] && [ "$want" = "$have" ]; then
  echo "oidc-deps: oidc-provider $have present in $OIDC_DIR"
else
  echo "oidc-deps: installing oidc-provider $want into $OIDC_DIR"
  mkdir -p "$OIDC_DIR"
  cp tests/oidc/package.json tests/oidc/package-lock.json "$OIDC_DIR/"
  (cd "$OIDC_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi
