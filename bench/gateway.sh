#!/usr/bin/env bash
# The gateway against the reference most cities would otherwise deploy, side by side in one run
# on loopback with wrk:
#
#   upstream        the upstream alone (a baseline: what the machine does with no proxy)
#   nginx           Debian's nginx proxy_pass to it
#   wadah async     Wadah's full chain: API key, right check, rate limit, evidence log `async`
#   wadah strict    the same with `strict` (the default: admitted only once the record is durable)
#
#   bench/gateway.sh                 # about 3 min after the release build
#   DURATION=20s bench/gateway.sh    # longer runs per measurement
#
# What is measured, per contender:
#   req/s        wrk -t2 -c64 for DURATION: the most it serves.
#   p99 @ half   p99 latency at half of *its own* maximum. wrk has no rate control (wrk2 is not
#                in Debian), so a Lua `delay()` hook paces each connection: C connections each
#                wait D = 10 ms after every response, C = half-rate × D, i.e. a closed loop with
#                think time. The table shows the rate it really reached next to the target. With
#                think time the loop cannot hide queueing the way an unpaced closed loop does,
#                but it is not an open-loop (coordinated-omission-free) measurement either.
#   RSS @ 1000   Wadah's VmRSS (and peak VmHWM) while 1,000 keep-alive connections are open
#                (each sends one request a second); for nginx the sum over master and workers.
#
# Setup, chosen to be fair and reproducible:
#   - The upstream is an nginx instance (1 worker) answering every path with the same small JSON
#     from memory (`return 200`): the cheapest server there is, so the proxies are what is
#     measured, and both proxies reach the very same upstream.
#   - The nginx proxy is a reasonable production config: 2 workers (one per core), an upstream
#     keepalive pool, HTTP/1.1 to the upstream, X-Request-Id and X-Forwarded-For set, and a
#     buffered access log (the nearest thing nginx has to Wadah's evidence log).
#   - Wadah runs `wadah demo` (release build) with its demo data; the benchmark points the
#     BPSDM `pegawai` service at the upstream and lifts its limit to 1,000,000/min (a burst of
#     a million: it never triggers in these runs) through the admin API, and calls it with the
#     demo consumer `diskominfo/dashboard-kota`'s API key. Logging at `warn`.
#   - No CPU pinning: on 2 cores, wrk, the proxy and the upstream share both cores in every
#     row alike (pinning the proxy to one core would starve a 2-worker nginx and Wadah's 2
#     runtime threads alike, and wrk would still share a core with something). So the figures are
#     "2 cores shared by load generator, proxy and upstream"; the ratios are what compare.
#   - Anything else running on the machine shows in the figures: run it on a quiet machine.
#
# Needs wrk, nginx, curl and jq (installed with apt-get when missing and run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/nginx-conf.sh
. bench/nginx-conf.sh
# shellcheck source=bench/demo-service.sh
. bench/demo-service.sh
DURATION="${DURATION:-10s}"
CONNS="${CONNS:-64}"
PACE_MS=10
UP_PORT="${UP_PORT:-18090}"
NGINX_PORT="${NGINX_PORT:-18091}"
WEB_PORT="${WEB_PORT:-18092}"
GW_PORT="${GW_PORT:-18093}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/wadah-target}"

missing=()
for tool in wrk nginx curl jq; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    pkgs=("${missing[@]/nginx/nginx-light}")
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
  else
    echo "bench/gateway.sh needs: ${missing[*]}" >&2
    exit 1
  fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
ulimit -n 65536 2>/dev/null || ulimit -n 4096

# BENCH_BIN: an already built binary (skips the release build).
if [ -z "${BENCH_BIN:-}" ]; then
  cargo build --release --locked -q -p wadah
fi
BIN="${BENCH_BIN:-$CARGO_TARGET_DIR/release/wadah}"
WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/wadah-gw-bench.XXXXXX")"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- the upstream and the nginx proxy -------------------------------------------------------
BODY='{"items":[{"nip":"199001012020121001","nama":"Contoh Pegawai","unit":"BPSDM"}]}'
mkdir -p "$WORK/tmp"
nginx_upstream_conf "$WORK" "$UP_PORT" "$BODY" >"$WORK/upstream.conf"
nginx_proxy_conf "$WORK" "$WORK" "$NGINX_PORT" "$UP_PORT" >"$WORK/nginx.conf"
"$NGINX" -p "$WORK" -e stderr -c "$WORK/upstream.conf" -g 'daemon off;' &
PIDS+=($!)
"$NGINX" -p "$WORK" -e stderr -c "$WORK/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
PIDS+=("$NGINX_PID")

wait_for() { # URL [curl args…]: until it answers 200 (bounded)
  local url="$1"
  shift
  for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$@" "$url" || true)" = 200 ] && return 0
    sleep 0.1
  done
  echo "no answer from $url" >&2
  exit 1
}
wait_for "http://127.0.0.1:$UP_PORT/"
wait_for "http://127.0.0.1:$NGINX_PORT/"

# --- wadah ----------------------------------------------------------------------------------
WADAH_PID=""
start_wadah() { # durability
  local dir="$WORK/wadah-$1"
  mkdir -p "$dir"
  WADAH_LOG=warn WADAH_GATEWAY__AUDIT_DURABILITY="$1" "$BIN" demo \
    --listen "127.0.0.1:$WEB_PORT" --gateway-listen "127.0.0.1:$GW_PORT" \
    --sample-listen 127.0.0.1:0 --data-dir "$dir" >"$dir/stdout.log" &
  WADAH_PID=$!
  PIDS+=("$WADAH_PID")
  wait_for "http://127.0.0.1:$WEB_PORT/healthz"
  KEY="$(demo_point_pegawai "http://127.0.0.1:$WEB_PORT" "$dir/demo-credentials.json" \
    "http://127.0.0.1:$UP_PORT/pegawai-api" "$dir")"
  # The gateway's snapshot follows the registry within a second: wait until it forwards there.
  for _ in $(seq 1 100); do
    curl -s -H "apikey: $KEY" "http://127.0.0.1:$GW_PORT/bpsdm/simpeg/pegawai/pegawai" |
      grep -q 'Contoh Pegawai' && return 0
    sleep 0.1
  done
  echo "the gateway never reached the benchmark upstream" >&2
  exit 1
}
stop_wadah() {
  kill "$WADAH_PID"
  wait "$WADAH_PID" || true
}

# --- measurements ---------------------------------------------------------------------------
cat >"$WORK/pace.lua" <<EOF
function delay() return $PACE_MS end
EOF
# run_wrk OUT ARGS…: wrk with latency percentiles; fails on socket errors or non-2xx answers.
run_wrk() {
  local out="$1"
  shift
  wrk --latency "$@" >"$out" 2>&1
  if grep -q 'Non-2xx' "$out"; then
    echo "non-2xx answers in $out:" >&2
    cat "$out" >&2
    exit 1
  fi
}
rps() { awk '/^Requests\/sec:/ { printf "%d", $2 }' "$1"; }
p99_ms() { # wrk prints 99% as e.g. 1.23ms, 850.00us or 1.02s
  awk '$1 == "99%" { v = $2
    if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) }
    else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }
    printf "%.2f", v }' "$1"
}
rss_mb() { # PID…: summed VmRSS and VmHWM in MB
  local rss=0 hwm=0 pid r h
  for pid in "$@"; do
    r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
    h=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
    rss=$((rss + r))
    hwm=$((hwm + h))
  done
  echo "$((rss / 1024)) $((hwm / 1024))"
}

declare -A MAX P99MAX HALF HALFGOT P99HALF RSS
measure() { # NAME URL HEADER_ARGS… (PIDs for RSS in RSS_PIDS)
  local name="$1" url="$2"
  shift 2
  local f="$WORK/$name"
  wrk -t2 -c"$CONNS" -d2s "$@" "$url" >/dev/null 2>&1 # warm-up: pools, caches
  run_wrk "$f.max" -t2 -c"$CONNS" -d"$DURATION" "$@" "$url"
  MAX[$name]=$(rps "$f.max")
  P99MAX[$name]=$(p99_ms "$f.max")
  local half=$((MAX[$name] / 2))
  local conns=$(((half * PACE_MS + 999) / 1000))
  [ "$conns" -lt 2 ] && conns=2
  run_wrk "$f.half" -t2 -c"$conns" -d"$DURATION" -s "$WORK/pace.lua" "$@" "$url"
  HALF[$name]=$half
  HALFGOT[$name]=$(rps "$f.half")
  P99HALF[$name]=$(p99_ms "$f.half")
  if [ -n "${RSS_PIDS:-}" ]; then
    cat >"$WORK/idle.lua" <<EOF
function delay() return 1000 end
EOF
    wrk -t2 -c1000 -d6s -s "$WORK/idle.lua" "$@" "$url" >"$f.conns" 2>&1 &
    local loader=$!
    sleep 4
    # shellcheck disable=SC2086
    RSS[$name]="$(rss_mb $RSS_PIDS)"
    wait "$loader"
  else
    RSS[$name]="— —"
  fi
  echo "  $name: ${MAX[$name]} req/s; at half load (${HALFGOT[$name]} req/s) p99 ${P99HALF[$name]} ms" >&2
}

echo "# gateway benchmark: $(nproc) cores, wrk -t2 -c$CONNS -d$DURATION, $(date -u +%Y-%m-%dT%H:%MZ)" >&2
RSS_PIDS="" measure upstream "http://127.0.0.1:$UP_PORT/pegawai-api/pegawai"
RSS_PIDS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')" \
  measure nginx "http://127.0.0.1:$NGINX_PORT/pegawai-api/pegawai"
for mode in async strict; do
  start_wadah "$mode"
  RSS_PIDS="$WADAH_PID" measure "wadah-$mode" "http://127.0.0.1:$GW_PORT/bpsdm/simpeg/pegawai/pegawai" \
    -H "apikey: $KEY"
  stop_wadah
done

echo
echo "| | req/s (max, c$CONNS) | p99 at max | half-load target | reached | p99 at half load | RSS at 1,000 conns (peak) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for name in upstream nginx wadah-async wadah-strict; do
  read -r rss hwm <<<"${RSS[$name]}"
  cell="$rss MB ($hwm MB)"
  [ "$rss" = "—" ] && cell="—"
  printf '| %s | %s | %s ms | %s | %s | %s ms | %s |\n' "$name" "${MAX[$name]}" "${P99MAX[$name]}" \
    "${HALF[$name]}" "${HALFGOT[$name]}" "${P99HALF[$name]}" "$cell"
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f", a - b }'; }
read -r rss_async _ <<<"${RSS[wadah-async]}"
read -r rss_strict _ <<<"${RSS[wadah-strict]}"
echo "- wadah async / nginx req/s: $(ratio "${MAX[wadah-async]}" "${MAX[nginx]}")× (target ≥ 1.0×)"
echo "- wadah strict / nginx req/s: $(ratio "${MAX[wadah-strict]}" "${MAX[nginx]}")× (target ≥ 0.9×)"
echo "- p99 at half load minus nginx's: async $(diff_ms "${P99HALF[wadah-async]}" "${P99HALF[nginx]}") ms, strict $(diff_ms "${P99HALF[wadah-strict]}" "${P99HALF[nginx]}") ms (target ≤ +1 ms)"
echo "- wadah RSS at 1,000 connections: async $rss_async MB, strict $rss_strict MB (target < 100 MB)"
