#!/usr/bin/env bash
# The whole test suite: unit, conformance and API tests on SQLite and PostgreSQL, then an
# OpenAPI fuzz run (schemathesis) against a running `wadah demo`. Browser tests (headless
# Chromium + axe-core) run inside `cargo test`; scripts/browser-deps.sh installs what they need.
#
# PostgreSQL tests use WADAH_TEST_POSTGRES_URL (a server URL; each run creates and drops its own
# databases). When it is unset and a server answers on 127.0.0.1:5432 it is used; when none is
# found the PostgreSQL tests print a loud notice locally and FAIL in CI (CI=true).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${WADAH_TEST_POSTGRES_URL:-}" ] && command -v pg_isready >/dev/null 2>&1 \
   && pg_isready -q -h 127.0.0.1 -p 5432; then
  export WADAH_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432/postgres"
fi

# Redis for the cluster-wide rate-limit tests: used when one answers on 127.0.0.1:6379.
if [ -z "${WADAH_TEST_REDIS_URL:-}" ] && command -v redis-cli >/dev/null 2>&1 \
   && redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  export WADAH_TEST_REDIS_URL="redis://127.0.0.1:6379"
fi

# Chromium, chromedriver and axe-core for the browser tests (crates/wadah/tests/browser.rs);
# a no-op when present. If it cannot install them, the browser tests say so (and fail in CI).
echo "== browser test dependencies"
bash scripts/browser-deps.sh || echo "browser-deps: install failed; see the browser test's notice"
bash scripts/oidc-deps.sh || echo "oidc-deps: install failed; the single sign-on test will say so"
bash scripts/xmllint-deps.sh || echo "xmllint-deps: install failed; the ArchiMate schema tests will say so"

LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT

echo "== cargo test (PostgreSQL: ${WADAH_TEST_POSTGRES_URL:-not configured})"
set +e
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$LOG"
cargo_status=${PIPESTATUS[0]}
set -e

echo "== schemathesis against a running demo"
set +e
bash scripts/schemathesis.sh
st_status=$?
set -e

# One closing line for the whole suite (cargo's per-binary results summed; schemathesis counts
# as one test).
read -r passed failed < <(grep -E '^test result:' "$LOG" \
  | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/' \
  | awk '{p += $1; f += $2} END {print p + 0, f + 0}')
if [ "$st_status" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
if [ "$cargo_status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo
echo "wadah: $passed passed, $failed failed"
[ "$cargo_status" -eq 0 ] && [ "$st_status" -eq 0 ]
