#!/usr/bin/env bash
# Scale-out on this machine (issue 7), side by side in one run on loopback with wrk:
#
#   1 node, direct          one `wadah serve` gateway, called directly
#   1 node, via nginx       the same node behind an nginx load balancer
#   2 nodes, via nginx      two nodes on the same PostgreSQL behind the same kind of balancer
# each with the local rate limit and with the Redis-backed cluster-wide limit
# (`rate_limit.redis_url`), so the cost of the shared limit shows next to the local one.
#
#   bench/cluster.sh                 # about 3 min after the release build
#   DURATION=20s bench/cluster.sh    # longer runs per measurement
#
# Setup:
#   - PostgreSQL: a private database (`wadah_bench_<pid>`) on WADAH_BENCH_POSTGRES_URL
#     (default postgres://postgres@127.0.0.1:5432/postgres), dropped at the end. Redis:
#     WADAH_BENCH_REDIS_URL (default redis://127.0.0.1:6379) with a key prefix of this run only.
#   - `wadah demo` seeds the database; the BPSDM `pegawai` service is pointed at an nginx
#     upstream answering a small JSON from memory, its limit lifted to 1,000,000/min (never
#     reached, so every request costs one Redis round trip with the shared limit, none refused).
#   - Nodes run `wadah serve` (release build, default settings: strict evidence durability,
#     log level warn), each with its own data dir, sharing the database and master key.
#   - The balancer is Debian's nginx, 2 workers, round robin, an upstream keepalive pool.
#   - wrk -t2 -cCONNS for DURATION after a 2 s warm-up; any non-2xx answer fails the run.
#   - No CPU pinning: wrk, nginx, the nodes, PostgreSQL and Redis share this machine's cores,
#     so on a 2-core machine a second node adds contention, not capacity. The table is what
#     this machine does; on separate machines two nodes scale with the cores they bring.
#
# Needs wrk, nginx, curl, jq, psql and redis-cli (installed with apt-get when missing and run
# as root).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/demo-service.sh
. bench/demo-service.sh
DURATION="${DURATION:-10s}"
CONNS="${CONNS:-64}"
BASE_PORT="${BASE_PORT:-18190}"
UP_PORT=$BASE_PORT
LB1_PORT=$((BASE_PORT + 1))
LB2_PORT=$((BASE_PORT + 2))
SEED_WEB=$((BASE_PORT + 3))
SEED_GW=$((BASE_PORT + 4))
N1_WEB=$((BASE_PORT + 5))
N1_GW=$((BASE_PORT + 6))
N2_WEB=$((BASE_PORT + 7))
N2_GW=$((BASE_PORT + 8))
PG_URL="${WADAH_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
REDIS_URL="${WADAH_BENCH_REDIS_URL:-redis://127.0.0.1:6379}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/wadah-target}"

missing=()
for tool in wrk nginx curl jq psql redis-cli; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    pkgs=("${missing[@]/nginx/nginx-light}")
    pkgs=("${pkgs[@]/psql/postgresql-client}")
    pkgs=("${pkgs[@]/redis-cli/redis-tools}")
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
  else
    echo "bench/cluster.sh needs: ${missing[*]}" >&2
    exit 1
  fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
ulimit -n 65536 2>/dev/null || ulimit -n 4096

if [ -z "${BENCH_BIN:-}" ]; then
  cargo build --release --locked -q -p wadah
fi
BIN="${BENCH_BIN:-$CARGO_TARGET_DIR/release/wadah}"
WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/wadah-cluster-bench.XXXXXX")"
DB="wadah_bench_$$"
DB_URL="${PG_URL%/*}/$DB"
PREFIX="wadah-bench-$$:"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -X -q -d "$PG_URL" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
psql -X -q -d "$PG_URL" -c "CREATE DATABASE $DB" >/dev/null

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

# --- the upstream and the two balancers -----------------------------------------------------
BODY='{"items":[{"nip":"199001012020121001","nama":"Contoh Pegawai","unit":"BPSDM"}]}'
mkdir -p "$WORK/tmp"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
nginx_conf() { # NAME WORKERS PORT BODY-OF-SERVER [UPSTREAM-BLOCK]
  cat >"$WORK/$1.conf" <<EOF
$user_line
worker_processes $2;
pid $WORK/$1.pid;
error_log stderr warn;
events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path $WORK/tmp; proxy_temp_path $WORK/tmp;
  fastcgi_temp_path $WORK/tmp; uwsgi_temp_path $WORK/tmp; scgi_temp_path $WORK/tmp;
  keepalive_requests 1000000; keepalive_timeout 60s;
  ${5:-}
  server { listen 127.0.0.1:$3 backlog=4096; $4 }
}
EOF
  "$NGINX" -p "$WORK" -e stderr -c "$WORK/$1.conf" -g 'daemon off;' &
  PIDS+=($!)
}
proxy='location / { proxy_pass http://nodes; proxy_http_version 1.1; proxy_set_header Connection ""; }'
nginx_conf upstream 1 "$UP_PORT" "location / { default_type application/json; return 200 '$BODY'; }"
nginx_conf lb1 2 "$LB1_PORT" "$proxy" \
  "upstream nodes { server 127.0.0.1:$N1_GW; keepalive 128; keepalive_requests 1000000; }"
nginx_conf lb2 2 "$LB2_PORT" "$proxy" \
  "upstream nodes { server 127.0.0.1:$N1_GW; server 127.0.0.1:$N2_GW; keepalive 128; keepalive_requests 1000000; }"
wait_for "http://127.0.0.1:$UP_PORT/"

# --- seeding: `wadah demo` on the benchmark database ----------------------------------------
mkdir -p "$WORK/seed"
WADAH_LOG=warn WADAH_DATABASE__URL="$DB_URL" "$BIN" demo --listen "127.0.0.1:$SEED_WEB" \
  --gateway-listen "127.0.0.1:$SEED_GW" --sample-listen 127.0.0.1:0 --data-dir "$WORK/seed" \
  >"$WORK/seed/stdout.log" &
SEED_PID=$!
PIDS+=("$SEED_PID")
wait_for "http://127.0.0.1:$SEED_WEB/healthz"
KEY="$(demo_point_pegawai "http://127.0.0.1:$SEED_WEB" "$WORK/seed/demo-credentials.json" \
  "http://127.0.0.1:$UP_PORT/pegawai-api" "$WORK")"
kill "$SEED_PID"
wait "$SEED_PID" || true

# --- nodes ----------------------------------------------------------------------------------
NODE_PIDS=()
start_node() { # NAME WEB GW LIMIT(local|redis)
  local dir="$WORK/$1-$4"
  mkdir -p "$dir"
  local redis=()
  [ "$4" = redis ] && redis=(WADAH_RATE_LIMIT__REDIS_URL="$REDIS_URL" WADAH_RATE_LIMIT__REDIS_KEY_PREFIX="$PREFIX")
  env WADAH_LOG=warn WADAH_DATABASE__URL="$DB_URL" WADAH_SECRETS__MASTER_KEY_FILE="$WORK/seed/master.key" \
    WADAH_WEB__LISTEN="127.0.0.1:$2" WADAH_GATEWAY__LISTEN="127.0.0.1:$3" "${redis[@]}" \
    "$BIN" serve --data-dir "$dir" >"$dir/stdout.log" 2>&1 &
  NODE_PIDS+=($!)
  PIDS+=($!)
  wait_for "http://127.0.0.1:$2/readyz"
  for _ in $(seq 1 100); do
    curl -s -H "apikey: $KEY" "http://127.0.0.1:$3/bpsdm/simpeg/pegawai/pegawai" |
      grep -q 'Contoh Pegawai' && return 0
    sleep 0.1
  done
  echo "node $1 never reached the benchmark upstream" >&2
  exit 1
}
stop_nodes() {
  for pid in "${NODE_PIDS[@]}"; do kill "$pid"; done
  for pid in "${NODE_PIDS[@]}"; do wait "$pid" || true; done
  NODE_PIDS=()
}

# --- measurements ---------------------------------------------------------------------------
declare -A RPS P50 P99
ms() { # wrk's latency cell (e.g. 1.23ms, 850.00us, 1.02s) in ms
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) }
    else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 }; printf "%.2f", v }'
}
measure() { # NAME URL
  local out="$WORK/$1.wrk"
  wrk -t2 -c"$CONNS" -d2s -H "apikey: $KEY" "$2" >/dev/null 2>&1
  wrk --latency -t2 -c"$CONNS" -d"$DURATION" -H "apikey: $KEY" "$2" >"$out" 2>&1
  if grep -qE 'Non-2xx|Socket errors' "$out"; then
    echo "errors in $1:" >&2
    cat "$out" >&2
    exit 1
  fi
  RPS[$1]=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$out")
  P50[$1]=$(ms "$(awk '$1 == "50%" { print $2 }' "$out")")
  P99[$1]=$(ms "$(awk '$1 == "99%" { print $2 }' "$out")")
  echo "  $1: ${RPS[$1]} req/s, p50 ${P50[$1]} ms, p99 ${P99[$1]} ms" >&2
}

PATH_="/bpsdm/simpeg/pegawai/pegawai"
echo "# cluster benchmark: $(nproc) cores, wrk -t2 -c$CONNS -d$DURATION, $(date -u +%Y-%m-%dT%H:%MZ)" >&2
for limit in local redis; do
  start_node n1 "$N1_WEB" "$N1_GW" "$limit"
  start_node n2 "$N2_WEB" "$N2_GW" "$limit"
  measure "1-direct-$limit" "http://127.0.0.1:$N1_GW$PATH_"
  measure "1-nginx-$limit" "http://127.0.0.1:$LB1_PORT$PATH_"
  measure "2-nginx-$limit" "http://127.0.0.1:$LB2_PORT$PATH_"
  if [ "$limit" = redis ]; then
    for web in "$N1_WEB" "$N2_WEB"; do
      curl -s "http://127.0.0.1:$web/metrics" | grep -q '^wadah_gateway_redis_up 1' ||
        { echo "a node did not use Redis" >&2; exit 1; }
    done
  fi
  stop_nodes
done

echo
echo "| setup | limit | req/s | p50 | p99 |"
echo "|---|---|---:|---:|---:|"
for setup in 1-direct 1-nginx 2-nginx; do
  for limit in local redis; do
    case $setup in
      1-direct) label="1 node, direct" ;;
      1-nginx) label="1 node via nginx" ;;
      2-nginx) label="2 nodes via nginx" ;;
    esac
    n="$setup-$limit"
    printf '| %s | %s | %s | %s ms | %s ms |\n' "$label" "$limit" "${RPS[$n]}" "${P50[$n]}" "${P99[$n]}"
  done
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
diff_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%+.2f", a - b }'; }
echo "- 2 nodes / 1 node behind nginx: local $(ratio "${RPS[2-nginx-local]}" "${RPS[1-nginx-local]}")×, redis $(ratio "${RPS[2-nginx-redis]}" "${RPS[1-nginx-redis]}")× (on $(nproc) shared cores)"
echo "- Redis limit / local limit, 1 node direct: $(ratio "${RPS[1-direct-redis]}" "${RPS[1-direct-local]}")× req/s, p50 $(diff_ms "${P50[1-direct-redis]}" "${P50[1-direct-local]}") ms"
