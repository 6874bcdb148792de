#!/usr/bin/env bash
# Server render time and first-load size of the public portal's main pages, against a running
# `wadah demo` (or any Wadah): p50/p95 of curl's time to the last byte, over SAMPLES requests
# per page, and the bytes of HTML + CSS + JS a first visit downloads.
#
#   wadah demo &                                    # prints its web URL
#   bench/portal.sh http://127.0.0.1:8080           # SAMPLES=200 by default
#
# With CREDS=wadah-demo/demo-credentials.json it also signs in (the demo admin, then the demo
# civil servant) and measures the console, the developer portal and the staff portal /asn.
#
# The budget (issue 4): under 50 ms p95 per page, under 100 KB per first load.
set -euo pipefail
WEB="${1:?usage: bench/portal.sh WEB_URL}"
SAMPLES="${SAMPLES:-200}"
CREDS="${CREDS:-}"
PAGES=("/" "/cari?q=bantuan" "/cari?q=bantaun" "/topik/bantuan-sosial" "/instansi/dinsos"
       "/layanan/dinsos/pengajuan-bansos" "/layanan/dinsos/tidak-ada"
       "/developer" "/developer/bpsdm/simpeg/pegawai")
ADMIN_PAGES=("/console" "/console/instansi/bpsdm" "/console/dasbor" "/console/dasbor?jendela=30d"
             "/console/peta" "/console/jejak" "/console/indeks")
STAFF_PAGES=("/asn")
JAR_ADMIN="$(mktemp)"; JAR_STAFF="$(mktemp)"
trap 'rm -f "$JAR_ADMIN" "$JAR_STAFF"' EXIT

# Signs in through the console's form (same-origin post) and keeps the session cookie in $1.
sign_in() {
  curl -s -o /dev/null -c "$1" -H "Origin: $WEB" --data-urlencode "username=$2" \
    --data-urlencode "password=$3" --data-urlencode "kembali=/console" "$WEB/console/masuk"
}

measure() { # page, cookie jar or ""
  local page="$1" jar="$2" cookie=()
  [ -n "$jar" ] && cookie=(-b "$jar")
  times="$(for _ in $(seq "$SAMPLES"); do
    curl -s -o /dev/null "${cookie[@]}" -w '%{time_total}\n' "$WEB$page"
  done | sort -n)"
  p50="$(sed -n "$(( (SAMPLES + 1) / 2 ))p" <<<"$times")"
  p95="$(sed -n "$(( (SAMPLES * 95 + 99) / 100 ))p" <<<"$times")"
  html="$(curl -s "${cookie[@]}" "$WEB$page")"
  total="$(printf '%s' "$html" | wc -c)"
  for asset in $(grep -oE '/aset/[^"]+' <<<"$html" | sort -u); do
    total=$(( total + $(curl -s "$WEB$asset" | wc -c) ))
  done
  printf '%-36s %8.1f %8.1f %8d B\n' "$page" "$(echo "$p50 * 1000" | bc -l)" \
    "$(echo "$p95 * 1000" | bc -l)" "$total"
}

printf '%-36s %8s %8s %10s\n' page p50_ms p95_ms first_load
for page in "${PAGES[@]}"; do measure "$page" ""; done
if [ -n "$CREDS" ]; then
  sign_in "$JAR_ADMIN" "$(jq -r .admin.username "$CREDS")" "$(jq -r .admin.password "$CREDS")"
  for page in "${ADMIN_PAGES[@]}"; do measure "$page" "$JAR_ADMIN"; done
  if [ "$(jq -r '.staff.username // empty' "$CREDS")" != "" ]; then
    sign_in "$JAR_STAFF" "$(jq -r .staff.username "$CREDS")" "$(jq -r .staff.password "$CREDS")"
    for page in "${STAFF_PAGES[@]}"; do measure "$page" "$JAR_STAFF"; done
  fi
fi
