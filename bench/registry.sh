#!/usr/bin/env bash
# The registry at national scale, on both engines side by side in one run:
# 550 governments × 60 agencies × 10 applications × 3 services ≈ 1 million services.
# Loads each engine through the store (every write its own transaction, as in production),
# then prints the load time, the size on disk and p50/p95 of list, search and get on the admin
# API (the real router in process: routing, auth, store, JSON), as one table.
#
#   bench/registry.sh                 # full scale: about 15 min per engine on 2 cores
#   GOVERNMENTS=55 bench/registry.sh  # a tenth, for a quick look
#
# Needs a PostgreSQL server whose user may create databases (WADAH_BENCH_POSTGRES_URL, without
# a database name; default postgres://postgres@127.0.0.1:5432) and `psql`. The benchmark
# database is created fresh and dropped afterwards, and vacuumed and analysed once after the
# load, which autovacuum does on a default server (the output says whether this one's is on).
#
# Every write commits on its own and waits for its WAL flush, so PostgreSQL's load speed is
# mostly commit latency. PG_SYNCHRONOUS_COMMIT=off sets `synchronous_commit = off` on the
# benchmark database only: PostgreSQL's documented setting for bulk imports ("Non-Durable
# Settings": a crash may lose the last commits, never corrupts). Wadah's defaults and the
# server's are unchanged; the table says which setting the load ran with. Measured at full
# scale on 2 cores: on ≈ 19 min, off ≈ 12.5 min.
set -euo pipefail
cd "$(dirname "$0")/.."
GOVERNMENTS="${GOVERNMENTS:-550}"
SAMPLES="${SAMPLES:-500}"
PG_SERVER="${WADAH_BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}"
PG_SYNCHRONOUS_COMMIT="${PG_SYNCHRONOUS_COMMIT:-on}"
case "$PG_SYNCHRONOUS_COMMIT" in on | off) ;; *) echo "PG_SYNCHRONOUS_COMMIT is on or off" >&2; exit 1 ;; esac
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/wadah-target}"
command -v psql >/dev/null || { echo "bench/registry.sh needs psql (PostgreSQL's client)" >&2; exit 1; }
cargo build --release --locked -q -p wadah-bench
BIN="$CARGO_TARGET_DIR/release/registry-bench"
WORK="$(mktemp -d "${TMPDIR:-/var/tmp}/wadah-bench.XXXXXX")"
DB="wadah_bench_$$"
cleanup() {
  rm -rf "$WORK"
  psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "# registry benchmark: $GOVERNMENTS governments × 60 × 10 × 3 services, $SAMPLES requests per operation, $(nproc) cores"
"$BIN" --url "sqlite://$WORK/bench.db" --governments "$GOVERNMENTS" --loaders 1 --samples "$SAMPLES" \
  | tee "$WORK/sqlite.txt"
rm -f "$WORK"/bench.db*
psql -q "$PG_SERVER/postgres" -c "CREATE DATABASE $DB" \
  -c "ALTER DATABASE $DB SET synchronous_commit = $PG_SYNCHRONOUS_COMMIT" >/dev/null
# One loader: every write takes the registry's row lock first, so PostgreSQL writes queue on
# it, and on two cores more loaders only add switching (measured: 1 loader is the fastest).
"$BIN" --url "$PG_SERVER/$DB" --governments "$GOVERNMENTS" --loaders 1 --samples "$SAMPLES" \
  | tee "$WORK/postgres.txt"

echo
cat "$WORK/sqlite.txt" "$WORK/postgres.txt" | awk -F'\t' '
  function cell(key) { return (key in v) ? v[key] : "—" }
  $1 == "load"    { v["what"] = $3; v["time", $2] = $4; v["rate", $2] = $5 }
  $1 == "size"    { v["size", $2] = $4 }
  $1 == "commit"  { v["commit", $2] = $4 }
  $1 == "analyze" { note = $3 ", " $4 }
  $1 == "query" {
    if (!($3 in seen)) { seen[$3] = 1; ops[++n] = $3 }
    v["p50", $2, $3] = substr($4, 5); v["p95", $2, $3] = substr($5, 5)
  }
  END {
    printf "| load of %s | SQLite | PostgreSQL |\n|---|---|---|\n", cell("what")
    printf "| time | %s | %s |\n", cell("time" SUBSEP "sqlite"), cell("time" SUBSEP "postgres")
    printf "| rate | %s | %s |\n", cell("rate" SUBSEP "sqlite"), cell("rate" SUBSEP "postgres")
    printf "| commits | %s | %s |\n", cell("commit" SUBSEP "sqlite"), cell("commit" SUBSEP "postgres")
    printf "| size on disk | %s | %s |\n\n", cell("size" SUBSEP "sqlite"), cell("size" SUBSEP "postgres")
    print "| operation | SQLite p50 | SQLite p95 | PostgreSQL p50 | PostgreSQL p95 |"
    print "|---|---|---|---|---|"
    for (i = 1; i <= n; i++) {
      op = ops[i]
      printf "| %s | %s | %s | %s | %s |\n", op,
        cell("p50" SUBSEP "sqlite" SUBSEP op), cell("p95" SUBSEP "sqlite" SUBSEP op),
        cell("p50" SUBSEP "postgres" SUBSEP op), cell("p95" SUBSEP "postgres" SUBSEP op)
    }
    if (note != "") printf "\nPostgreSQL: %s\n", note
  }'
