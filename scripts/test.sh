#!/usr/bin/env bash
# The whole test suite: unit, conformance and API tests on SQLite and PostgreSQL, then an
# OpenAPI fuzz run (schemathesis) against a running `wadah demo`.
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

echo "== cargo test (PostgreSQL: ${WADAH_TEST_POSTGRES_URL:-not configured})"
cargo test --workspace --locked

echo "== schemathesis against a running demo"
bash scripts/schemathesis.sh
