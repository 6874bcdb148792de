# Sourced by the gateway benchmarks (gateway.sh, gateway-cpu.sh, cluster.sh): how each points a
# running demo at the benchmark's upstream, in one place.

# Points the demo's BPSDM `pegawai` service at UPSTREAM (its base URL) with the limit lifted to
# 1,000,000 a minute, through the admin API as an operator would; DIR receives the service's
# documents. Prints the API key of the demo consumer diskominfo/dashboard-kota.
demo_point_pegawai() { # WEB_URL CREDS_FILE UPSTREAM DIR
  local web="$1" creds="$2" up="$3" dir="$4" token svc etag
  token="$(jq -r .admin.api_token "$creds")"
  svc="$web/api/v1/agencies/bpsdm/applications/simpeg/services/pegawai"
  etag="$(curl -sfD - -o "$dir/service.json" -H "Authorization: Bearer $token" "$svc" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "etag" { print $2 }')"
  jq --arg up "$up" \
    'del(.agency, .application, .meta) | .upstream_url = $up | .default_limit_per_minute = 1000000' \
    "$dir/service.json" >"$dir/spec.json"
  curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $token" -H "If-Match: $etag" \
    -H 'Content-Type: application/json' --data-binary "@$dir/spec.json" "$svc"
  jq -r '.consumers[] | select(.agency=="diskominfo" and .application=="dashboard-kota") | .api_key' "$creds"
}
