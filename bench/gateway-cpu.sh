#!/usr/bin/env bash
# Where the gateway's time goes: CPU per forwarded request and memory, for one or more builds
# side by side in one run (to compare a change against the build before it).
#
#   BINS="/var/tmp/wadah-before /var/tmp/wadah-after" ROUNDS=2 bench/gateway-cpu.sh
#   PERF=1 BINS=target/release/wadah bench/gateway-cpu.sh    # also a perf profile per build
#   BINS="$B MIMALLOC_PURGE_DELAY=0@$B" bench/gateway-cpu.sh  # a build with and without a setting
#   BINS="nginx $B" bench/gateway-cpu.sh                       # next to nginx's proxy_pass
#
# For each build (alternating, ROUNDS times, so drift on the machine hits every build alike):
# `wadah demo` with the evidence log in MODE (async by default), the BPSDM `pegawai` service
# pointed at a one-worker nginx answering from memory, then wrk -t2 -c64 for DURATION with the
# demo consumer's API key. Printed per run: requests/s; the wadah process's CPU time (user +
# system, from /proc) divided by the requests served, in µs; RSS when idle after that load, and
# with 1,000 keep-alive connections open (each sending one request a second). `nginx` in BINS
# stands for Debian's nginx proxying to the same upstream, configured as in bench/gateway.sh (2
# workers, upstream keep-alive, buffered access log); its CPU and RSS are summed over master and
# workers, so the cost of one forwarded request is compared with the reference proxy's.
# bench/gateway.sh is the benchmark against nginx; this script is for finding and checking
# the gateway's own costs. With PERF=1, `perf report -i WORK/perf-N.data` shows the profile.
#
# Needs wrk, nginx, curl and jq (and perf for PERF=1).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/nginx-conf.sh
. bench/nginx-conf.sh
# shellcheck source=bench/demo-service.sh
. bench/demo-service.sh
MODE="${MODE:-async}"
DURATION="${DURATION:-10s}"
ROUNDS="${ROUNDS:-1}"
BINS="${BINS:-${CARGO_TARGET_DIR:-/var/tmp/wadah-target}/release/wadah}"
UP_PORT="${UP_PORT:-18190}"
NGINX_PORT="${NGINX_PORT:-18191}"
WEB_PORT="${WEB_PORT:-18192}"
GW_PORT="${GW_PORT:-18193}"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
for tool in wrk curl jq "$NGINX"; do
  command -v "$tool" >/dev/null || {
    echo "bench/gateway-cpu.sh needs $tool (bench/gateway.sh installs them as root)" >&2
    exit 1
  }
done
ulimit -n 65536 2>/dev/null || ulimit -n 4096
WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/wadah-gw-cpu.XXXXXX")"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ "${PERF:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT

mkdir -p "$WORK/tmp"
nginx_upstream_conf "$WORK" "$UP_PORT" \
  '{"items":[{"nip":"199001012020121001","nama":"Contoh Pegawai"}]}' >"$WORK/upstream.conf"
"$NGINX" -p "$WORK" -e stderr -c "$WORK/upstream.conf" -g 'daemon off;' &
PIDS+=($!)
echo 'function delay() return 1000 end' >"$WORK/idle.lua"

ticks() { # PID…: user + system clock ticks, summed
  local t=0 pid
  for pid in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done
  echo "$t"
}
kb() { # KEY PID…: a /proc status value in kB, summed
  local key="$1" v=0 pid
  shift
  for pid in "$@"; do v=$((v + $(awk -v k="$key" '$1 == k":" { print $2 }' "/proc/$pid/status"))); done
  echo "$v"
}

# The reference proxy: nginx as bench/gateway.sh configures it. Prints the master's PID.
start_nginx() { # DIR
  local dir="$1"
  nginx_proxy_conf "$WORK" "$dir" "$NGINX_PORT" "$UP_PORT" >"$dir/nginx.conf"
  "$NGINX" -p "$dir" -e stderr -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/stdout.log" 2>&1 &
  echo $!
}

# `wadah demo` with the `pegawai` service pointed at the upstream. Prints its PID; the demo
# consumer's API key goes to DIR/key.
start_wadah() { # DIR BIN [NAME=VALUE]
  local dir="$1" bin="$2" setting=("${@:3}")
  env "${setting[@]}" WADAH_LOG=warn WADAH_GATEWAY__AUDIT_DURABILITY="$MODE" "$bin" demo \
    --listen "127.0.0.1:$WEB_PORT" --gateway-listen "127.0.0.1:$GW_PORT" \
    --sample-listen 127.0.0.1:0 --data-dir "$dir/data" >"$dir/stdout.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "http://127.0.0.1:$WEB_PORT/healthz" && break
    sleep 0.1
  done
  local key
  key="$(demo_point_pegawai "http://127.0.0.1:$WEB_PORT" "$dir/data/demo-credentials.json" \
    "http://127.0.0.1:$UP_PORT/pegawai-api" "$dir")"
  echo "$key" >"$dir/key"
  local url="http://127.0.0.1:$GW_PORT/bpsdm/simpeg/pegawai/pegawai"
  for _ in $(seq 1 100); do
    curl -s -H "apikey: $key" "$url" | grep -q 'Contoh Pegawai' && break
    sleep 0.1
  done
  echo "$pid"
}

run() { # N [NAME=VALUE@]BIN
  local n="$1" bin="$2" label="$2" dir="$WORK/run-$1" setting=()
  if [[ "$bin" == *@* ]]; then
    setting=("${bin%%@*}")
    bin="${bin#*@}"
  fi
  mkdir -p "$dir"
  local pid pids url key=""
  if [ "$bin" = nginx ]; then
    pid=$(start_nginx "$dir")
    PIDS+=("$pid")
    url="http://127.0.0.1:$NGINX_PORT/pegawai-api/pegawai"
    for _ in $(seq 1 100); do
      curl -sf "$url" | grep -q 'Contoh Pegawai' && break
      sleep 0.1
    done
    pids="$pid $(pgrep -P "$pid" | tr '\n' ' ')"
  else
    pid=$(start_wadah "$dir" "$bin" "${setting[@]}")
    PIDS+=("$pid")
    key="$(cat "$dir/key")"
    url="http://127.0.0.1:$GW_PORT/bpsdm/simpeg/pegawai/pegawai"
    pids="$pid"
  fi
  # shellcheck disable=SC2086 # a list of PIDs
  set -- $pids
  wrk -t2 -c64 -d2s -H "apikey: $key" "$url" >/dev/null # warm-up
  local before after perf_pid=""
  before=$(ticks "$@")
  if [ "${PERF:-0}" = 1 ]; then
    perf record -F 999 -g --call-graph dwarf,16384 -p "$(IFS=,; echo "$*")" -o "$WORK/perf-$n.data" -- sleep 5 >/dev/null 2>&1 &
    perf_pid=$!
  fi
  wrk -t2 -c64 -d"$DURATION" -H "apikey: $key" "$url" >"$dir/wrk.txt"
  after=$(ticks "$@")
  [ -n "$perf_pid" ] && wait "$perf_pid"
  if grep -q 'Non-2xx' "$dir/wrk.txt"; then
    echo "non-2xx answers:" >&2
    cat "$dir/wrk.txt" >&2
    exit 1
  fi
  local rps requests cpu idle busy
  rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$dir/wrk.txt")
  requests=$(awk '/requests in/ { print $1 }' "$dir/wrk.txt")
  cpu=$(((after - before) * 1000000 / $(getconf CLK_TCK) / requests))
  idle=$(($(kb VmRSS "$@") / 1024))
  wrk -t2 -c1000 -d6s -s "$WORK/idle.lua" -H "apikey: $key" "$url" >/dev/null 2>&1 &
  local loader=$!
  sleep 4
  busy=$(($(kb VmRSS "$@") / 1024))
  wait "$loader" || true
  kill "$pid"
  # Started in a command substitution, so not this shell's child: wait until the port is free.
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  printf '| %s | %s | %s | %s | %s MB | %s MB |\n' "$n" "$label" "$rps" "$cpu" "$idle" "$busy"
}

echo "# gateway CPU and memory: $(nproc) cores, audit $MODE, wrk -t2 -c64 -d$DURATION, $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "| run | build | req/s | CPU µs per request | RSS idle after load | RSS at 1,000 conns |"
echo "|---:|---|---:|---:|---:|---:|"
n=0
for _ in $(seq 1 "$ROUNDS"); do
  for bin in $BINS; do
    n=$((n + 1))
    run "$n" "$bin"
  done
done
[ "${PERF:-0}" = 1 ] && echo && echo "profiles: $WORK/perf-*.data"
exit 0
