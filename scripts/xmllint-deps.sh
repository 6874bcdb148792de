#!/usr/bin/env bash
# Installs xmllint (Debian's libxml2-utils) when it is missing: the ArchiMate exchange tests
# (crates/wadah-exchange/tests/xsd.rs) validate every exported file against The Open Group's
# XSDs with it, offline. Safe to run again: it does nothing when xmllint is present. Without
# root (or apt-get) it says what to install; the tests then fail in CI and warn locally.
set -euo pipefail

if command -v xmllint >/dev/null 2>&1; then
  echo "xmllint-deps: $(xmllint --version 2>&1 | head -1) present"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "xmllint-deps: installing libxml2-utils from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends libxml2-utils \
    || { apt-get update && apt-get install -y --no-install-recommends libxml2-utils; }
else
  echo "xmllint-deps: xmllint missing; install it with:" >&2
  echo "  sudo apt-get install -y libxml2-utils" >&2
fi
