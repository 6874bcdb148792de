#!/usr/bin/env bash
# Runs schemathesis (PyPI) against /api/v1/openapi.json of a running `wadah demo`: no 5xx,
# every response matches the documented schema and status codes, and operations that need
# authentication refuse callers without it. The demo runs in a throw-away data dir.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET="${CARGO_TARGET_DIR:-target}"
VENV="${WADAH_VENV:-/var/tmp/wadah-venv}"
ST_VERSION="4.32.5"
PORT_WEB="${WADAH_ST_PORT:-18080}"

if [ ! -x "$VENV/bin/schemathesis" ] || ! "$VENV/bin/schemathesis" --version | grep -q "$ST_VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "schemathesis==$ST_VERSION"
fi

cargo build --locked -q -p wadah
DATA="$(mktemp -d)"
LOG="$DATA/demo.log"
"$TARGET/debug/wadah" demo --data-dir "$DATA" --listen "127.0.0.1:$PORT_WEB" \
  --gateway-listen "127.0.0.1:$((PORT_WEB + 1))" --sample-listen "127.0.0.1:0" >"$LOG" 2>&1 &
DEMO=$!
cleanup() { kill "$DEMO" 2>/dev/null || true; wait "$DEMO" 2>/dev/null || true; rm -rf "$DATA"; }
trap cleanup EXIT

for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT_WEB/healthz" >/dev/null && break
  if ! kill -0 "$DEMO" 2>/dev/null; then cat "$LOG"; echo "wadah demo exited early"; exit 1; fi
  sleep 0.5
done
TOKEN="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["admin"]["api_token"])' "$DATA/demo-credentials.json")"

"$VENV/bin/schemathesis" --config-file scripts/schemathesis.toml run "http://127.0.0.1:$PORT_WEB/api/v1/openapi.json" \
  --url "http://127.0.0.1:$PORT_WEB" \
  --header "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,ignored_auth \
  --max-examples "${WADAH_ST_EXAMPLES:-25}" \
  --seed 1 \
  --no-color
