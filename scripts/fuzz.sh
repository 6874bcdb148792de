#!/usr/bin/env bash
# Builds the fuzz targets in fuzz/ and runs each for SECONDS (default 20) from its committed
# seed corpus (fuzz/corpus/<target>). A crash fails the script and leaves the input in
# fuzz/artifacts/<target>/; turn it into a unit test next to the code it broke.
#
#   scripts/fuzz.sh          # 20 s per target
#   scripts/fuzz.sh 600      # a longer hunt
#   scripts/fuzz.sh 60 audit_record   # one target
#
# Only the stable toolchain is installed here, so cargo-fuzz runs with RUSTC_BOOTSTRAP=1 (it
# needs -Z flags for the sanitizer). New inputs found during a run go to a scratch corpus, so
# the committed seeds stay small.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH="${1:-20}"
shift || true
export CARGO_TERM_COLOR=never
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${WADAH_FUZZ_TARGET_DIR:-/var/tmp/wadah-fuzz-target}"
FUZZ_VERSION=0.13

if ! cargo fuzz --version 2>/dev/null | grep -q "cargo-fuzz $FUZZ_VERSION"; then
  echo "== installing cargo-fuzz $FUZZ_VERSION"
  cargo install cargo-fuzz --locked --version "^$FUZZ_VERSION"
fi

TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  mapfile -t TARGETS < <(cargo fuzz list --fuzz-dir fuzz)
fi

echo "== fuzz build"
start=$(date +%s)
cargo fuzz build --fuzz-dir fuzz
echo "fuzz build took $(($(date +%s) - start)) s"

SCRATCH="$(mktemp -d "${TMPDIR:-/var/tmp}/wadah-fuzz.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT
for target in "${TARGETS[@]}"; do
  echo "== fuzz $target for ${SECONDS_EACH} s"
  mkdir -p "$SCRATCH/$target" "fuzz/artifacts/$target"
  # -rss_limit_mb / -malloc_limit_mb: one input may not make the code allocate more than this
  # (a length prefix taken on trust would). -timeout: one input may not take a second.
  log="$SCRATCH/$target.log"
  if ! cargo fuzz run --fuzz-dir fuzz "$target" "$SCRATCH/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=1024 -malloc_limit_mb=256 -timeout=1 \
    -max_len=65536 -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || tail -n 5 "$log"
done
echo "fuzz: ${#TARGETS[@]} targets, ${SECONDS_EACH} s each, no crash"
