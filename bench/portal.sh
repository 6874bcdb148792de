#!/usr/bin/env bash
# Server render time and first-load size of the public portal's main pages, against a running
# `wadah demo` (or any Wadah): p50/p95 of curl's time to the last byte, over SAMPLES requests
# per page, and the bytes of HTML + CSS + JS a first visit downloads.
#
#   wadah demo &                                    # prints its web URL
#   bench/portal.sh http://127.0.0.1:8080           # SAMPLES=200 by default
#
# The budget (issue 4): under 50 ms p95 per page, under 100 KB per first load.
set -euo pipefail
WEB="${1:?usage: bench/portal.sh WEB_URL}"
SAMPLES="${SAMPLES:-200}"
PAGES=("/" "/cari?q=bantuan" "/cari?q=bantaun" "/topik/bantuan-sosial" "/instansi/dinsos"
       "/layanan/dinsos/pengajuan-bansos" "/layanan/dinsos/tidak-ada")

printf '%-36s %8s %8s %10s\n' page p50_ms p95_ms first_load
for page in "${PAGES[@]}"; do
  times="$(for _ in $(seq "$SAMPLES"); do
    curl -s -o /dev/null -w '%{time_total}\n' "$WEB$page"
  done | sort -n)"
  p50="$(sed -n "$(( (SAMPLES + 1) / 2 ))p" <<<"$times")"
  p95="$(sed -n "$(( (SAMPLES * 95 + 99) / 100 ))p" <<<"$times")"
  html="$(curl -s "$WEB$page")"
  total="$(printf '%s' "$html" | wc -c)"
  for asset in $(grep -oE '/aset/[^"]+' <<<"$html" | sort -u); do
    total=$(( total + $(curl -s "$WEB$asset" | wc -c) ))
  done
  printf '%-36s %8.1f %8.1f %8d B\n' "$page" "$(echo "$p50 * 1000" | bc -l)" \
    "$(echo "$p95 * 1000" | bc -l)" "$total"
done
